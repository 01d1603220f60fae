import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelDir, SHIPPED_MODELS } from '@onet/models';
describe('modelDir', () => {
    it('finds every shipped model folder with a manifest that names its weights or members', () => {
        for (const name of SHIPPED_MODELS) {
            const dir = modelDir(name);
            const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
            if (json.members)
                for (const m of json.members)
                    expect(existsSync(join(dir, m, 'weights.bin'))).toBe(true);
            else
                expect(json.weightsManifest).toBeDefined();
        }
        expect(modelDir()).toBe(modelDir('default'));
    });
    it('refuses names that are not plain folder names or not here', () => {
        for (const bad of ['../io', '/etc', 'a/b', '', '.hidden', 'default/../..'])
            expect(() => modelDir(bad)).toThrow(/not a plain folder name/);
        expect(() => modelDir('no-such-model')).toThrow(expect.objectContaining({ code: 'UNKNOWN_MODEL' }));
    });
});
//# sourceMappingURL=modelDir.test.js.map