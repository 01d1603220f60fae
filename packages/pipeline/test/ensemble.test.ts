import { describe, it, expect } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@onet/nn';
import { saveModelFiles } from '@onet/nn/node';
import { ensembleShape, ensembleMembers, parseEnsembleManifest, OccupancyEnsemble } from '../src/ensemble.js';
import { PipelineError } from '../src/errors.js';
import { OccupancyNetwork, type ConditionedShape } from '../src/model.js';
import { loadModel } from '../src/node/loadModel.js';

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
      const save = async (sub: string, padding: number) => {
        const m = OccupancyNetwork.fromConfig({ ...tiny, padding }, 3);
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
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
