import { mkdtemp, readFile, rm, symlink, writeFile, link, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGlb, writeOff } from '@onet/io';
import { icosphere } from '@onet/sampling';
import { assertOutputNotInput, readInput, readMeshFile, reconstructFile } from '../src/node.js';
import type { ConditionableModel } from '../src/reconstruct.js';

/** A stand-in network: a ball of radius `r` in the unit frame (logit = 40·(r − |p|)), or `constant` everywhere. */
function fakeModel(r = 0.35, constant?: number): ConditionableModel & { config: { noiseStd?: number }; conditioned: number } {
  const m = {
    config: { inputPoints: 300, padding: 0.1, noiseStd: 0.005 },
    conditioned: 0,
    condition() {
      m.conditioned++;
      return {
        logits: async (p: Float32Array) => {
          const out = new Float32Array(p.length / 3);
          for (let i = 0; i < out.length; i++) out[i] = constant ?? 40 * (r - Math.hypot(p[3 * i], p[3 * i + 1], p[3 * i + 2]));
          return out;
        },
        dispose() {},
      };
    },
  };
  return m;
}

const gen = { resolution0: 8, upsamplingSteps: 1, evalPoints: 2000 };

describe('reconstructFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onet-recfile-'));
    await writeFile(join(dir, 'ball.off'), writeOff(icosphere(2, 0.5)));
    await writeFile(join(dir, 'far.off'), writeOff(icosphere(2, 0.5, [40, 0, 0])));
    await writeFile(join(dir, 'ball.glb'), await writeGlb(icosphere(2, 0.5)));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses an output that is the input (same path, symlink, hard link, ../ detour) before any work', async () => {
    const input = join(dir, 'ball.off');
    const before = await readFile(input);
    await symlink(input, join(dir, 'link.off'));
    await link(input, join(dir, 'hard.off'));
    const model = fakeModel();
    for (const output of [input, join(dir, 'link.off'), join(dir, 'hard.off'), join(dir, '..', dir.split(/[\\/]/).pop()!, 'ball.off')]) {
      await expect(reconstructFile(model, input, { ...gen, output })).rejects.toMatchObject({ code: 'OUTPUT_IS_INPUT' });
    }
    // The ground truth is an input too.
    await expect(reconstructFile(model, join(dir, 'far.off'), { ...gen, gt: input, output: input })).rejects.toMatchObject({ code: 'OUTPUT_IS_INPUT' });
    expect(model.conditioned).toBe(0);
    expect(Buffer.compare(await readFile(input), before)).toBe(0);
    // A case-insensitive file system makes BALL.OFF the same file; a case-sensitive one does not.
    const upper = join(dir, 'BALL.OFF');
    const sameFile = await stat(upper).then(() => true, () => false);
    if (sameFile) await expect(assertOutputNotInput(upper, [input])).rejects.toMatchObject({ code: 'OUTPUT_IS_INPUT' });
    else await expect(assertOutputNotInput(upper, [input])).resolves.toBeUndefined();
    await expect(assertOutputNotInput(join(dir, 'new.ply'), [input])).resolves.toBeUndefined();
  });

  it('an empty reconstruction is EMPTY_OUTPUT and writes nothing', async () => {
    const output = join(dir, 'empty.ply');
    await expect(reconstructFile(fakeModel(0.35, -10), join(dir, 'ball.off'), { ...gen, output })).rejects.toMatchObject({
      code: 'EMPTY_OUTPUT',
      message: expect.stringMatching(/nothing was written/),
    });
    expect(existsSync(output)).toBe(false);
  });

  it('warns when the ground truth is in another frame than the prediction, not when it overlaps', async () => {
    const cloud = join(dir, 'cloud.xyz');
    const pts = icosphere(3, 0.5).positions;
    await writeFile(cloud, Array.from({ length: pts.length / 3 }, (_, i) => `${pts[3 * i]} ${pts[3 * i + 1]} ${pts[3 * i + 2]}`).join('\n'));
    const far = await reconstructFile(fakeModel(), cloud, { ...gen, gt: join(dir, 'far.off') });
    expect(far.warnings).toHaveLength(1);
    expect(far.warnings[0]).toMatch(/box IoU 0\.000.*another frame/);
    const near = await reconstructFile(fakeModel(0.5), cloud, { ...gen, gt: join(dir, 'ball.off') });
    expect(near.warnings).toEqual([]);
    expect(near.metrics!.iou).toBeGreaterThan(0.7); // a 16³ grid
  });

  it('reads GLB meshes as inputs and ground truths', async () => {
    const data = await readInput(join(dir, 'ball.glb'));
    expect(data.kind).toBe('mesh');
    const off = await readMeshFile(join(dir, 'ball.off'));
    const glb = await readMeshFile(join(dir, 'ball.glb'));
    expect(glb.indices.length).toBe(off.indices.length);
    expect(data.kind === 'mesh' && data.mesh.positions.length).toBe(off.positions.length);
  });
});
