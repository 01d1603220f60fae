/**
 * The classical peers of compare-classical.ts (issue #22): Open3D's Screened Poisson and ball pivoting, run by
 * `classical.py` in the Python that imports open3d (`@onet/test-utils/peers`: `$ONET_PYTHON`, Debian's
 * `/usr/bin/python3`, `python3` on PATH), one thread, in a child process of this one. Points go to the peer and
 * meshes come back as files in a temporary folder (`.npy` in, `.npz` out), removed by {@link ClassicalPeer.close}.
 *
 * @example
 * ```ts
 * const peer = await startClassicalPeer();
 * if ('missing' in peer) console.log(peer.missing);  // "peer missing: apt-get install python3-open3d (…)"
 * else {
 *   const [poisson] = await peer.reconstruct(points, ['poisson8']);  // { method, mesh, cpuS, wallS } or { method, error }
 *   await peer.close();
 * }
 * ```
 */
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNpz, writeNpy, type TriangleMesh } from '@onet/io';
import { type PeerMissing, pythonPeer } from '@onet/test-utils/peers';

/** A classical method: Screened Poisson at an octree depth, or ball pivoting. */
export type ClassicalMethod = `poisson${number}` | 'bpa';

/** One method's answer: its mesh (in the input's frame) and its CPU and wall time in seconds, or its error. */
export type ClassicalResult =
  | { method: ClassicalMethod; mesh: TriangleMesh; cpuS: number; wallS: number; error?: undefined }
  | { method: ClassicalMethod; error: string; mesh?: undefined };

/** A running classical peer. */
export interface ClassicalPeer {
  /** Name and versions for tables, e.g. `Open3D 0.16.1 (Python 3.11.2, 1 thread)`; the versions once a run has answered. */
  readonly name: string;
  /**
   * Reconstruct `points` `[N·3]` with each method in turn (each estimates and orients its own normals; see
   * classical.py). A method that raises gives `{ method, error }`; the others still run.
   * @throws {PeerError} when the peer process dies or times out.
   */
  reconstruct(points: Float32Array, methods: readonly ClassicalMethod[]): Promise<ClassicalResult[]>;
  /** Ends the Python process and removes the temporary folder. */
  close(): Promise<void>;
}

/**
 * Start `classical.py` in the Python that imports numpy and open3d, on one thread.
 * @returns the peer, or `{ missing }` saying how to install Open3D (print it; report no number).
 * @throws {PeerError} `PEER_START_FAILED` when that Python imports open3d but the script fails to set up.
 */
export async function startClassicalPeer(options: { timeoutS?: number } = {}): Promise<ClassicalPeer | (PeerMissing & { name: string })> {
  const dir = mkdtempSync(join(tmpdir(), 'onet-classical-'));
  const code = readFileSync(new URL('./classical.py', import.meta.url), 'utf8');
  let peer: Awaited<ReturnType<typeof pythonPeer>>;
  try {
    peer = await pythonPeer({
      name: 'Open3D',
      modules: ['numpy', 'open3d'],
      code,
      args: [dir],
      threads: 1,
      timeoutS: options.timeoutS ?? 900,
    });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  if (!('run' in peer)) {
    rmSync(dir, { recursive: true, force: true });
    return peer;
  }
  const py = peer;
  let job = 0;
  const self: ClassicalPeer = {
    name: 'Open3D (1 thread)',
    async reconstruct(points, methods) {
      const id = String(job++);
      const pointsFile = join(dir, `${id}-points.npy`);
      writeFileSync(pointsFile, writeNpy(points, [points.length / 3, 3]));
      const jobFile = join(dir, 'job.json');
      writeFileSync(`${jobFile}.tmp`, JSON.stringify({ points: pointsFile, methods, out: join(dir, `${id}-`) }));
      renameSync(`${jobFile}.tmp`, jobFile);
      const answer = (await py.run()).value as {
        open3d: string;
        python: string;
        results: { method: ClassicalMethod; error?: string; file?: string; cpuS?: number; wallS?: number }[];
      };
      (self as { name: string }).name = `Open3D ${answer.open3d} (Python ${answer.python}, 1 thread)`;
      const out: ClassicalResult[] = [];
      for (const r of answer.results) {
        if (r.error !== undefined || !r.file) {
          out.push({ method: r.method, error: r.error ?? 'no mesh file' });
          continue;
        }
        const npz = parseNpz(new Uint8Array(readFileSync(r.file)), r.file);
        rmSync(r.file, { force: true });
        const v = npz.get('vertices');
        const f = npz.get('faces');
        if (!v || !f) throw new Error(`${r.file}: no vertices/faces arrays`);
        out.push({ method: r.method, mesh: { positions: Float32Array.from(v.data as ArrayLike<number>), indices: Uint32Array.from(f.data as ArrayLike<number>) }, cpuS: r.cpuS!, wallS: r.wallS! });
      }
      rmSync(pointsFile, { force: true });
      return out;
    },
    async close() {
      await py.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return self;
}

/** Number of boundary edges (edges of exactly one triangle) of a mesh: 0 for a closed mesh, > 0 for holes. */
export function boundaryEdges(mesh: TriangleMesh): number {
  const f = mesh.indices;
  const nv = mesh.positions.length / 3;
  const count = new Map<number, number>();
  for (let t = 0; t < f.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const a = f[t + k];
      const b = f[t + ((k + 1) % 3)];
      if (a === b) continue;
      const key = a < b ? a * nv + b : b * nv + a;
      count.set(key, (count.get(key) ?? 0) + 1);
    }
  }
  let n = 0;
  for (const c of count.values()) if (c === 1) n++;
  return n;
}
