import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MISE, MiseError, gridAxes, packSignGrid } from '../src/index.js';
import { MISE_CASE_FUNCTIONS } from '@onet/test-utils';
import { FIXTURE } from './fixture.js';

const T = FIXTURE.threshold_logit;

/** Run the MISE loop the way the reference's generation.py does; values rounded to float32. */
function runMise(f: (x: number, y: number, z: number) => number, mise: MISE) {
  const [ax, ay, az] = gridAxes(mise.resolution);
  const rounds: number[] = [];
  for (let q = mise.query(); q.length > 0; q = mise.query()) {
    const m = q.length / 3;
    const v = new Float32Array(m);
    for (let n = 0; n < m; n++) v[n] = f(ax[q[3 * n]], ay[q[3 * n + 1]], az[q[3 * n + 2]]);
    rounds.push(m);
    mise.update(q, v);
  }
  const grid = mise.toDense();
  let inside = 0;
  for (let i = 0; i < grid.length; i++) if (grid[i] >= mise.threshold) inside++;
  const sha = createHash('sha256').update(packSignGrid(grid, mise.threshold)).digest('hex');
  return { rounds, inside, sha, grid };
}

describe('MISE reference mode reproduces mise_reference.json exactly', () => {
  for (const [name, c] of Object.entries(FIXTURE.cases)) {
    it(`${name}: ${c.function}`, () => {
      const r = runMise(MISE_CASE_FUNCTIONS[name], new MISE(32, 2, T));
      expect(r.rounds).toEqual(c.evaluations_per_round);
      expect(r.rounds.reduce((a, b) => a + b, 0)).toBe(c.evaluations_total);
      expect(r.inside).toBe(c.inside_nodes);
      expect(r.sha).toBe(c.sign_grid_sha256);
    });
  }
});

describe('MISE safe mode', () => {
  it('finds the tiny blob between coarse nodes that the reference misses (dense node count)', () => {
    const c = FIXTURE.cases.tiny_blob_between_coarse_nodes;
    const ref = runMise(MISE_CASE_FUNCTIONS.tiny_blob_between_coarse_nodes, new MISE(32, 2, T));
    expect(ref.inside).toBe(0);
    const safe = runMise(MISE_CASE_FUNCTIONS.tiny_blob_between_coarse_nodes, new MISE(32, 2, T, { mode: 'safe', safetyFactor: 2 }));
    expect(safe.inside).toBe(c.dense_inside_nodes); // 123, as a dense 129³ grid
    expect(safe.rounds.length).toBe(3);
  });

  for (const [name, c] of Object.entries(FIXTURE.cases)) {
    if (name === 'tiny_blob_between_coarse_nodes') continue;
    it(`${name}: ≤ 1.5× the reference's evaluations and the same sign grid`, () => {
      const mise = new MISE(32, 2, T, { mode: 'safe', safetyFactor: 2 });
      const r = runMise(MISE_CASE_FUNCTIONS[name], mise);
      const total = r.rounds.reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThan(c.evaluations_total); // it did refine more
      expect(total).toBeLessThanOrEqual(1.5 * c.evaluations_total);
      expect(r.sha).toBe(c.sign_grid_sha256);
      // 100·distance functions: the steepest coarse finite difference is ≈ 100 per world unit.
      const perWorld = mise.lipschitz / 2 / (1.1 / 128); // undo safetyFactor 2, index units → world
      expect(perWorld).toBeGreaterThan(90);
      expect(perWorld).toBeLessThanOrEqual(100 + 1e-3);
    });
  }

  it('a given Lipschitz bound replaces the estimate; too small a bound misses the blob', () => {
    const f = MISE_CASE_FUNCTIONS.tiny_blob_between_coarse_nodes;
    const perIndex = 100 * (1.1 / 128);
    const exact = runMise(f, new MISE(32, 2, T, { mode: 'safe', lipschitz: perIndex }));
    expect(exact.inside).toBe(123);
    const tooSmall = runMise(f, new MISE(32, 2, T, { mode: 'safe', lipschitz: perIndex / 10 }));
    expect(tooSmall.inside).toBe(0);
  });
});

describe('MISE rules', () => {
  it('first round is the (resolution0+1)³ coarse grid in C order', () => {
    const mise = new MISE(2, 3, 0);
    expect(mise.resolution).toBe(16);
    const q = mise.query();
    expect(q.length).toBe(27 * 3);
    expect(Array.from(q.subarray(0, 9))).toEqual([0, 0, 0, 0, 0, 8, 0, 0, 16]);
    expect(Array.from(q.subarray(q.length - 3))).toEqual([16, 16, 16]);
  });

  it('a leaf with a value exactly at the threshold counts as both sides and subdivides', () => {
    const mise = new MISE(1, 1, 0);
    const q = mise.query();
    const v = new Float64Array(8).fill(-1);
    v[0] = 0; // equal to threshold: pos and neg
    mise.update(q, v);
    expect(mise.query().length / 3).toBe(27 - 8);
  });

  it('no subdivision when all corners are on one side; a single subdivision adds 19 nodes', () => {
    const a = new MISE(1, 2, 0);
    a.update(a.query(), new Float64Array(8).fill(-1));
    expect(a.query().length).toBe(0);
    const b = new MISE(1, 2, 0);
    const v = new Float64Array(8).fill(-1);
    v[7] = 1;
    b.update(b.query(), v);
    expect(b.query().length / 3).toBe(19);
  });

  it('hanging nodes on a leaf face spread refinement into the neighbour', () => {
    // Two coarse voxels A = [0,4]³ and B = [4,8]×[0,4]² (resolution0 2, 2 steps, R 8).
    const run = (hangingValue: number) => {
      const mise = new MISE(2, 2, 0);
      const value = (x: number, y: number, z: number) =>
        (x === 0 && y === 0 && z === 0 ? 1 : x === 4 && y === 2 && z === 2 ? hangingValue : -1);
      const seen = new Set<string>();
      for (let q = mise.query(); q.length > 0; q = mise.query()) {
        const v = new Float64Array(q.length / 3);
        for (let n = 0; n < v.length; n++) {
          v[n] = value(q[3 * n], q[3 * n + 1], q[3 * n + 2]);
          seen.add(`${q[3 * n]},${q[3 * n + 1]},${q[3 * n + 2]}`);
        }
        mise.update(q, v);
      }
      return seen;
    };
    // (4,2,2) is created by A's subdivision and lies on B's face: positive there makes B straddle.
    expect(run(1).has('6,2,2')).toBe(true);
    expect(run(-1).has('6,2,2')).toBe(false);
    expect(run(-1).has('4,2,2')).toBe(true);
  });

  it('toDense copies from i−1, then j−1, then k−1', () => {
    const mise = new MISE(1, 1, 0); // R = 2, coarse corners at 0 and 2
    const q = mise.query();
    const v = new Float64Array(8);
    for (let n = 0; n < 8; n++) v[n] = 100 * q[3 * n] + 10 * q[3 * n + 1] + q[3 * n + 2] + 1;
    mise.update(q, v); // all positive: no subdivision
    const g = mise.toDense();
    const at = (i: number, j: number, k: number) => g[(i * 3 + j) * 3 + k];
    expect(at(2, 2, 2)).toBe(223);
    expect(at(1, 0, 0)).toBe(1); // x pass from (0,0,0)
    expect(at(0, 1, 0)).toBe(1); // y pass
    expect(at(1, 1, 1)).toBe(1); // z pass from (1,1,0), which y filled from (1,0,0)
    expect(at(2, 1, 1)).toBe(201); // from (2,0,0)
    expect(at(1, 2, 2)).toBe(23); // x pass from (0,2,2)
    expect(at(2, 2, 1)).toBe(221); // z pass from (2,2,0)
    expect(g.some(Number.isNaN)).toBe(false);
    const g64 = mise.toDense(new Float64Array(27));
    expect(Array.from(g64)).toEqual(Array.from(g));
  });

  it('resolution 512 (32 + 4 steps) stays within typed arrays', () => {
    const mise = new MISE(32, 4, 0);
    const [ax, ay, az] = gridAxes(512);
    let rounds = 0;
    for (let q = mise.query(); q.length > 0; q = mise.query()) {
      const v = new Float32Array(q.length / 3);
      for (let n = 0; n < v.length; n++) v[n] = 0.3 - Math.hypot(ax[q[3 * n]], ay[q[3 * n + 1]], az[q[3 * n + 2]]);
      mise.update(q, v);
      rounds++;
    }
    expect(rounds).toBe(5);
    expect(mise.numKnown).toBe(mise.numPoints);
    // Far fewer than the 513³ = 135M dense nodes.
    expect(mise.numPoints).toBeLessThan(513 ** 3 / 20);
    expect(mise.numPoints).toBeGreaterThan(4 * Math.PI * 0.3 ** 2 * (512 / 1.1) ** 2); // ≥ one node per surface cell
  });
});

describe('MISE errors', () => {
  it('rejects bad arguments before allocating', () => {
    expect(() => new MISE(0, 2, 0)).toThrow(MiseError);
    expect(() => new MISE(32.5, 2, 0)).toThrow(/resolution0/);
    expect(() => new MISE(32, -1, 0)).toThrow(/upsamplingSteps/);
    expect(() => new MISE(32, 2, NaN)).toThrow(/threshold/);
    try {
      new MISE(64, 5, 0);
      expect.unreachable();
    } catch (e) {
      expect((e as MiseError).code).toBe('TOO_LARGE');
    }
    expect(() => new MISE(4, 1, 0, { mode: 'fast' as 'safe' })).toThrow(/mode/);
  });

  it('update() checks shapes and grid membership', () => {
    const mise = new MISE(2, 1, 0);
    expect(() => mise.update([0, 0], [1])).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => mise.update([0, 0, 0], [1, 2])).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    // (1,0,0) is a fine node not created yet.
    expect(() => mise.update([1, 0, 0], [1])).toThrow(expect.objectContaining({ code: 'POINT_NOT_IN_GRID' }));
    expect(() => mise.update([0, 0, 5], [1])).toThrow(expect.objectContaining({ code: 'POINT_NOT_IN_GRID' }));
    expect(() => mise.toDense(new Float32Array(10))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });
});
