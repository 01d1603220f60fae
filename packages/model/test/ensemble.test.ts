import { describe, it, expect } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@onet/nn';
import { saveModelFiles } from '@onet/nn/node';
import { ensembleShape, ensembleMembers, parseEnsembleManifest, OccupancyEnsemble } from '../src/ensemble.js';
import { PipelineError } from '../src/errors.js';
import { OccupancyNetwork, type ConditionedShape, type ModelConfig } from '../src/model.js';
import { loadModel } from '../src/node/loadModel.js';
import { TEST_TIME_AUGMENTATIONS, applyCubeSymmetry, conditionUnderSymmetry } from '../src/augment.js';

/** A fake conditioned shape: logit = a·x + b at each point, counting disposals. */
const linear = (a: number, b: number, disposed: { n: number }): ConditionedShape => ({
  async logits(p: Float32Array) {
    return new Float32Array(p.length / 3).map((_, i) => a * p[3 * i] + b);
  },
  dispose() {
    disposed.n++;
  },
});

describe('ensembleShape', () => {
  it('averages the members’ logits point by point and disposes every member once', async () => {
    const d = { n: 0 };
    const e = ensembleShape([linear(2, 0, d), linear(0, -1, d), linear(1, 4, d)]);
    const l = await e.logits(new Float32Array([3, 0, 0, -1.5, 9, 9]));
    // point x=3: (6 − 1 + 7)/3 = 4; x=−1.5: (−3 − 1 + 2.5)/3 = −0.5
    expect(Array.from(l)).toEqual([4, -0.5]);
    e.dispose();
    e.dispose();
    expect(d.n).toBe(3);
    await expect(e.logits(new Float32Array(3))).rejects.toThrow(/disposed/);
  });

  it('rejects an empty list and a member that answers the wrong number of logits', async () => {
    expect(() => ensembleShape([])).toThrow(PipelineError);
    const bad: ConditionedShape = { logits: async () => new Float32Array(1), dispose() {} };
    await expect(ensembleShape([bad]).logits(new Float32Array(6))).rejects.toThrow(/returned 1 logits for 2 points/);
  });
});

describe('test-time augmentation', () => {
  it('half-turns: the identity first, then rotations (det +1) that are their own inverses and keep the padded cube', () => {
    const [id, ...turns] = TEST_TIME_AUGMENTATIONS['half-turns'];
    const p = new Float32Array([0.1, -0.2, 0.55, -0.55, 0.3, 0.05]);
    expect(Array.from(applyCubeSymmetry(p, id))).toEqual(Array.from(p));
    expect(Array.from(applyCubeSymmetry(p, turns[0]))).toEqual(Array.from(new Float32Array([0.1, 0.2, -0.55, -0.55, -0.3, -0.05]))); // about x
    for (const s of turns) {
      expect(s.sign.reduce((a, b) => a * b, 1)).toBe(1); // a rotation, not a mirror image
      expect(s.sign.filter((x) => x === -1)).toHaveLength(2);
      expect(Array.from(applyCubeSymmetry(applyCubeSymmetry(p, s), s))).toEqual(Array.from(p));
      expect(Math.max(...applyCubeSymmetry(p, s).map(Math.abs))).toBeCloseTo(0.55, 6);
    }
    expect(TEST_TIME_AUGMENTATIONS.none).toEqual([id]);
    // a symmetry that permutes axes too: (x, y, z) → (−y, z, x)
    expect(Array.from(applyCubeSymmetry(p, { perm: [1, 2, 0], sign: [-1, 1, 1] }))).toEqual(Array.from(new Float32Array([0.2, 0.55, 0.1, -0.3, 0.05, -0.55])));
  });

  it('conditionUnderSymmetry encodes the moved cloud and queries the moved points', async () => {
    const seen: Float32Array[] = [];
    const d = { n: 0 };
    const model = { condition: (cloud: Float32Array) => (seen.push(cloud), linear(1, cloud[0], d)) }; // logit = x + cloud's first x
    const s = TEST_TIME_AUGMENTATIONS['half-turns'][2]; // about y: (x, y, z) → (−x, y, −z)
    const shape = conditionUnderSymmetry(model, new Float32Array([0.25, 0, 0]), s);
    expect(Array.from(seen[0])).toEqual([-0.25, 0, -0]);
    expect(Array.from(await shape.logits(new Float32Array([0.5, 1, 2])))).toEqual([-0.5 - 0.25]);
    shape.dispose();
    expect(d.n).toBe(1);
  });

  it('an ensemble with half-turns averages each member over the 4 encodings, frees them all, and leaves the default alone', async () => {
    await selectBackend('cpu');
    const tiny = { kind: 'onet' as const, inputPoints: 32, noiseStd: 0.005, padding: 0.1, cDim: 8, encoderHidden: 8, decoderHidden: 8 };
    const a = OccupancyNetwork.fromConfig(tiny, 1);
    const b = OccupancyNetwork.fromConfig(tiny, 2);
    const rand = (n: number, seed: number) => new Float32Array(3 * n).map((_, i) => Math.sin(seed * 1000 + i * 12.9898) * 0.45);
    const cloud = rand(32, 1);
    const queries = rand(50, 2);
    const n0 = tf.memory().numTensors;
    const expected = new Float32Array(50);
    for (const m of [a, b]) {
      for (const s of TEST_TIME_AUGMENTATIONS['half-turns']) {
        const shape = m.condition(applyCubeSymmetry(cloud, s));
        const l = await shape.logits(applyCubeSymmetry(queries, s));
        shape.dispose();
        for (let i = 0; i < 50; i++) expected[i] += l[i] / 8;
      }
    }
    const tta = new OccupancyEnsemble([a, b], { testTimeAugmentation: 'half-turns' });
    expect(tta.config.testTimeAugmentation).toBe('half-turns');
    const shape = tta.condition(cloud);
    const got = await shape.logits(queries);
    shape.dispose();
    for (let i = 0; i < 50; i++) expect(got[i]).toBeCloseTo(expected[i], 5);
    const plain = new OccupancyEnsemble([a, b]);
    expect(plain.config.testTimeAugmentation).toBe('none');
    const s2 = plain.condition(cloud);
    const l2 = await s2.logits(queries);
    s2.dispose();
    const sa = a.condition(cloud);
    const sb = b.condition(cloud);
    const [la, lb] = [await sa.logits(queries), await sb.logits(queries)];
    sa.dispose();
    sb.dispose();
    for (let i = 0; i < 50; i++) expect(l2[i]).toBeCloseTo((la[i] + lb[i]) / 2, 5);
    expect(Math.max(...got.map((x, i) => Math.abs(x - l2[i])))).toBeGreaterThan(1e-4); // the augmentation did change the answer
    // the half-turns form a group, so the averaged field turns with its input: TTA(s·cloud)(s·p) = TTA(cloud)(p)
    for (const s of TEST_TIME_AUGMENTATIONS['half-turns'].slice(1)) {
      const moved = tta.condition(applyCubeSymmetry(cloud, s));
      const lm = await moved.logits(applyCubeSymmetry(queries, s));
      moved.dispose();
      for (let i = 0; i < 50; i++) expect(lm[i]).toBeCloseTo(got[i], 4);
    }
    expect(tf.memory().numTensors).toBe(n0);
    expect(() => new OccupancyEnsemble([a, b], { testTimeAugmentation: 'rotations' as never })).toThrow(/testTimeAugmentation must be one of "none", "half-turns", got "rotations"/);
    a.dispose();
    b.dispose();
  });
});

describe('ensemble model files', () => {
  it('ensembleMembers reads a manifest, ignores ordinary model.json, and refuses bad member lists', () => {
    expect(ensembleMembers({ format: 'onet-ensemble', version: 1, members: ['planes', 'grid/v2'] })).toEqual(['planes', 'grid/v2']);
    expect(ensembleMembers({ modelConfig: { kind: 'conv-onet' }, weightsManifest: [] })).toBeUndefined();
    expect(ensembleMembers(null)).toBeUndefined();
    for (const members of [[], ['../planes'], ['/abs'], ['a\\b'], ['a//b'], ['./a'], [''], [3], ['a', 'a'], 'planes', ['%2e%2e'], ['https:evil.com'], ['a/'], ['a b']]) {
      expect(() => ensembleMembers({ format: 'onet-ensemble', version: 1, members }), JSON.stringify(members)).toThrow(PipelineError);
    }
    expect(() => ensembleMembers({ format: 'onet-ensemble', version: 2, members: ['a'] })).toThrow(/version 2/);
    expect(parseEnsembleManifest({ format: 'onet-ensemble', version: 1, members: ['a'], threshold: 0.35 })?.threshold).toBe(0.35);
    for (const threshold of [0, 1, -0.2, '0.3', NaN]) {
      expect(() => parseEnsembleManifest({ format: 'onet-ensemble', version: 1, members: ['a'], threshold }), String(threshold)).toThrow(/threshold/);
    }
    const table = [{ inputPoints: 300, threshold: 0.3 }, { inputPoints: 3000, threshold: 0.45 }];
    expect(parseEnsembleManifest({ format: 'onet-ensemble', version: 1, members: ['a'], thresholdByInputPoints: table })?.thresholdByInputPoints).toEqual(table);
    const bad: [unknown, RegExp][] = [
      [[], /non-empty list/],
      [{ inputPoints: 300, threshold: 0.3 }, /non-empty list/],
      [[null], /non-empty list/],
      [[{ inputPoints: 3000, threshold: 0.45 }, { inputPoints: 300, threshold: 0.3 }], /strictly increasing/],
      [[{ inputPoints: 300, threshold: 0.3 }, { inputPoints: 300, threshold: 0.4 }], /strictly increasing/],
      [[{ inputPoints: 0, threshold: 0.3 }], /integer inputPoints ≥ 1/],
      [[{ inputPoints: 299.5, threshold: 0.3 }], /integer inputPoints/],
      [[{ inputPoints: 300, threshold: 1 }], /probability in \(0, 1\)/],
      [[{ inputPoints: 300 }], /probability/],
    ];
    for (const [thresholdByInputPoints, why] of bad) {
      expect(() => parseEnsembleManifest({ format: 'onet-ensemble', version: 1, members: ['a'], thresholdByInputPoints }), JSON.stringify(thresholdByInputPoints)).toThrow(why);
    }
    expect(parseEnsembleManifest({ format: 'onet-ensemble', version: 1, members: ['a'], testTimeAugmentation: 'half-turns' })?.testTimeAugmentation).toBe('half-turns');
    for (const testTimeAugmentation of ['all', true, 'toString']) {
      expect(() => parseEnsembleManifest({ format: 'onet-ensemble', version: 1, members: ['a'], testTimeAugmentation }), String(testTimeAugmentation)).toThrow(/testTimeAugmentation must be one of/);
    }
    expect(parseEnsembleManifest({ format: 'onet-ensemble', version: 1, members: ['a'], fillCavities: true })?.fillCavities).toBe(true);
    for (const fillCavities of [1, 'true', null]) {
      expect(() => parseEnsembleManifest({ format: 'onet-ensemble', version: 1, members: ['a'], fillCavities }), String(fillCavities)).toThrow(/fillCavities must be true or false/);
    }
  });

  it("OccupancyEnsemble: generation settings are the manifest's, else the first member's", async () => {
    await selectBackend('cpu');
    const tiny = { kind: 'onet' as const, inputPoints: 32, noiseStd: 0.005, padding: 0.1, cDim: 8, encoderHidden: 8, decoderHidden: 8 };
    const a = OccupancyNetwork.fromConfig({ ...tiny, threshold: 0.3, fillCavities: true }, 1);
    const b = OccupancyNetwork.fromConfig(tiny, 2);
    const fromMember = new OccupancyEnsemble([a, b]);
    expect(fromMember.config).toMatchObject({ threshold: 0.3, fillCavities: true });
    const own = new OccupancyEnsemble([a, b], { threshold: 0.4, fillCavities: false });
    expect(own.config).toMatchObject({ threshold: 0.4, fillCavities: false });
    expect(new OccupancyEnsemble([b, a]).config.fillCavities).toBeUndefined();
    expect(() => new OccupancyEnsemble([a, b], { fillCavities: 1 as never })).toThrow(/fillCavities must be true or false/);
    // τ comes as a whole from the manifest when it has either field: a member's table never overrides its single τ
    const table = [{ inputPoints: 300, threshold: 0.3 }, { inputPoints: 3000, threshold: 0.45 }];
    const c = OccupancyNetwork.fromConfig({ ...tiny, threshold: 0.25, thresholdByInputPoints: table }, 3);
    expect(new OccupancyEnsemble([c, b]).config).toMatchObject({ threshold: 0.25, thresholdByInputPoints: table });
    const single = new OccupancyEnsemble([c, b], { threshold: 0.4 }).config;
    expect(single.threshold).toBe(0.4);
    expect(single.thresholdByInputPoints).toBeUndefined();
    const tableOnly = new OccupancyEnsemble([c, b], { thresholdByInputPoints: [table[0]] }).config;
    expect(tableOnly.thresholdByInputPoints).toEqual([table[0]]);
    expect(tableOnly.threshold).toBeUndefined(); // not the member's 0.25
    c.dispose();
    a.dispose();
    b.dispose();
  });

  it('loadModel: a missing member, a nested ensemble, or members with different padding fail with BAD_MODEL', async () => {
    await selectBackend('cpu');
    const dir = await mkdtemp(join(tmpdir(), 'onet-ens-'));
    try {
      const tiny = { kind: 'onet' as const, inputPoints: 32, noiseStd: 0.005, padding: 0.1, cDim: 8, encoderHidden: 8, decoderHidden: 8 };
      const save = async (sub: string, padding: number, generation: Partial<ModelConfig> = {}) => {
        const m = OccupancyNetwork.fromConfig({ ...tiny, padding, ...generation }, 3);
        const { modelJson, weights } = m.save();
        m.dispose();
        await saveModelFiles(join(dir, sub), modelJson, weights);
      };
      const manifest = (members: string[]) => writeFile(join(dir, 'model.json'), JSON.stringify({ format: 'onet-ensemble', version: 1, members }));
      await save('a', 0.1);
      await save('b', 0.2);
      const n0 = tf.memory().numTensors;
      await manifest(['a', 'missing']);
      await expect(loadModel(dir)).rejects.toMatchObject({ code: 'BAD_MODEL', message: expect.stringMatching(/missing/) });
      await manifest(['a', 'b']);
      await expect(loadModel(dir)).rejects.toMatchObject({ code: 'BAD_MODEL', message: expect.stringMatching(/padding/) });
      await mkdir(join(dir, 'nested'));
      await writeFile(join(dir, 'nested', 'model.json'), JSON.stringify({ format: 'onet-ensemble', version: 1, members: ['x'] }));
      await manifest(['a', 'nested']);
      await expect(loadModel(dir)).rejects.toMatchObject({ code: 'BAD_MODEL', message: expect.stringMatching(/itself an ensemble/) });
      expect(tf.memory().numTensors).toBe(n0); // members loaded before the failure were disposed
      await manifest(['a']);
      const one = await loadModel(dir);
      expect(one.model).toBeInstanceOf(OccupancyEnsemble);
      expect(one.model.config).toMatchObject({ kind: 'ensemble', inputPoints: 32, padding: 0.1 });
      expect(one.model.config.threshold).toBeUndefined(); // neither the manifest nor the member has one: generation uses 0.2
      one.model.dispose();
      expect(one.model.config.fillCavities).toBeUndefined();
      await writeFile(join(dir, 'model.json'), JSON.stringify({ format: 'onet-ensemble', version: 1, members: ['a'], threshold: 0.35, fillCavities: true }));
      const withTau = await loadModel(dir);
      expect(withTau.model.config.threshold).toBe(0.35);
      expect(withTau.model.config.fillCavities).toBe(true);
      expect(withTau.message).toMatch(/τ = 0\.35/);
      withTau.model.dispose();
      const table = [{ inputPoints: 300, threshold: 0.3 }, { inputPoints: 3000, threshold: 0.45 }];
      await writeFile(join(dir, 'model.json'), JSON.stringify({ format: 'onet-ensemble', version: 1, members: ['a'], threshold: 0.35, thresholdByInputPoints: table }));
      const bySize = await loadModel(dir);
      expect(bySize.model.config.thresholdByInputPoints).toEqual(table);
      expect(bySize.message).toMatch(/τ 0\.3 at 300 points → 0\.45 at 3000 points \(0\.35 when the size is unknown\)/);
      bySize.model.dispose();
      await writeFile(join(dir, 'model.json'), JSON.stringify({ format: 'onet-ensemble', version: 1, members: ['a'], testTimeAugmentation: 'half-turns' }));
      const tta = await loadModel(dir);
      expect(tta.model.config).toMatchObject({ testTimeAugmentation: 'half-turns' });
      expect(tta.message).toMatch(/test-time augmentation: half-turns$/);
      tta.model.dispose();
      expect(withTau.message).not.toMatch(/augmentation/);
      // the loadModel option overrides the manifest, and turns a single network into a one-member ensemble
      const off = await loadModel(dir, { testTimeAugmentation: 'none' });
      expect(off.model.config).toMatchObject({ kind: 'ensemble', testTimeAugmentation: 'none' });
      off.model.dispose();
      // a single network keeps its own generation settings when wrapped
      await save('c', 0.1, { threshold: 0.3, thresholdByInputPoints: table, fillCavities: true });
      const single = await loadModel(join(dir, 'c'), { testTimeAugmentation: 'half-turns' });
      expect(single.model).toBeInstanceOf(OccupancyEnsemble);
      expect(single.model.config).toMatchObject({ testTimeAugmentation: 'half-turns', inputPoints: 32, padding: 0.1, threshold: 0.3, thresholdByInputPoints: table, fillCavities: true });
      expect(single.message).toMatch(/, test-time augmentation: half-turns$/);
      single.model.dispose();
      // and the option turns it on for a manifest without it, keeping the manifest's settings
      await writeFile(join(dir, 'model.json'), JSON.stringify({ format: 'onet-ensemble', version: 1, members: ['a'], threshold: 0.35, fillCavities: true }));
      const on = await loadModel(dir, { testTimeAugmentation: 'half-turns' });
      expect(on.model.config).toMatchObject({ testTimeAugmentation: 'half-turns', threshold: 0.35, fillCavities: true });
      on.model.dispose();
      const plain = await loadModel(join(dir, 'a'), { testTimeAugmentation: 'none' });
      expect(plain.model).toBeInstanceOf(OccupancyNetwork);
      plain.model.dispose();
      await expect(loadModel(dir, { testTimeAugmentation: 'all' as never })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/loadModel: testTimeAugmentation must be one of "none", "half-turns", got "all"/) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
