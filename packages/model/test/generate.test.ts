import { describe, expect, it } from 'vitest';
import { generateMesh, probabilityToLogit } from '../src/generate.js';
import { reconstruct, type ConditionableModel } from '../src/reconstruct.js';
import { PipelineError } from '../src/errors.js';
import { thresholdForInput } from '../src/threshold.js';

/** Logits of a ball of radius r at c: 50·(r − |x − c|) (inside positive). */
function ball(r: number, c = [0, 0, 0]) {
  return async (p: Float32Array): Promise<Float32Array> => {
    const out = new Float32Array(p.length / 3);
    for (let n = 0; n < out.length; n++) out[n] = 50 * (r - Math.hypot(p[3 * n] - c[0], p[3 * n + 1] - c[1], p[3 * n + 2] - c[2]));
    return out;
  };
}

function radii(positions: Float32Array, c = [0, 0, 0]): { min: number; max: number } {
  let min = Infinity;
  let max = 0;
  for (let i = 0; i < positions.length; i += 3) {
    const r = Math.hypot(positions[i] - c[0], positions[i + 1] - c[1], positions[i + 2] - c[2]);
    min = Math.min(min, r);
    max = Math.max(max, r);
  }
  return { min, max };
}

describe('generateMesh', () => {
  it('threshold 0.2 as a probability is logit −1.3863', () => {
    expect(probabilityToLogit(0.2)).toBeCloseTo(-1.3862944, 6);
  });

  it('extracts a ball at the τ-level set with the reference MISE counts and stage times', async () => {
    const { mesh, stats } = await generateMesh(ball(0.35), { resolution0: 16, upsamplingSteps: 2 });
    // The surface is 50(0.35 − r) = logit(0.2) → r = 0.35 + 1.3863/50 = 0.3777.
    const r = radii(mesh.positions);
    expect(r.min).toBeGreaterThan(0.3777 - 0.01);
    expect(r.max).toBeLessThan(0.3777 + 0.01);
    expect(stats.evaluationsPerRound[0]).toBe(17 ** 3);
    expect(stats.evaluations).toBe(stats.evaluationsPerRound.reduce((a, b) => a + b, 0));
    expect(stats.resolution).toBe(64);
    expect(stats.faces).toBe(mesh.indices.length / 3);
    expect(stats.faces).toBeGreaterThan(1000);
    expect(stats.thresholdLogit).toBeCloseTo(-1.3863, 4);
    for (const v of Object.values(stats.timeMs)) expect(v).toBeGreaterThanOrEqual(0);
    expect(stats.evaluations).toBeLessThan(65 ** 3);
  });

  it.each(['network', 'grid'] as const)('%s normals point outward and are unit length', async (normals) => {
    const { mesh } = await generateMesh(ball(0.3), { resolution0: 8, upsamplingSteps: 1, normals });
    const n = mesh.normals!;
    expect(n.length).toBe(mesh.positions.length);
    for (let i = 0; i < n.length; i += 3) {
      const p = mesh.positions;
      const rl = Math.hypot(p[i], p[i + 1], p[i + 2]);
      const dot = (n[i] * p[i] + n[i + 1] * p[i + 1] + n[i + 2] * p[i + 2]) / rl;
      expect(dot).toBeGreaterThan(normals === 'network' ? 0.999 : 0.95);
      expect(Math.hypot(n[i], n[i + 1], n[i + 2])).toBeCloseTo(1, 4);
    }
  });

  it('refinement moves vertices onto the τ-level set', async () => {
    // A soft ball, so that the level set is smooth in probability space.
    const soft = async (p: Float32Array) => {
      const out = new Float32Array(p.length / 3);
      for (let n = 0; n < out.length; n++) out[n] = 10 * (0.3 - Math.hypot(p[3 * n], p[3 * n + 1], p[3 * n + 2]));
      return out;
    };
    const target = 0.3 + Math.log(4) / 10; // logit(0.2) = −ln 4
    // Distance of points inside the faces (not just vertices) to the level set: refinement fits the surface.
    const err = (m: { positions: Float32Array; indices: Uint32Array }) => {
      const p = m.positions;
      const f = m.indices;
      const W = [[1 / 3, 1 / 3, 1 / 3], [0.6, 0.2, 0.2], [0.2, 0.6, 0.2], [0.2, 0.2, 0.6]];
      let s = 0;
      let c = 0;
      for (let t = 0; t < f.length; t += 3) {
        for (const w of W) {
          const q = [0, 1, 2].map((k) => w[0] * p[3 * f[t] + k] + w[1] * p[3 * f[t + 1] + k] + w[2] * p[3 * f[t + 2] + k]);
          s += Math.abs(Math.hypot(q[0], q[1], q[2]) - target);
          c++;
        }
      }
      return s / c;
    };
    const base = await generateMesh(soft, { resolution0: 6, upsamplingSteps: 0 });
    const refined = await generateMesh(soft, { resolution0: 6, upsamplingSteps: 0, refinementSteps: 30, refinementLr: 1e-3 });
    expect(err(base.mesh)).toBeGreaterThan(0.015);
    expect(err(refined.mesh)).toBeLessThan(0.5 * err(base.mesh));
    expect(refined.mesh.indices).toEqual(base.mesh.indices);
    expect(refined.stats.timeMs.refine).toBeGreaterThan(0);
  });

  it('rejects bad options and bad network output with typed errors', async () => {
    await expect(generateMesh(ball(0.3), { threshold: 1.5 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(generateMesh(ball(0.3), { resolution0: 0 })).rejects.toBeInstanceOf(PipelineError);
    await expect(generateMesh(async (p) => new Float32Array(p.length), { resolution0: 4, upsamplingSteps: 0 })).rejects.toMatchObject({
      code: 'BAD_NETWORK_OUTPUT',
    });
    await expect(generateMesh(async (p) => new Float32Array(p.length / 3).fill(NaN), { resolution0: 4, upsamplingSteps: 0 })).rejects.toMatchObject({
      code: 'BAD_NETWORK_OUTPUT',
    });
  });
});

describe('reconstruct', () => {
  /** A fake model: the ball through the conditioned points' bounding box (the cloud is normalised, so radius 0.5). */
  function fakeModel(): ConditionableModel & { disposed: number; seen: Float32Array[] } {
    const m = {
      config: { inputPoints: 100, padding: 0.1 },
      disposed: 0,
      seen: [] as Float32Array[],
      condition(points: Float32Array) {
        m.seen.push(points);
        return { logits: ball(0.45), dispose: () => void m.disposed++ };
      },
    };
    return m;
  }

  it('normalises the input, subsamples to inputPoints and maps the mesh back to the input frame', async () => {
    const model = fakeModel();
    const pts = new Float32Array(3 * 1000);
    for (let i = 0; i < 1000; i++) {
      const t = (2 * Math.PI * i) / 1000;
      pts.set([10 + 4 * Math.cos(t), -5 + 4 * Math.sin(t), 3 + 4 * Math.cos(3 * t)], 3 * i);
    }
    const res = await reconstruct(model, pts, { resolution0: 8, upsamplingSteps: 1 });
    expect(model.disposed).toBe(1);
    expect(model.seen[0].length).toBe(300);
    expect(res.input.length).toBe(300);
    expect(res.transform.scale).toBeCloseTo(8, 3);
    // ball radius in model frame 0.45 + ln4/50 → × scale 8, centre (10, −5, 3).
    const r = radii(res.mesh.positions, [10, -5, 3]);
    const want = 8 * (0.45 + Math.log(4) / 50);
    expect(r.min).toBeGreaterThan(want - 8 * 0.03);
    expect(r.max).toBeLessThan(want + 8 * 0.03);
    expect(res.stats.timeMs.encode).toBeGreaterThanOrEqual(0);
  });

  it("generates at the model's own threshold (config.threshold) unless options.threshold is given", async () => {
    const pts = new Float32Array(3 * 200).map((_, i) => ((Math.sin(i * 12.9898) * 43758.5453) % 1) * 0.5); // any cloud; the fake ball ignores it
    const meanRadius = (p: Float32Array) => {
      let s = 0;
      for (let i = 0; i < p.length; i += 3) s += Math.hypot(p[i], p[i + 1], p[i + 2]);
      return s / (p.length / 3);
    };
    const own = { ...fakeModel(), config: { inputPoints: 100, padding: 0.1, threshold: 0.5 } };
    const at05 = await reconstruct(own, pts, { resolution0: 16, upsamplingSteps: 2, normalize: false });
    expect(meanRadius(at05.unitMesh.positions)).toBeCloseTo(0.45, 2); // logit 0 → the ball's own radius
    const at02 = await reconstruct(own, pts, { resolution0: 16, upsamplingSteps: 2, normalize: false, threshold: 0.2 });
    expect(meanRadius(at02.unitMesh.positions)).toBeCloseTo(0.45 + Math.log(4) / 50, 2); // the caller's τ wins
    const plain = await reconstruct(fakeModel(), pts, { resolution0: 16, upsamplingSteps: 2, normalize: false });
    expect(meanRadius(plain.unitMesh.positions)).toBeCloseTo(0.45 + Math.log(4) / 50, 2); // no model τ: 0.2
  });

  it("follows the model's thresholdByInputPoints at the size of the encoded input", async () => {
    const pts = new Float32Array(3 * 1000).map((_, i) => ((Math.sin(i * 12.9898) * 43758.5453) % 1) * 0.5);
    const table = [{ inputPoints: 100, threshold: 0.2 }, { inputPoints: 400, threshold: 0.5 }];
    const model = { ...fakeModel(), config: { inputPoints: 400, padding: 0.1, threshold: 0.8, thresholdByInputPoints: table } };
    const opts = { resolution0: 16, upsamplingSteps: 1, normalize: false };
    const logitAt = async (inputPoints: number) => (await reconstruct(model, pts, { ...opts, inputPoints })).stats.thresholdLogit;
    expect((await reconstruct(model, pts, { ...opts, inputPoints: 200 })).stats.threshold).toBeCloseTo(0.35, 12);
    expect(await logitAt(400)).toBeCloseTo(0, 6); // τ 0.5
    expect(await logitAt(100)).toBeCloseTo(Math.log(0.25), 6); // τ 0.2
    expect(await logitAt(200)).toBeCloseTo(Math.log(0.35 / 0.65), 6); // halfway in log N: τ 0.35
    expect(await logitAt(50)).toBeCloseTo(Math.log(0.25), 6); // below the table: its first τ
    expect(await logitAt(0)).toBeCloseTo(0, 6); // every one of the 1000 points: above the table, its last τ
    // the caller's τ wins; the model's single τ serves callers that do not know the size
    expect((await reconstruct(model, pts, { ...opts, threshold: 0.2 })).stats.thresholdLogit).toBeCloseTo(Math.log(0.25), 6);
    expect(thresholdForInput(model.config)).toBe(0.8);
    expect(thresholdForInput({ threshold: 0.3 }, 1000)).toBe(0.3);
    expect(thresholdForInput({})).toBeUndefined();
    // an entry's own size gives exactly its τ (no rounding from the interpolation)
    expect(thresholdForInput({ thresholdByInputPoints: [{ inputPoints: 300, threshold: 0.15 }, { inputPoints: 3000, threshold: 0.45 }] }, 3000)).toBe(0.45);
    expect(thresholdForInput({ thresholdByInputPoints: [{ inputPoints: 300, threshold: 0.1 }, { inputPoints: 3000, threshold: 0.45 }] }, 3000)).toBe(0.45);
  });

  it("fills enclosed cavities when asked or when the model asks (config.fillCavities), unless told not to", async () => {
    // a hollow ball: shell between radii 0.2 and 0.4 (logits 50·distance into the shell)
    const hollow = {
      config: { inputPoints: 100, padding: 0.1 } as { inputPoints: number; padding: number; fillCavities?: boolean },
      condition: () => ({
        async logits(p: Float32Array) {
          const out = new Float32Array(p.length / 3);
          for (let n = 0; n < out.length; n++) {
            const r = Math.hypot(p[3 * n], p[3 * n + 1], p[3 * n + 2]);
            out[n] = 50 * Math.min(0.4 - r, r - 0.2);
          }
          return out;
        },
        dispose() {},
      }),
    };
    const pts = new Float32Array(3 * 12).map((_, i) => ((Math.sin(i * 12.9898) * 43758.5453) % 1) * 0.3); // any cloud with volume
    const opts = { resolution0: 16, upsamplingSteps: 2, normalize: false, threshold: 0.35 }; // a level float32 cannot hold
    const plain = await reconstruct(hollow, pts, opts);
    expect(radii(plain.unitMesh.positions).min).toBeLessThan(0.21); // the inner sphere is there
    const filled = await reconstruct(hollow, pts, { ...opts, fillCavities: true });
    expect(radii(filled.unitMesh.positions).min).toBeGreaterThan(0.39); // only the outer sphere
    expect(filled.stats.faces).toBeLessThan(plain.stats.faces);
    // stats.filledNodes: the nodes below the level inside the void, r < 0.2 + logit(0.35)/50 ≈ 0.1876, so about
    // (4/3)π·0.1876³ / (1.1/64)³ ≈ 5450 on the 65³ grid; none without filling
    const rVoid = 0.2 + Math.log(0.35 / 0.65) / 50;
    const voidNodes = ((4 / 3) * Math.PI * rVoid ** 3) / (1.1 / 64) ** 3;
    expect(filled.stats.filledNodes).toBeGreaterThan(0.95 * voidNodes);
    expect(filled.stats.filledNodes).toBeLessThan(1.05 * voidNodes);
    expect(plain.stats.filledNodes).toBe(0);
    expect((await generateMesh(ball(0.3), { resolution0: 16, upsamplingSteps: 1, fillCavities: true })).stats.filledNodes).toBe(0); // no void
    hollow.config.fillCavities = true;
    expect(radii((await reconstruct(hollow, pts, opts)).unitMesh.positions).min).toBeGreaterThan(0.39); // the model's choice
    expect(radii((await reconstruct(hollow, pts, { ...opts, fillCavities: false })).unitMesh.positions).min).toBeLessThan(0.21); // the caller's wins
    await expect(generateMesh(ball(0.3), { fillCavities: 'yes' as never })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('throws typed errors for empty, NaN and degenerate inputs', async () => {
    const model = fakeModel();
    await expect(reconstruct(model, new Float32Array(0))).rejects.toMatchObject({ code: 'EMPTY_INPUT' });
    await expect(reconstruct(model, new Float32Array([0, 0, NaN]))).rejects.toMatchObject({ code: 'NON_FINITE_INPUT' });
    await expect(reconstruct(model, new Float32Array([1, 1, 1, 1, 1, 1]))).rejects.toMatchObject({ code: 'DEGENERATE_INPUT' });
    expect(model.disposed).toBe(0);
  });

  it('refuses too few, identical, collinear and coplanar clouds (DEGENERATE_INPUT) before conditioning, in any orientation', async () => {
    const model = fakeModel();
    const cloud = (n: number, f: (i: number) => [number, number, number]) => Float32Array.from({ length: 3 * n }, (_, k) => f(Math.floor(k / 3))[k % 3]);
    const hash = (i: number, s: number) => (Math.sin(i * 12.9898 + s * 78.233) * 43758.5453) % 1;
    const cases: Array<[Float32Array, RegExp]> = [
      [cloud(9, (i) => [hash(i, 1), hash(i, 2), hash(i, 3)]), /has 9 points; at least 10/],
      [cloud(50, () => [0.3, -2, 7]), /are identical/],
      [cloud(50, (i) => [1 + i, 2 + 2 * i, -3 * i]), /lie on one line/],
      // A tilted plane (normal (1, 1, 1)/√3) around (5, 5, 5), in float32.
      [cloud(200, (i) => { const u = hash(i, 4), v = hash(i, 5); return [5 + u, 5 + v, 5 - u - v]; }), /lie in one plane/],
    ];
    for (const [pts, message] of cases) {
      const e = await reconstruct(model, pts, { normalize: false }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(PipelineError);
      expect(e).toMatchObject({ code: 'DEGENERATE_INPUT', message: expect.stringMatching(message) });
    }
    expect(model.seen).toHaveLength(0);
    // A thin but solid slab (1 % of its width) is a shape, not a plane.
    const slab = cloud(200, (i) => [hash(i, 6), hash(i, 7), 0.01 * hash(i, 8)]);
    await expect(reconstruct(model, slab, { resolution0: 6, upsamplingSteps: 0 })).resolves.toBeDefined();
    expect(model.seen).toHaveLength(1);
  });
});
