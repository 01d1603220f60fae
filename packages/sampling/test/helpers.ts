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
