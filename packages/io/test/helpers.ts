import type { TriangleMesh } from '../src/index.js';

/** Directed-edge census: a closed, consistently oriented mesh has every directed edge once and its reverse once. */
export function isClosedOriented(m: TriangleMesh): boolean {
  const edges = new Map<string, number>();
  const idx = m.indices;
  for (let t = 0; t < idx.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const key = `${idx[t + k]},${idx[t + ((k + 1) % 3)]}`;
      edges.set(key, (edges.get(key) ?? 0) + 1);
    }
  }
  for (const [key, n] of edges) {
    const [a, b] = key.split(',');
    if (n !== 1 || edges.get(`${b},${a}`) !== 1) return false;
  }
  return true;
}
