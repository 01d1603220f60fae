import type { TriangleMesh } from '@onet/io';
import { SamplingError } from './errors.js';
import { createRng, type Rng } from './rng.js';
import { box, cylinder, torus, lathe, sweepTube } from './primitives/index.js';
import { concatMeshes } from './concatMeshes.js';
import { normalizeMesh } from './normalizeMesh.js';

/**
 * The procedural shape families of {@link shapeFamily}; each is a seeded generator of unboundedly many shapes:
 * - `chair`: seat slab on four legs (square or round), a back (solid panel, or two posts with a top rail and 0–3
 *   vertical slats), arm rests on a quarter of them;
 * - `table`: rectangular or round top on four legs (square or round, a third with a stretcher frame) or on a pedestal
 *   (column and base disc);
 * - `stool`: round or square seat on three or four legs, a footrest ring on half of them;
 * - `mug`: lathed cup (tapered wall, floor) with a tube handle;
 * - `vase`: lathed thin-walled vessel with a smooth base–belly–neck–lip profile, open at the top.
 *
 * Parts are closed, outward-oriented meshes that overlap where they join; the family mesh is their concatenation,
 * whose solid is the union of the parts under the winding-number inside test ({@link contains}). z is up.
 */
export type ShapeFamilyName = 'chair' | 'table' | 'stool' | 'mug' | 'vase';

/** Every {@link ShapeFamilyName}. */
export const SHAPE_FAMILIES: readonly ShapeFamilyName[] = ['chair', 'table', 'stool', 'mug', 'vase'];

/** A split of a family's shape indices. */
export type FamilySplit = 'train' | 'val' | 'test';

/**
 * The fixed split of every family by shape index: `[start, end)` per split (4000 / 500 / 500 shapes). A shape's index
 * alone decides its split, so the held-out shapes never change.
 */
export const FAMILY_SPLITS: Readonly<Record<FamilySplit, readonly [number, number]>> = {
  train: [0, 4000],
  val: [4000, 4500],
  test: [4500, 5000],
};

/** One shape of a family: its name, its mesh normalised to the unit cube (longest side 1, bbox centred), its split. */
export interface FamilyShape {
  /** `<family>#<index>`. */
  name: string;
  /** Closed parts concatenated (see {@link ShapeFamilyName}); unit-cube frame, z up. */
  mesh: TriangleMesh;
  /** The split its index belongs to. */
  split: FamilySplit;
}

/**
 * Shape `index` of a procedural family (deterministic: the same family and index always give the same mesh).
 *
 * @param family one of {@link SHAPE_FAMILIES}.
 * @param index integer in `[0, 5000)`; {@link FAMILY_SPLITS} says which split it belongs to.
 * @example
 * ```ts
 * const { mesh } = shapeFamily('chair', 12);                 // a training chair
 * const test = familyIndices('test').map((i) => shapeFamily('chair', i));
 * ```
 * @throws {@link SamplingError} `INVALID_ARGUMENT` for an unknown family or an index outside [0, 5000).
 * @category Datasets
 */
export function shapeFamily(family: ShapeFamilyName, index: number): FamilyShape {
  const make = BUILDERS[family];
  if (!make) throw new SamplingError('INVALID_ARGUMENT', `unknown shape family ${JSON.stringify(family)}; use one of ${SHAPE_FAMILIES.join(', ')}`);
  const end = FAMILY_SPLITS.test[1];
  if (!Number.isInteger(index) || index < 0 || index >= end) throw new SamplingError('INVALID_ARGUMENT', `shape index must be an integer in [0, ${end}), got ${index}`);
  let h = 2166136261;
  for (const ch of family) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const rng = createRng(h * 8192 + index);
  const split: FamilySplit = index < FAMILY_SPLITS.train[1] ? 'train' : index < FAMILY_SPLITS.val[1] ? 'val' : 'test';
  return { name: `${family}#${index}`, mesh: normalizeMesh(concatMeshes(make(rng))).mesh, split };
}

/**
 * The shape indices of a split, in order (optionally only the first `count`).
 * @throws {@link SamplingError} `INVALID_ARGUMENT` for an unknown split or a count larger than the split.
 * @category Datasets
 */
export function familyIndices(split: FamilySplit, count?: number): number[] {
  const range = FAMILY_SPLITS[split];
  if (!range) throw new SamplingError('INVALID_ARGUMENT', `split must be train, val or test, got ${JSON.stringify(split)}`);
  const n = count ?? range[1] - range[0];
  if (!Number.isInteger(n) || n < 0 || n > range[1] - range[0]) throw new SamplingError('INVALID_ARGUMENT', `the ${split} split has ${range[1] - range[0]} shapes; asked for ${count}`);
  return Array.from({ length: n }, (_, i) => range[0] + i);
}

type Builder = (rng: Rng) => TriangleMesh[];
const u = (rng: Rng, a: number, b: number) => a + (b - a) * rng.next();

/** A vertical leg from z = z0 to z = z1 at (x, y): a square post or a round one. */
function leg(round: boolean, thick: number, x: number, y: number, z0: number, z1: number): TriangleMesh {
  const h = z1 - z0;
  return round ? cylinder(thick / 2, h, 12, [x, y, z0 + h / 2]) : box([thick, thick, h], [x, y, z0 + h / 2]);
}

function chair(rng: Rng): TriangleMesh[] {
  const w = u(rng, 0.4, 0.6), d = u(rng, 0.38, 0.56), h = u(rng, 0.38, 0.5), t = u(rng, 0.03, 0.08);
  const lt = u(rng, 0.025, 0.06), round = rng.next() < 0.4, inset = u(rng, 0, 0.03);
  const parts: TriangleMesh[] = [box([w, d, t], [0, 0, h - t / 2])];
  const lx = w / 2 - lt / 2 - inset, ly = d / 2 - lt / 2 - inset;
  for (const [sx, sy] of [[-1, -1], [1, -1], [-1, 1], [1, 1]]) parts.push(leg(round, lt, sx * lx, sy * ly, 0, h - t / 2));
  const bh = u(rng, 0.25, 0.55), bt = u(rng, 0.025, 0.06);
  const by = d / 2 - bt / 2; // back at +y
  if (rng.next() < 0.5) {
    const bw = w * u(rng, 0.75, 1);
    parts.push(box([bw, bt, bh], [0, by, h + bh / 2 - t / 2]));
  } else {
    const px = w / 2 - lt / 2;
    for (const sx of [-1, 1]) parts.push(leg(round, lt, sx * px, by, h - t, h + bh));
    const rail = u(rng, 0.05, 0.12);
    parts.push(box([w, bt, rail], [0, by, h + bh - rail / 2]));
    const slats = Math.floor(rng.next() * 4);
    for (let i = 0; i < slats; i++) {
      const x = -px + ((i + 1) * 2 * px) / (slats + 1);
      parts.push(box([lt * 0.8, bt * 0.8, bh - rail + t / 2], [x, by, h - t / 2 + (bh - rail + t / 2) / 2]));
    }
  }
  if (rng.next() < 0.25) {
    const ah = u(rng, 0.18, 0.26), at = u(rng, 0.03, 0.05);
    for (const sx of [-1, 1]) {
      const x = sx * (w / 2 - at / 2);
      parts.push(box([at, d, at], [x, 0, h + ah]));
      parts.push(box([at, at, ah], [x, -d / 2 + at / 2, h + ah / 2 - t / 2]));
    }
  }
  return parts;
}

function table(rng: Rng): TriangleMesh[] {
  const h = u(rng, 0.45, 0.8), t = u(rng, 0.03, 0.07);
  const roundTop = rng.next() < 0.35;
  const w = u(rng, 0.8, 1.6), d = roundTop ? w : w * u(rng, 0.45, 0.9);
  const parts: TriangleMesh[] = [roundTop ? cylinder(w / 2, t, 48, [0, 0, h - t / 2]) : box([w, d, t], [0, 0, h - t / 2])];
  if (roundTop && rng.next() < 0.6) {
    const cr = u(rng, 0.04, 0.1), br = u(rng, 0.18, 0.35), bt = u(rng, 0.02, 0.05);
    parts.push(cylinder(cr, h - t / 2, 24, [0, 0, (h - t / 2) / 2]));
    parts.push(cylinder(br, bt, 32, [0, 0, bt / 2]));
    return parts;
  }
  const lt = u(rng, 0.04, 0.08), round = rng.next() < 0.4;
  const k = roundTop ? Math.SQRT1_2 : 1;
  const lx = (w / 2) * k - lt / 2 - u(rng, 0, 0.05), ly = (d / 2) * k - lt / 2 - u(rng, 0, 0.05);
  for (const [sx, sy] of [[-1, -1], [1, -1], [-1, 1], [1, 1]]) parts.push(leg(round, lt, sx * lx, sy * ly, 0, h - t / 2));
  if (rng.next() < 0.33) {
    const z = u(rng, 0.1, 0.3) * h, s = lt * 0.6;
    parts.push(box([2 * lx, s, s], [0, -ly, z]), box([2 * lx, s, s], [0, ly, z]), box([s, 2 * ly, s], [-lx, 0, z]), box([s, 2 * ly, s], [lx, 0, z]));
  }
  return parts;
}

function stool(rng: Rng): TriangleMesh[] {
  const h = u(rng, 0.45, 0.8), t = u(rng, 0.03, 0.07), r = u(rng, 0.15, 0.25);
  const roundSeat = rng.next() < 0.7;
  const parts: TriangleMesh[] = [roundSeat ? cylinder(r, t, 40, [0, 0, h - t / 2]) : box([2 * r, 2 * r, t], [0, 0, h - t / 2])];
  const n = rng.next() < 0.5 ? 3 : 4, lr = u(rng, 0.015, 0.03), pr = r * u(rng, 0.65, 0.85);
  const phase = rng.next() * Math.PI;
  for (let i = 0; i < n; i++) {
    const a = phase + (2 * Math.PI * i) / n;
    parts.push(cylinder(lr, h - t / 2, 12, [pr * Math.cos(a), pr * Math.sin(a), (h - t / 2) / 2]));
  }
  if (rng.next() < 0.5) parts.push(torus(pr, lr * u(rng, 0.6, 1), 40, 10, [0, 0, u(rng, 0.2, 0.4) * h]));
  return parts;
}

function mug(rng: Rng): TriangleMesh[] {
  const rb = u(rng, 0.3, 0.45), rt = rb * u(rng, 0.9, 1.2), H = u(rng, 0.6, 1.1), wall = u(rng, 0.03, 0.06), floor = u(rng, 0.04, 0.08);
  const parts: TriangleMesh[] = [lathe([0, 0, rb, 0, rt, H, rt - wall, H, rb - wall * (rt / rb), floor, 0, floor], 48)];
  const tr = u(rng, 0.025, 0.045), zc = H * u(rng, 0.45, 0.55), b = H * u(rng, 0.25, 0.35), a = u(rng, 0.15, 0.3);
  const path: number[] = [];
  const K = 16;
  for (let i = 0; i <= K; i++) {
    const th = -Math.PI / 2 + (Math.PI * i) / K;
    const z = zc + b * Math.sin(th);
    const rz = rb + ((rt - rb) * z) / H - wall / 2; // wall mid-surface at height z
    path.push(rz + a * Math.cos(th), 0, z);
  }
  parts.push(sweepTube(path, tr, 12));
  return parts;
}

function vase(rng: Rng): TriangleMesh[] {
  const H = u(rng, 0.7, 1.2);
  const ctrl: [number, number][] = [
    [0, u(rng, 0.15, 0.3)],
    [u(rng, 0.25, 0.5), u(rng, 0.25, 0.45)],
    [u(rng, 0.7, 0.85), u(rng, 0.08, 0.2)],
    [1, u(rng, 0.1, 0.3)],
  ];
  const radius = (f: number): number => {
    let i = 0;
    while (i < ctrl.length - 2 && f > ctrl[i + 1][0]) i++;
    const [f0, r0] = ctrl[i], [f1, r1] = ctrl[i + 1];
    const s = (f - f0) / (f1 - f0);
    return r0 + (r1 - r0) * (0.5 - 0.5 * Math.cos(Math.PI * s)); // smooth in-out between control radii
  };
  const wall = u(rng, 0.02, 0.04), floor = u(rng, 0.04, 0.1), N = 24;
  const prof: number[] = [0, 0];
  for (let i = 0; i <= N; i++) prof.push(radius(i / N), (H * i) / N);
  for (let i = N; i >= 0; i--) {
    const z = floor + ((H - floor) * i) / N;
    prof.push(radius(z / H) - wall, z);
  }
  prof.push(0, floor);
  return [lathe(prof, 48)];
}

const BUILDERS: Record<ShapeFamilyName, Builder> = { chair, table, stool, mug, vase };
