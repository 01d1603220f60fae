/**
 * A picture grid of meshes for a model README, with no dependencies: each mesh is normalised (bbox centre, longest
 * side 1), drawn with a z-buffered flat-shaded orthographic rasteriser seen from the front-left, above (z up), and the
 * tiles are written as one PNG (node:zlib).
 *
 *   npx tsx --tsconfig packages/models/scripts/tsconfig.json packages/models/scripts/render-grid.ts \
 *     <out.png> <columns> <mesh files…>
 */
import { readFile, writeFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import { parseMesh, type TriangleMesh } from '@onet/io';
import { normalizeMesh } from '@onet/sampling';

const [out, colsArg, ...files] = process.argv.slice(2);
if (!out || !files.length) throw new Error('usage: render-grid.ts <out.png> <columns> <mesh files…>');
const COLS = Number(colsArg);
const S = 192; // tile side in pixels

function render(mesh: TriangleMesh, img: Uint8Array, W: number, ox: number, oy: number): void {
  const m = normalizeMesh(mesh).mesh;
  const view = [-0.55, -0.75, 0.45];
  const vl = Math.hypot(...view);
  const d = view.map((v) => v / vl); // towards the camera
  const r = [d[1], -d[0], 0].map((v, _, a) => v / Math.hypot(a[0], a[1])); // right = up × d, normalised
  const u = [d[1] * r[2] - d[2] * r[1], d[2] * r[0] - d[0] * r[2], d[0] * r[1] - d[1] * r[0]]; // up on screen
  const u2 = [-u[0], -u[1], -u[2]];
  const up = u2[2] > 0 ? u2 : u;
  const light = [0.3, -0.5, 0.8].map((v, _, a) => v / Math.hypot(...a));
  const zbuf = new Float32Array(S * S).fill(-Infinity);
  const P = m.positions;
  const proj = (i: number) => {
    const x = P[3 * i], y = P[3 * i + 1], z = P[3 * i + 2];
    return [(0.5 + 0.68 * (x * r[0] + y * r[1] + z * r[2])) * S, (0.5 - 0.68 * (x * up[0] + y * up[1] + z * up[2])) * S, x * d[0] + y * d[1] + z * d[2]];
  };
  for (let t = 0; t < m.indices.length; t += 3) {
    const [a, b, c] = [m.indices[t], m.indices[t + 1], m.indices[t + 2]];
    const e1 = [P[3 * b] - P[3 * a], P[3 * b + 1] - P[3 * a + 1], P[3 * b + 2] - P[3 * a + 2]];
    const e2 = [P[3 * c] - P[3 * a], P[3 * c + 1] - P[3 * a + 1], P[3 * c + 2] - P[3 * a + 2]];
    const n = [e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0]];
    const nl = Math.hypot(...n) || 1;
    let shade = Math.abs((n[0] * light[0] + n[1] * light[1] + n[2] * light[2]) / nl);
    shade = 0.25 + 0.75 * shade;
    const A = proj(a), B = proj(b), C = proj(c);
    const minX = Math.max(0, Math.floor(Math.min(A[0], B[0], C[0]))), maxX = Math.min(S - 1, Math.ceil(Math.max(A[0], B[0], C[0])));
    const minY = Math.max(0, Math.floor(Math.min(A[1], B[1], C[1]))), maxY = Math.min(S - 1, Math.ceil(Math.max(A[1], B[1], C[1])));
    const area = (B[0] - A[0]) * (C[1] - A[1]) - (B[1] - A[1]) * (C[0] - A[0]);
    if (Math.abs(area) < 1e-12) continue;
    for (let py = minY; py <= maxY; py++) {
      for (let px = minX; px <= maxX; px++) {
        const x = px + 0.5, y = py + 0.5;
        const w0 = ((B[0] - x) * (C[1] - y) - (B[1] - y) * (C[0] - x)) / area;
        const w1 = ((C[0] - x) * (A[1] - y) - (C[1] - y) * (A[0] - x)) / area;
        const w2 = 1 - w0 - w1;
        if (w0 < 0 || w1 < 0 || w2 < 0) continue;
        const z = w0 * A[2] + w1 * B[2] + w2 * C[2];
        if (z <= zbuf[py * S + px]) continue;
        zbuf[py * S + px] = z;
        const o = 3 * ((oy + py) * W + ox + px);
        img[o] = Math.round(70 + 150 * shade);
        img[o + 1] = Math.round(90 + 140 * shade);
        img[o + 2] = Math.round(120 + 135 * shade);
      }
    }
  }
}

function png(rgb: Uint8Array, W: number, H: number): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Uint8Array) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Uint8Array) => {
    const b = new Uint8Array(12 + data.length);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, data.length);
    b.set(new TextEncoder().encode(type), 4);
    b.set(data, 8);
    dv.setUint32(8 + data.length, crc(b.subarray(4, 8 + data.length)));
    return b;
  };
  const raw = new Uint8Array(H * (1 + 3 * W));
  for (let y = 0; y < H; y++) raw.set(rgb.subarray(3 * W * y, 3 * W * (y + 1)), y * (1 + 3 * W) + 1);
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, W);
  dv.setUint32(4, H);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))];
  const all = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) (all.set(p, o), (o += p.length));
  return all;
}

const rows = Math.ceil(files.length / COLS);
const W = COLS * S, H = rows * S;
const img = new Uint8Array(3 * W * H).fill(255);
for (const [k, f] of files.entries()) {
  const mesh = parseMesh(new Uint8Array(await readFile(f)), { source: f });
  if (mesh.indices.length) render(mesh, img, W, (k % COLS) * S, Math.floor(k / COLS) * S);
}
await writeFile(out, png(img, W, H));
console.log(`wrote ${out} (${W}×${H}, ${files.length} meshes)`);
