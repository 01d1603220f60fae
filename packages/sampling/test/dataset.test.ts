import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { float16ToFloat32, parseNpz, writeBinvox, writeGlb, writeObj, writeOff } from '@onet/io';
import {
  box,
  createRng,
  decodePointcloudNpz,
  decodePointsNpz,
  encodePointcloudNpz,
  encodePointsNpz,
  float32ToFloat16,
  icosphere,
  packBits,
  randomAffine,
  sampleTrainingData,
  signedVolume,
  transformMesh,
  unpackBits,
  SamplingError,
} from '../src/index.js';
import { buildDataset, listShapeNetModels, parseShard, readShapeNetModel, writeSplits, type BuildProgress } from '../src/node.js';

const FIX = new URL('./fixtures/', import.meta.url);
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, FIX)));

describe('ShapeNet codec', () => {
  it('packs bits like numpy.packbits (big-endian bit order)', () => {
    expect(Array.from(packBits([1, 0, 0, 0, 0, 0, 0, 1, 1]))).toEqual([0x81, 0x80]);
    expect(Array.from(unpackBits(new Uint8Array([0x81, 0x80]), 9))).toEqual([1, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect(() => unpackBits(new Uint8Array(1), 9)).toThrow(SamplingError);
  });

  it('rounds float32 → float16 like numpy (nearest even, subnormals, overflow)', () => {
    const vals = [0.1, 1 / 3, 0.55, -0.55, 65504, 70000, 1e-8, 6e-5, 2.5e-6, -0, 0.0004882812, 1.0009765625 + 2 ** -12, 1 + 2 ** -11, 1 + 3 * 2 ** -11];
    expect(Array.from(float32ToFloat16(new Float32Array(vals)))).toEqual([
      11878, 13653, 14438, 47206, 31743, 31744, 0, 1007, 42, 32768, 4096, 15361, 15360, 15362,
    ]);
  });

  it('decodes numpy-written points.npz / pointcloud.npz (float16, packbits)', () => {
    const expected = JSON.parse(new TextDecoder().decode(fixture('expected.json')));
    const p = decodePointsNpz(fixture('points.npz'));
    expect(Array.from(p.occupancies)).toEqual(expected.occ);
    expect(Array.from(p.points)).toEqual(expected.points);
    expect(p.loc).toEqual([0.1, 0.2, 0.3]);
    expect(p.scale).toBe(2.5);
    const pc = decodePointcloudNpz(fixture('pointcloud.npz'));
    expect(Array.from(pc.normals!)).toEqual(expected.normals);
    expect(pc.points.length).toBe(15);
  });

  it('round-trips through its own encoder (packed and unpacked)', () => {
    const points = new Float32Array([0.5, -0.25, 0.125, 0.1, 0.2, 0.3, 0, 0, 0]);
    const occupancies = new Uint8Array([1, 0, 1]);
    for (const packbits of [true, false]) {
      const back = decodePointsNpz(encodePointsNpz({ points, occupancies, loc: [1, 2, 3], scale: 4 }, { packbits }));
      expect(Array.from(back.occupancies)).toEqual([1, 0, 1]);
      expect(Array.from(back.points)).toEqual(Array.from(float16ToFloat32(float32ToFloat16(points))));
      expect(back.loc).toEqual([1, 2, 3]);
    }
    const f32 = decodePointsNpz(encodePointsNpz({ points, occupancies }, { float16: false, compress: true }));
    expect(f32.points).toEqual(points);
    const pc = decodePointcloudNpz(encodePointcloudNpz({ points, normals: points }));
    expect(pc.normals!.length).toBe(9);
    expect(() => encodePointsNpz({ points, occupancies: new Uint8Array(2) })).toThrow(SamplingError);
    expect(() => decodePointsNpz(new Uint8Array([1, 2, 3]))).toThrow();
  });
});

describe('augmentation', () => {
  it('randomAffine is seeded and composes scale, stretch and rotation', () => {
    const a = randomAffine(createRng(1), { rotate: true, scaleRange: [0.5, 2], stretchRange: [0.8, 1.25] });
    expect(a).toEqual(randomAffine(createRng(1), { rotate: true, scaleRange: [0.5, 2], stretchRange: [0.8, 1.25] }));
    expect(a.length).toBe(12);
    const rot = randomAffine(createRng(2), { rotate: true });
    // pure rotation: orthonormal rows, det 1
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const dot = rot[4 * i] * rot[4 * j] + rot[4 * i + 1] * rot[4 * j + 1] + rot[4 * i + 2] * rot[4 * j + 2];
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
      }
    }
    const y = randomAffine(createRng(3), { rotate: 'y' });
    expect([y[4], y[5], y[6]]).toEqual([0, 1, 0]);
    expect(() => randomAffine(createRng(1), { scaleRange: [0, 1] })).toThrow(SamplingError);
  });

  it('transformMesh scales volume by det and keeps orientation (even for mirrors)', () => {
    const m = icosphere(2, 0.3);
    const A = new Float32Array([2, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0.5, 0]);
    expect(signedVolume(transformMesh(m, A)) / signedVolume(m)).toBeCloseTo(1, 4);
    const mirror = new Float32Array([-1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
    const t = transformMesh(m, mirror);
    expect(signedVolume(t)).toBeCloseTo(signedVolume(m), 6);
    // normals still point outward
    expect(t.normals![0] * t.positions[0] + t.normals![1] * t.positions[1] + t.normals![2] * t.positions[2]).toBeGreaterThan(0);
    expect(() => transformMesh(m, new Float32Array(12))).toThrow(/singular/);
  });
});

describe('sampleTrainingData', () => {
  it('labels float16-rounded points of a normalised sphere', () => {
    const d = sampleTrainingData(icosphere(3, 7, [10, 0, 0]), { seed: 1, numPoints: 5000, numSurfacePoints: 1000, voxelResolution: 8 });
    expect(d.scale).toBeCloseTo(14, 4);
    expect(d.loc[0]).toBeCloseTo(10, 4);
    expect(Array.from(float16ToFloat32(float32ToFloat16(d.points)))).toEqual(Array.from(d.points));
    let wrong = 0;
    for (let i = 0; i < 5000; i++) {
      const r = Math.hypot(d.points[3 * i], d.points[3 * i + 1], d.points[3 * i + 2]);
      if (Math.abs(r - 0.5) > 0.01 && d.occupancies[i] !== (r < 0.5 ? 1 : 0)) wrong++;
    }
    expect(wrong).toBe(0);
    expect(d.voxels!.length).toBe(512);
    expect(d.surfacePoints.length).toBe(3000);
  });
});

describe('buildDataset (node)', () => {
  const root = mkdtempSync(join(tmpdir(), 'onet-sampling-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const input = join(root, 'in');
  const output = join(root, 'out');
  mkdirSync(join(input, 'spheres'), { recursive: true });
  writeFileSync(join(input, 'spheres', 'a.off'), writeOff(icosphere(3, 2, [1, 1, 1])));
  writeFileSync(join(input, 'spheres', 'b.off'), writeOff(icosphere(2, 1)));
  writeFileSync(join(input, 'cube.off'), writeOff(box([1, 2, 1])));
  writeFileSync(join(input, 'broken.off'), 'OFF\n3 1 0\n0 0 0\n1 0 0\n');
  const opts = { input, output, numPoints: 4000, numSurfacePoints: 500, voxelResolution: 16, seed: 3 };

  it('writes the reference layout, sharded, atomically, skipping broken meshes', async () => {
    const logs: string[] = [];
    const events: BuildProgress[] = [];
    const r0 = await buildDataset({ ...opts, shard: 0, numShards: 2, onLog: (l) => logs.push(l), onProgress: (e) => events.push(e) });
    const r1 = await buildDataset({ ...opts, shard: 1, numShards: 2, onLog: (l) => logs.push(l), onProgress: (e) => events.push(e) });
    expect(r0.written.length + r1.written.length).toBe(3);
    expect(r0.failed.length + r1.failed.length).toBe(1);
    expect(logs.length).toBe(1);
    expect(logs[0]).toMatch(/broken\.off/);
    expect(events.filter((e) => e.status === 'failed').map((e) => e.model)).toEqual(['broken']);
    expect(readdirSync(join(output, 'spheres')).sort()).toEqual(['a', 'b']);
    expect(readdirSync(join(output, 'meshes')).sort()).toEqual(['cube']); // no .tmp-* left, no broken folder

    // the reference's dtypes by default: float16 points and normals, bit-packed occupancies
    const raw = parseNpz(readFileSync(join(output, 'spheres', 'a', 'points.npz')));
    expect([raw.get('points')!.dtype, raw.get('points')!.shape]).toEqual(['<f2', [4000, 3]]);
    expect([raw.get('occupancies')!.dtype, raw.get('occupancies')!.shape]).toEqual(['|u1', [500]]);
    const rawPc = parseNpz(readFileSync(join(output, 'spheres', 'a', 'pointcloud.npz')));
    expect([rawPc.get('points')!.dtype, rawPc.get('normals')!.dtype]).toEqual(['<f2', '<f2']);

    const m = await readShapeNetModel(join(output, 'spheres', 'a'));
    expect(m.points!.points.length).toBe(12_000);
    expect(m.points!.scale).toBeCloseTo(4, 4);
    let wrong = 0;
    for (let i = 0; i < 4000; i++) {
      const r = Math.hypot(m.points!.points[3 * i], m.points!.points[3 * i + 1], m.points!.points[3 * i + 2]);
      if (Math.abs(r - 0.5) > 0.01 && m.points!.occupancies[i] !== (r < 0.5 ? 1 : 0)) wrong++;
    }
    expect(wrong).toBe(0);
    for (let i = 0; i < 500; i++) {
      const r = Math.hypot(m.pointcloud!.points[3 * i], m.pointcloud!.points[3 * i + 1], m.pointcloud!.points[3 * i + 2]);
      expect(Math.abs(r - 0.5)).toBeLessThan(0.01);
    }
    expect(m.voxels!.dims).toEqual([16, 16, 16]);
    expect(m.voxels!.data[(8 * 16 + 8) * 16 + 8]).toBe(1);
    expect(m.voxels!.data[0]).toBe(0);
    const cube = await readShapeNetModel(join(output, 'meshes', 'cube'), { fields: ['voxels'] });
    // box 1×2×1 normalised to 0.5×1×0.5: occupies the middle half in x and z, all of y
    const filled = cube.voxels!.data.reduce((a, b) => a + b, 0);
    expect(filled).toBe(8 * 16 * 8);
  });

  it('resumes (existing models kept), is deterministic, and writes splits', async () => {
    const before = readFileSync(join(output, 'spheres', 'b', 'points.npz'));
    const again = await buildDataset({ ...opts, onLog: () => undefined });
    expect(again.existing.length).toBe(3);
    expect(again.written.length).toBe(0);
    const redo = await buildDataset({ ...opts, overwrite: true, onLog: () => undefined });
    expect(redo.written.length).toBe(3);
    expect(readFileSync(join(output, 'spheres', 'b', 'points.npz')).equals(before)).toBe(true);
    const totals = await writeSplits(output, { val: 0, test: 0.5 });
    expect(totals).toEqual({ train: 2, val: 0, test: 1 });
    const train = await listShapeNetModels(output, { split: 'train' });
    expect(train.length).toBe(2);
    expect(existsSync(join(output, 'spheres', 'val.lst'))).toBe(true);
  });

  it('reads a reference-layout folder written by numpy (points, pointcloud, binvox, images, splits)', async () => {
    const dir = join(root, 'ref', '02691156', 'model1');
    mkdirSync(join(dir, 'img_choy2016'), { recursive: true });
    writeFileSync(join(dir, 'points.npz'), fixture('points.npz'));
    writeFileSync(join(dir, 'pointcloud.npz'), fixture('pointcloud.npz'));
    for (const name of ['001.jpg', '000.jpg', 'cameras.npz']) writeFileSync(join(dir, 'img_choy2016', name), 'x');
    const vox = new Uint8Array(8);
    vox[(1 * 2 + 0) * 2 + 1] = 1; // x=1, y=0, z=1
    writeFileSync(join(dir, 'model.binvox'), writeBinvox({ data: vox, dims: [2, 2, 2], translate: [0, 0, 0], scale: 1 }));
    writeFileSync(join(root, 'ref', '02691156', 'test.lst'), 'model1\n\n');
    const [entry] = await listShapeNetModels(join(root, 'ref'), { split: 'test' });
    expect(entry).toEqual({ category: '02691156', model: 'model1', dir });
    const m = await readShapeNetModel(entry.dir);
    const expected = JSON.parse(new TextDecoder().decode(fixture('expected.json')));
    expect(Array.from(m.points!.occupancies)).toEqual(expected.occ);
    expect(m.pointcloud!.normals!.length).toBe(15);
    expect(Array.from(m.voxels!.data)).toEqual(Array.from(vox));
    expect(m.images!.map((p) => p.split(/[\\/]/).pop())).toEqual(['000.jpg', '001.jpg']);
    await expect(listShapeNetModels(join(root, 'ref'), { split: 'train' })).rejects.toThrow(/train\.lst/);
  });

  it('writes augmented copies and validates its options', async () => {
    const out2 = join(root, 'aug');
    const r = await buildDataset({ ...opts, input: join(input, 'spheres'), output: out2, category: 'x', augment: { copies: 2, rotate: true, stretchRange: [0.5, 1] } });
    expect(r.written.map((p) => p.split(/[\\/]/).pop()).sort()).toEqual(['a', 'a_aug1', 'a_aug2', 'b', 'b_aug1', 'b_aug2']);
    await expect(buildDataset({ ...opts, shard: 2, numShards: 2 })).rejects.toThrow(SamplingError);
    await expect(buildDataset({ ...opts, input: join(root, 'missing') })).rejects.toThrow(/cannot list/);
    expect(parseShard('1/4')).toEqual({ shard: 1, numShards: 4 });
    expect(() => parseShard('4/4')).toThrow(SamplingError);
    await expect(readShapeNetModel(join(root, 'nope'), { fields: ['points'] })).rejects.toThrow(/cannot read/);
  });

  it('refuses two files that map to one model name, naming both, in every shard and before any work', async () => {
    const dup = join(root, 'dup');
    mkdirSync(join(dup, 'pipes'), { recursive: true });
    writeFileSync(join(dup, 'pipes', 'pipe.off'), writeOff(icosphere(1, 1)));
    writeFileSync(join(dup, 'pipes', 'pipe.obj'), writeObj(icosphere(1, 1)));
    writeFileSync(join(dup, 'pipes', 'valve.off'), writeOff(icosphere(1, 1)));
    const out = join(root, 'dup-out');
    for (const shard of [0, 1]) {
      const e = await buildDataset({ ...opts, input: dup, output: out, shard, numShards: 2 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(SamplingError);
      expect(e).toMatchObject({ code: 'DATASET_ERROR' });
      expect((e as Error).message).toContain(join(dup, 'pipes', 'pipe.obj'));
      expect((e as Error).message).toContain(join(dup, 'pipes', 'pipe.off'));
      expect((e as Error).message).toContain('pipes/pipe');
    }
    expect(existsSync(out)).toBe(false);
  });

  it('removes temporary folders of killed builds on this host (only those) and reads GLB meshes', async () => {
    const out = join(root, 'stale');
    const host = hostname().replace(/[^A-Za-z0-9_.]/g, '_') || 'host';
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    const dead = join(out, 'x', `.tmp-half-done-${host}-${deadPid}-abc`);
    const running = join(out, 'x', `.tmp-busy-${host}-${process.pid}-abc`);
    const elsewhere = join(out, 'x', `.tmp-remote-other_host-${deadPid}-abc`);
    for (const d of [dead, running, elsewhere]) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'points.npz'), new Uint8Array(10)); // half written
    }
    const glbIn = join(root, 'glb-in');
    mkdirSync(glbIn, { recursive: true });
    writeFileSync(join(glbIn, 'ball.glb'), await writeGlb(icosphere(2, 1)));
    const logs: string[] = [];
    const r = await buildDataset({ ...opts, input: glbIn, output: out, category: 'x', onLog: (l) => logs.push(l) });
    expect(r.cleaned).toEqual([dead]);
    expect(logs.some((l) => l.includes(dead) && /killed build/.test(l))).toBe(true);
    expect([existsSync(dead), existsSync(running), existsSync(elsewhere)]).toEqual([false, true, true]);
    expect(r.failed).toEqual([]);
    expect(r.written).toEqual([join(out, 'x', 'ball')]);
    expect(readdirSync(join(out, 'x', 'ball')).sort()).toEqual(['model.binvox', 'pointcloud.npz', 'points.npz']);
    // Temporary folders are never listed as models.
    expect((await listShapeNetModels(out)).map((m) => m.model)).toEqual(['ball']);
  });
});
