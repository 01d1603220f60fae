import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shipped voxel model's folder (`packages/pipeline/models/voxels`), found from the source or the build. */
export function voxelModelDir(): string {
  for (const rel of ['../models/voxels', '../../models/voxels', '../../../models/voxels']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  return fileURLToPath(new URL('../../models/voxels', import.meta.url));
}
