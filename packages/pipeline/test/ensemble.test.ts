import { describe, it, expect } from 'vitest';
import { ensembleShape } from '../src/ensemble.js';
import { PipelineError } from '../src/errors.js';
import type { ConditionedShape } from '../src/model.js';

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
