import type { ConditionedShape } from './model.js';
import { PipelineError } from './errors.js';

/**
 * Average the occupancy logits of several conditioned shapes (e.g. the same input encoded by a planes model and a
 * grid model): `logits(p) = (1/K) Σ_k logits_k(p)`, evaluated member by member on the same query points `[N·3]`
 * (unit-cube frame) → `[N]`. The result plugs into `generateMesh` like a single shape; `dispose()` disposes every
 * member. Members must share the coordinate frame (same `padding` and normalisation). Not in the reference.
 * @throws PipelineError `INVALID_OPTION` for an empty list, or (from `logits`) when a member returns a wrong length.
 */
export function ensembleShape(members: ConditionedShape[]): ConditionedShape {
  if (!Array.isArray(members) || members.length === 0) throw new PipelineError('INVALID_OPTION', 'ensembleShape needs at least one conditioned shape');
  let disposed = false;
  return {
    async logits(points: Float32Array): Promise<Float32Array> {
      if (disposed) throw new PipelineError('INVALID_OPTION', 'this ensemble was disposed');
      const n = points.length / 3;
      const sum = new Float32Array(n);
      for (const m of members) {
        const l = await m.logits(points);
        if (l.length !== n) throw new PipelineError('INVALID_OPTION', `an ensemble member returned ${l.length} logits for ${n} points`);
        for (let i = 0; i < n; i++) sum[i] += l[i];
      }
      const k = members.length;
      for (let i = 0; i < n; i++) sum[i] /= k;
      return sum;
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      for (const m of members) m.dispose();
    },
  };
}
