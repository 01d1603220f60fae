/**
 * A literal, slow port of the reference's mise.pyx (std::map, vector of structs, full re-scan of every
 * known point per pass, no pruning) used only as an oracle for the optimised MISE class on inputs the
 * fixture does not cover (other depths, random fields, ties).
 */
interface Voxel { x: number; y: number; z: number; level: number; leaf: boolean; children: number[] }
interface GridPoint { x: number; y: number; z: number; value: number; known: boolean }

export class LiteralMise {
  voxels: Voxel[] = [];
  points: GridPoint[] = [];
  hash = new Map<number, number>();
  readonly vs0: number;
  readonly resolution: number;
  constructor(readonly r0: number, readonly depth: number, readonly threshold: number) {
    this.vs0 = 1 << depth;
    this.resolution = r0 * this.vs0;
    for (let i = 0; i < r0; i++) for (let j = 0; j < r0; j++) for (let k = 0; k < r0; k++)
      this.voxels.push({ x: i * this.vs0, y: j * this.vs0, z: k * this.vs0, level: 0, leaf: true, children: [] });
    for (let i = 0; i <= r0; i++) for (let j = 0; j <= r0; j++) for (let k = 0; k <= r0; k++)
      this.add(i * this.vs0, j * this.vs0, k * this.vs0);
  }
  key(x: number, y: number, z: number) { const n = this.resolution + 1; return (x * n + y) * n + z; }
  add(x: number, y: number, z: number) { this.hash.set(this.key(x, y, z), this.points.length); this.points.push({ x, y, z, value: 0, known: false }); }
  query(): number[] { return this.points.filter((p) => !p.known).flatMap((p) => [p.x, p.y, p.z]); }
  update(q: ArrayLike<number>, v: ArrayLike<number>) {
    for (let n = 0; n < v.length; n++) {
      const p = this.points[this.hash.get(this.key(q[3 * n], q[3 * n + 1], q[3 * n + 2]))!];
      p.value = v[n];
      p.known = true;
    }
    const pos = new Array(this.voxels.length).fill(false);
    const neg = new Array(this.voxels.length).fill(false);
    for (const p of this.points) {
      if (!p.known) continue;
      for (const i of [-1, 0]) for (const j of [-1, 0]) for (const k of [-1, 0]) {
        const idx = this.voxelIdx(p.x + i, p.y + j, p.z + k);
        if (idx === -1) continue;
        if (p.value >= this.threshold) pos[idx] = true;
        if (p.value <= this.threshold) neg[idx] = true;
      }
    }
    const n = this.voxels.length;
    for (let idx = 0; idx < n; idx++) {
      const vx = this.voxels[idx];
      if (!vx.leaf || vx.level === this.depth) continue;
      if (pos[idx] && neg[idx]) this.subdivide(idx);
    }
  }
  subdivide(idx: number) {
    const v = this.voxels[idx];
    const level = v.level + 1;
    const size = 1 << (this.depth - level);
    v.leaf = false;
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 2; k++) {
      v.children.push(this.voxels.length);
      this.voxels.push({ x: v.x + i * size, y: v.y + j * size, z: v.z + k * size, level, leaf: true, children: [] });
    }
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) {
      const x = v.x + i * size, y = v.y + j * size, z = v.z + k * size;
      if (!this.hash.has(this.key(x, y, z))) this.add(x, y, z);
    }
  }
  voxelIdx(x: number, y: number, z: number): number {
    const R = this.resolution;
    if (!(x >= 0 && x < R && y >= 0 && y < R && z >= 0 && z < R)) return -1;
    const d = this.depth;
    let idx = ((x >> d) * this.r0 + (y >> d)) * this.r0 + (z >> d);
    let rx = x - ((x >> d) << d), ry = y - ((y >> d) << d), rz = z - ((z >> d) << d);
    let size = this.vs0;
    while (!this.voxels[idx].leaf) {
      size >>= 1;
      const ox = rx >= size ? 1 : 0, oy = ry >= size ? 1 : 0, oz = rz >= size ? 1 : 0;
      idx = this.voxels[idx].children[ox * 4 + oy * 2 + oz];
      rx -= ox * size; ry -= oy * size; rz -= oz * size;
    }
    return idx;
  }
}
