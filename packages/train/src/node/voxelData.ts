import { mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TriangleMesh } from '@onet/io';
import { voxelizeMesh } from '@onet/sampling';
import { isVoxelModel, type ModelConfig } from '@onet/model';

/**
 * The voxel inputs of a voxel model's training shapes (`model.input === 'voxels'`), else undefined: a function that
 * gives the `voxelizeMesh` grid (`[R³]`, unit cube, surface + fill) of a shape's normalised, augmented mesh, cached
 * under `<cacheDir>/voxels/` by shape key, source hash and resolution (the mesh is only built on a cache miss).
 * @internal
 */
export function voxelInputs(model: ModelConfig, cacheDir: string): ((key: string, mesh: () => TriangleMesh, source?: string) => Promise<Uint8Array>) | undefined {
  if (!isVoxelModel(model)) return undefined;
  const R = model.voxelResolution ?? 32;
  return async (key, mesh, source) => {
    const path = join(cacheDir, 'voxels', `${key.replace(/[^A-Za-z0-9_.#-]/g, '_')}-${source ?? 'gen'}-r${R}.bin`);
    if (existsSync(path)) {
      const b = await readFile(path);
      if (b.length === R * R * R) return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    }
    const v = voxelizeMesh(mesh(), { resolution: R });
    await mkdir(join(cacheDir, 'voxels'), { recursive: true });
    const tmp = `${path}.tmp${process.pid}`;
    await writeFile(tmp, v);
    await rename(tmp, path);
    return v;
  };
}
