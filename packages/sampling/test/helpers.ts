import type { TriangleMesh } from '@onet/io';

/** Every directed edge appears exactly once and its reverse exactly once (closed + consistently oriented). */
export function isClosedOriented(mesh: TriangleMesh): boolean {
  const edges = new Map<string, number>();
  const f = mesh.indices;
  for (let t = 0; t < f.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const key = `${f[t + k]},${f[t + ((k + 1) % 3)]}`;
      edges.set(key, (edges.get(key) ?? 0) + 1);
    }
  }
  for (const [key, count] of edges) {
    if (count !== 1) return false;
    const [a, b] = key.split(',');
    if (edges.get(`${b},${a}`) !== 1) return false;
  }
  return true;
}

/** Minimal OFF reader for tests (triangulates polygons as fans). */
export function parseOffForTest(text: string): TriangleMesh {
  const tokens = text
    .split('\n')
    .map((l) => l.replace(/#.*/, ''))
    .join(' ')
    .split(/\s+/)
    .filter((s) => s.length > 0);
  let i = 0;
  const head = tokens[i++];
  if (!/OFF$/.test(head)) throw new Error('not OFF');
  const nv = Number(tokens[i++]);
  const nf = Number(tokens[i++]);
  i++;
  const positions = new Float32Array(3 * nv);
  for (let v = 0; v < nv; v++) for (let k = 0; k < 3; k++) positions[3 * v + k] = Number(tokens[i++]);
  const idx: number[] = [];
  for (let f = 0; f < nf; f++) {
    const n = Number(tokens[i++]);
    const poly = [];
    for (let k = 0; k < n; k++) poly.push(Number(tokens[i++]));
    for (let k = 1; k + 1 < n; k++) idx.push(poly[0], poly[k], poly[k + 1]);
  }
  return { positions, indices: Uint32Array.from(idx) };
}

export function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

export function std(a: ArrayLike<number>): number {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - m) ** 2;
  return Math.sqrt(s / a.length);
}
