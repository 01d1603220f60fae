import { OnetIOError } from './errors.js';

/** A growable typed array of uint32 (triangle indices). @internal */
export class U32Builder {
  data: Uint32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Uint32Array(Math.max(16, capacity));
  }
  private grow(min: number): void {
    const next = new Uint32Array(Math.max(min, this.data.length * 2));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  push3(a: number, b: number, c: number): void {
    if (this.length + 3 > this.data.length) this.grow(this.length + 3);
    const d = this.data;
    d[this.length] = a;
    d[this.length + 1] = b;
    d[this.length + 2] = c;
    this.length += 3;
  }
  /** Fan-triangulate polygon `poly[0..n)` (v0, vi, vi+1). */
  pushFan(poly: ArrayLike<number>, n: number): void {
    for (let i = 1; i + 1 < n; i++) this.push3(poly[0], poly[i], poly[i + 1]);
  }
  finish(): Uint32Array {
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length);
  }
}

/** A growable typed array of float32 (positions). @internal */
export class F32Builder {
  data: Float32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Float32Array(Math.max(16, capacity));
  }
  push3(a: number, b: number, c: number): void {
    if (this.length + 3 > this.data.length) {
      const next = new Float32Array(this.data.length * 2);
      next.set(this.data.subarray(0, this.length));
      this.data = next;
    }
    const d = this.data;
    d[this.length] = a;
    d[this.length + 1] = b;
    d[this.length + 2] = c;
    this.length += 3;
  }
  finish(): Float32Array {
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length);
  }
}

/**
 * Throw `NON_FINITE` if a float32 array holds NaN or ±Infinity (also catches float64 values that overflow
 * float32). `what` names the array, `locate(i)` turns an element index into a location string.
 * @internal
 */
export function assertFinite(a: Float32Array, what: string, source: string, locate: (i: number) => string | undefined): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      throw new OnetIOError(
        'NON_FINITE',
        `${what} ${Math.floor(i / 3)} has a non-finite coordinate (${a[i]}); fix or remove it`,
        source,
        locate(i),
      );
    }
  }
}

/** Throw `INDEX_OUT_OF_RANGE` when an index is ≥ `count`. @internal */
export function assertIndices(idx: Uint32Array, count: number, source: string, locate?: (i: number) => string | undefined): void {
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] >= count) {
      throw new OnetIOError(
        'INDEX_OUT_OF_RANGE',
        `triangle ${Math.floor(i / 3)} refers to vertex ${idx[i]}, but there are only ${count} vertices`,
        source,
        locate?.(i),
      );
    }
  }
}

/** Refuse a mesh without triangles (it is a point cloud, or an empty file). @internal */
export function assertHasFaces(positions: Float32Array, indices: Uint32Array, source: string): void {
  if (positions.length === 0) throw new OnetIOError('EMPTY', 'the file has no vertices', source);
  if (indices.length === 0) {
    throw new OnetIOError('EMPTY', 'the file has vertices but no faces; read it with parsePointCloud', source);
  }
}
