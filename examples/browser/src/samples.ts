import { parseGlb, parseMesh, parsePointCloud, type TriangleMesh } from '@onet/io';
import { parseVoxelFile, type DecodedImage, type VoxelGridInput } from '@onet/model';
import { decodePicture } from './picture.js';

/**
 * What the page reconstructs from: a mesh (points are drawn from it; it is also the ground truth), a point cloud, a
 * voxel grid (voxel task) or a decoded picture (image task).
 */
export type PageInput =
  | { kind: 'mesh'; name: string; mesh: TriangleMesh }
  | { kind: 'points'; name: string; points: Float32Array }
  | { kind: 'voxels'; name: string; voxels: VoxelGridInput }
  | { kind: 'image'; name: string; picture: DecodedImage };

/** A built-in sample. */
export interface Sample {
  id: string;
  label: string;
  load(): Promise<PageInput>;
}

async function fetchBytes(path: string): Promise<Uint8Array> {
  const url = new URL(path, document.baseURI);
  const r = await fetch(url);
  if (!r.ok) throw new Error(`could not fetch ${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

/** The built-in samples (files under public/samples; see the NOTICE there). */
export const SAMPLES: Sample[] = [
  {
    id: 'bunny',
    label: 'Stanford bunny (mesh, npm "bunny")',
    async load() {
      const mod = (await import('bunny')) as { positions: number[][]; cells: number[][]; default?: { positions: number[][]; cells: number[][] } };
      const b = mod.default ?? mod;
      return {
        kind: 'mesh',
        name: 'bunny',
        mesh: { positions: new Float32Array(b.positions.flat()), indices: new Uint32Array(b.cells.flat()) },
      };
    },
  },
  {
    id: 'cow',
    label: 'Cow (mesh, CGAL data, held out from training)',
    async load() {
      return { kind: 'mesh', name: 'cow', mesh: parseMesh(await fetchBytes('samples/cow.off'), { source: 'cow.off' }) };
    },
  },
  {
    id: 'triceratops-xyz',
    label: 'Triceratops (point cloud .xyz, 3000 points, held out)',
    async load() {
      return { kind: 'points', name: 'triceratops', points: parsePointCloud(await fetchBytes('samples/triceratops.xyz'), { source: 'triceratops.xyz' }).points };
    },
  },
];

/**
 * The image task's samples: 64² renders (`@onet/render`, the image models' default camera and seeded views) of meshes
 * that are not held out from the image model's evaluation, made by scripts/render-samples.ts (public/samples/image-*.png).
 */
export const IMAGE_SAMPLES: Sample[] = [
  ['elk', 'Elk (render 64², CGAL data)'],
  ['fandisk', 'Fandisk (render 64², CGAL data)'],
  ['rotor', 'Rotor (render 64², CGAL data)'],
  ['procedural-7', 'Procedural shape #7 (render 64²)'],
].map(([id, label]) => ({
  id,
  label,
  async load(): Promise<PageInput> {
    const file = `image-${id}.png`;
    return { kind: 'image', name: id, picture: await decodePicture(new Blob([(await fetchBytes(`samples/${file}`)) as BlobPart], { type: 'image/png' }), file) };
  },
}));

/** File extensions read as pictures (the image task's input), decoded by the browser. */
export const PICTURE_EXTENSIONS = ['png', 'jpg', 'jpeg'];

/** Largest file the page accepts (checked before reading it). */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

/**
 * Read a dropped or chosen file: PNG/JPEG are pictures (decoded by the browser); OFF/OBJ/STL/GLB are meshes; PLY is a mesh when it has faces, else a point
 * cloud; BINVOX/NPY are voxel grids, NPZ a voxel grid when it holds one, else a point cloud; XYZ/TXT/PTS are point
 * clouds.
 * @throws an `OnetIOError` (code, source, location) from @onet/io for unreadable files, `decodePicture`'s
 *   PipelineError for pictures, or an Error for size.
 */
export async function loadFile(file: File): Promise<PageInput> {
  if (file.size > MAX_FILE_BYTES) throw new Error(`${file.name} is ${(file.size / 2 ** 20).toFixed(0)} MiB; the page accepts files up to ${MAX_FILE_BYTES / 2 ** 20} MiB`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const name = file.name.replace(/\.[^.]+$/, '');
  const ext = /\.([a-z0-9]+)$/i.exec(file.name)?.[1].toLowerCase() ?? '';
  if (PICTURE_EXTENSIONS.includes(ext) || file.type.startsWith('image/')) return { kind: 'image', name, picture: await decodePicture(file, file.name) };
  if (ext === 'binvox' || ext === 'npy' || ext === 'npz') {
    const voxels = parseVoxelFile(bytes, file.name); // a 3-D occupancy grid, else (npz) undefined: a point cloud
    if (voxels) return { kind: 'voxels', name, voxels };
  }
  if (['xyz', 'txt', 'pts', 'npz', 'csv'].includes(ext)) return { kind: 'points', name, points: parsePointCloud(bytes, { source: file.name }).points };
  if (ext === 'glb') return { kind: 'mesh', name, mesh: await parseGlb(bytes, { source: file.name }) };
  if (ext === 'ply') {
    let mesh: TriangleMesh | undefined;
    try {
      mesh = parseMesh(bytes, { source: file.name });
    } catch {
      mesh = undefined;
    }
    if (mesh && mesh.indices.length > 0) return { kind: 'mesh', name, mesh };
    return { kind: 'points', name, points: parsePointCloud(bytes, { source: file.name }).points };
  }
  return { kind: 'mesh', name, mesh: parseMesh(bytes, { source: file.name }) };
}
