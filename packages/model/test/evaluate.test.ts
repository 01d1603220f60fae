import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpz, writeOff, type TriangleMesh } from '@onet/io';
import { icosphere, sampleSurface, sampleUniformPoints } from '@onet/sampling';
import { evaluateMeshes, meanMetrics } from '../src/evaluate.js';
import { evaluateSplit, evaluationCsv, listSplit, parseShard, takeShard, readGroundTruth } from '../src/node/evaluateSplit.js';

function moved(mesh: TriangleMesh, s: number, t: number[]): TriangleMesh {
  const p = mesh.positions.map((v, i) => v * s + t[i % 3]);
  return { positions: p, indices: mesh.indices };
}

describe('evaluateMeshes', () => {
  const ball = icosphere(4, 0.4);

  it('a mesh against itself: IoU 1, Chamfer-L1 ≈ 0, NC ≈ 1, F-score ≈ 1', () => {
    const m = evaluateMeshes(ball, ball, { points: 20_000 });
    expect(m.iou).toBe(1);
    expect(m.chamferL1).toBeLessThan(0.008); // sampling distance between two 20k-point samples
    expect(m.normalConsistency).toBeGreaterThan(0.99);
    expect(m.fscore).toBeGreaterThan(0.8); // 20k samples on area π are ~0.0125 apart: not all within 0.01
  });

  it('concentric balls: IoU = (r/R)³, Chamfer-L1 = R − r in the ground truth unit frame, F@0.01 = 0', () => {
    // GT radius 0.4 → normalised to 0.5; prediction 0.3 → 0.375.
    const m = evaluateMeshes(icosphere(4, 0.3), ball, { points: 30_000 });
    expect(Math.abs(m.iou - 0.421875)).toBeLessThan(0.015);
    expect(m.chamferL1).toBeGreaterThan(0.12);
    expect(m.chamferL1).toBeLessThan(0.13);
    expect(m.fscore).toBe(0);
    expect(m.normalConsistency).toBeGreaterThan(0.98);
  });

  it('is invariant to the frame of the inputs (scored in the ground truth unit frame)', () => {
    const a = evaluateMeshes(icosphere(3, 0.3), ball, { points: 20_000, seed: 3 });
    const b = evaluateMeshes(moved(icosphere(3, 0.3), 25, [100, -7, 3]), moved(ball, 25, [100, -7, 3]), { points: 20_000, seed: 3 });
    expect(b.iou).toBeCloseTo(a.iou, 6);
    expect(b.chamferL1).toBeCloseTo(a.chamferL1, 4);
  });

  it('an empty prediction is never a match', () => {
    const m = evaluateMeshes({ positions: new Float32Array(0), indices: new Uint32Array(0) }, ball, { points: 1000 });
    expect(m.iou).toBe(0);
    expect(m.chamferL1).toBeCloseTo(Math.sqrt(3), 6);
    expect(m.fscore).toBe(0);
  });

  it('typed errors for an empty ground truth and absurd sample counts', () => {
    expect(() => evaluateMeshes(ball, { positions: new Float32Array(0), indices: new Uint32Array(0) })).toThrow(
      expect.objectContaining({ code: 'EMPTY_INPUT' }),
    );
    expect(() => evaluateMeshes(ball, ball, { points: 1e12 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('meanMetrics averages each metric and skips NaN', () => {
    const m = meanMetrics([
      { iou: 0.5, chamferL1: 0.1, normalConsistency: NaN, fscore: 0.2, accuracy: 0.1, completeness: 0.1 },
      { iou: 1, chamferL1: 0.3, normalConsistency: 0.8, fscore: 0.4, accuracy: 0.2, completeness: 0.4 },
    ]);
    expect(m).toEqual({ iou: 0.75, chamferL1: 0.2, normalConsistency: 0.8, fscore: expect.closeTo(0.3, 12), accuracy: expect.closeTo(0.15, 12), completeness: expect.closeTo(0.25, 12) });
  });
});

describe('dataset split evaluation', () => {
  let root: string;
  const radii = [0.3, 0.35, 0.4, 0.45, 0.25];
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'onet-eval-'));
    const names: string[] = [];
    for (let i = 0; i < radii.length; i++) {
      const name = `ball${i}`;
      names.push(name);
      const dir = join(root, 'balls', name);
      await mkdir(dir, { recursive: true });
      const pts = sampleUniformPoints(4000, { seed: i });
      const occ = new Uint8Array(Math.ceil(4000 / 8));
      for (let n = 0; n < 4000; n++) {
        if (Math.hypot(pts[3 * n], pts[3 * n + 1], pts[3 * n + 2]) < radii[i]) occ[n >> 3] |= 1 << (7 - (n & 7)); // numpy packbits order
      }
      const surf = sampleSurface(icosphere(4, radii[i]), 4000, { seed: i });
      await writeFile(join(dir, 'points.npz'), writeNpz({ points: { data: pts, shape: [4000, 3] }, occupancies: { data: occ, shape: [occ.length] } }));
      await writeFile(join(dir, 'pointcloud.npz'), writeNpz({ points: { data: surf.points, shape: [4000, 3] }, normals: { data: surf.normals, shape: [4000, 3] } }));
      // The "generated" mesh: exact for shape 0..3, none for shape 4 (a failure to report).
      if (i < 4) {
        await mkdir(join(root, 'gen', 'balls'), { recursive: true });
        await writeFile(join(root, 'gen', 'balls', `${name}.off`), writeOff(icosphere(4, radii[i])));
      }
    }
    await writeFile(join(root, 'balls', 'test.lst'), `${names.join('\n')}\n`);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads the reference layout and unpacks numpy packbits occupancies', async () => {
    const shapes = await listSplit(root, 'test');
    expect(shapes.map((s) => s.id)).toEqual(['balls/ball0', 'balls/ball1', 'balls/ball2', 'balls/ball3', 'balls/ball4']);
    const gt = await readGroundTruth(shapes[2].dir);
    let inside = 0;
    for (let n = 0; n < 4000; n++) {
      const r = Math.hypot(gt.occupancyPoints[3 * n], gt.occupancyPoints[3 * n + 1], gt.occupancyPoints[3 * n + 2]);
      expect(gt.occupancies[n]).toBe(r < 0.4 ? 1 : 0);
      inside += gt.occupancies[n];
    }
    expect(inside).toBeGreaterThan(100);
  });

  it('scores every shape, reports failures, and shards disjointly', async () => {
    const report = await evaluateSplit({ root, split: 'test', meshDir: join(root, 'gen'), points: 4000 });
    expect(report.rows).toHaveLength(4);
    expect(report.failed.map((f) => f.id)).toEqual(['balls/ball4']);
    for (const r of report.rows) {
      expect(r.iou).toBeGreaterThan(0.97);
      expect(r.chamferL1).toBeLessThan(0.01);
    }
    expect(report.mean!.iou).toBeGreaterThan(0.97);
    const csv = evaluationCsv(report).trim().split('\n');
    expect(csv[0]).toBe('id,iou,chamferL1,normalConsistency,fscore,accuracy,completeness');
    expect(csv).toHaveLength(1 + 4 + 1);
    expect(csv[5].startsWith('mean,')).toBe(true);

    const s1 = await evaluateSplit({ root, split: 'test', meshDir: join(root, 'gen'), points: 4000, shard: '0/2' });
    const s2 = await evaluateSplit({ root, split: 'test', meshDir: join(root, 'gen'), points: 4000, shard: '1/2' });
    expect(s1.rows.map((r) => r.id)).toEqual(['balls/ball0', 'balls/ball2']);
    expect(s1.failed.map((f) => f.id)).toEqual(['balls/ball4']);
    expect(s2.rows.map((r) => r.id)).toEqual(['balls/ball1', 'balls/ball3']);
    expect(s2.failed).toEqual([]);
    // Same per-shape results as the unsharded run (seeds follow the index in the full split).
    expect(s1.rows[1].iou).toBe(report.rows[2].iou);
  });

  it('parses shards and rejects bad ones; missing datasets are typed errors', async () => {
    expect(parseShard('2/5')).toEqual({ k: 2, n: 5 });
    expect(parseShard('0/1')).toEqual({ k: 0, n: 1 });
    expect(() => parseShard('5/5')).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => parseShard('3')).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(takeShard([0, 1, 2, 3, 4], { k: 2, n: 3 }).map((x) => x.item)).toEqual([2]);
    await expect(listSplit(join(root, 'nope'), 'test')).rejects.toMatchObject({ code: 'BAD_DATASET' });
    await expect(listSplit(root, 'train')).rejects.toMatchObject({ code: 'BAD_DATASET' });
    expect((await readFile(join(root, 'balls', 'test.lst'), 'utf8')).split('\n')).toHaveLength(6);
  });
});
