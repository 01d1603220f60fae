import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelDir, SHIPPED_MODELS } from '@onet/models';

describe('modelDir', () => {
  it('finds every shipped model folder with a manifest that names its weights or members', () => {
    for (const name of SHIPPED_MODELS) {
      const dir = modelDir(name);
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { members?: string[]; weightsManifest?: unknown };
      if (json.members) for (const m of json.members) expect(existsSync(join(dir, m, 'weights.bin'))).toBe(true);
      else expect(json.weightsManifest).toBeDefined();
    }
    expect(modelDir()).toBe(modelDir('default'));
  });

  it('every shipped weights file matches the SHA-256 its model.json records (npm run models:hash)', () => {
    let checked = 0;
    for (const name of SHIPPED_MODELS) {
      const dir = modelDir(name);
      const top = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { members?: string[] };
      for (const folder of top.members ? top.members.map((m) => join(dir, m)) : [dir]) {
        const json = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as { weightsManifest: [{ paths: [string]; sha256?: [string] }] };
        const bytes = readFileSync(join(folder, json.weightsManifest[0].paths[0]));
        expect(json.weightsManifest[0].sha256, folder).toEqual([createHash('sha256').update(bytes).digest('hex')]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(SHIPPED_MODELS.length);
  });

  it('refuses names that are not plain folder names or not here', () => {
    for (const bad of ['../io', '/etc', 'a/b', '', '.hidden', 'default/../..']) expect(() => modelDir(bad)).toThrow(/not a plain folder name/);
    expect(() => modelDir('no-such-model')).toThrow(expect.objectContaining({ code: 'UNKNOWN_MODEL' }));
  });
});
