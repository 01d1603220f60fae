import { LocalVoxelEncoder, VoxelEncoder, voxelGridPadding } from '@onet/encoders';
import { LocalDecoder } from '@onet/decoder-local';
import { DecoderCBatchNorm } from '@onet/decoder-cbn';
import { PipelineError } from './errors.js';
import type { ModelConfig } from './model.js';

/** The encoders a voxel model uses: the paper's 3D CNN (global code) or the local feature grid. */
export type VoxelEncoderModule = VoxelEncoder | LocalVoxelEncoder;

/** True when the model takes an occupancy grid (`config.input === 'voxels'`). */
export function isVoxelModel(config: Pick<ModelConfig, 'input'>): boolean {
  return config.input === 'voxels';
}

/**
 * Encoder and decoder of a voxel model (`input: 'voxels'`, ONet §4.3 voxel super-resolution):
 * - `kind: 'onet'`: the paper's {@link VoxelEncoder} (3D CNN, 32³ → code `cDim`) + CBN decoder (`decoderHidden`);
 * - `kind: 'conv-onet'`: {@link LocalVoxelEncoder} (Conv3d 1→`cDim` on the voxels, a 3D U-Net of `unet3dLevels`
 *   levels, `unet3dFilters` maps, on the `voxelResolution³` feature grid) + `LocalDecoder` sampling the grid
 *   trilinearly, each grid value at its voxel's centre (CON's voxel grid configs).
 * @internal
 */
export function buildVoxelNet(config: ModelConfig): { encoder: VoxelEncoderModule; decoder: LocalDecoder | DecoderCBatchNorm } {
  const R = config.voxelResolution ?? 32;
  if (config.kind === 'onet') {
    return {
      encoder: new VoxelEncoder({ cDim: config.cDim }),
      decoder: new DecoderCBatchNorm({ cDim: config.cDim, hidden: config.decoderHidden }),
    };
  }
  const levels = config.unet3dLevels ?? 3;
  return {
    encoder: new LocalVoxelEncoder({ cDim: config.cDim, resolution: R, unet3d: levels > 0 ? { levels, startFilters: config.unet3dFilters ?? 32 } : false }),
    decoder: new LocalDecoder({ cDim: config.cDim, hidden: config.decoderHidden, padding: voxelGridPadding(R) }),
  };
}

/**
 * Check the voxel fields of a model config: `input` absent, `points`, `voxels` or `image`; for voxels `voxelResolution` an
 * integer in [2, 256] (32 for `onet`, whose 3D CNN is sized for it), divisible by 2^(unet3dLevels − 1) for `conv-onet`.
 * @throws PipelineError `BAD_MODEL`.
 * @internal
 */
export function checkVoxelConfig(cfg: ModelConfig): void {
  if (cfg.input !== undefined && cfg.input !== 'points' && cfg.input !== 'voxels' && cfg.input !== 'image') {
    throw new PipelineError('BAD_MODEL', `model config input must be "points", "voxels" or "image", got ${JSON.stringify(cfg.input)}`);
  }
  if (!isVoxelModel(cfg)) return;
  const R = cfg.voxelResolution ?? 32;
  if (!Number.isInteger(R) || R < 2 || R > 256) throw new PipelineError('BAD_MODEL', `voxelResolution must be an integer in [2, 256], got ${R}`);
  if (cfg.kind === 'onet' && R !== 32) throw new PipelineError('BAD_MODEL', `the onet voxel encoder (the paper's 3D CNN) takes 32³ grids; voxelResolution is ${R}`);
  if (cfg.kind === 'conv-onet') {
    const l = cfg.unet3dLevels ?? 3;
    if (!Number.isInteger(l) || l < 0 || l > 6 || (l > 0 && R % 2 ** (l - 1) !== 0)) {
      throw new PipelineError('BAD_MODEL', `unet3dLevels ${l} needs voxelResolution divisible by 2^(levels−1); got ${R}`);
    }
    const f = cfg.unet3dFilters;
    if (f !== undefined && (!Number.isInteger(f) || f < 1 || f > 4096)) throw new PipelineError('BAD_MODEL', `model config unet3dFilters must be a positive integer, got ${f}`);
  }
}

/**
 * Check an occupancy grid for a voxel model of side `R`: `[R³]` values 0/1, at least one occupied and one empty cell.
 * @returns the number of cells.
 * @throws PipelineError `BAD_VOXEL_GRID` (wrong size, naming the expected shape; values other than 0/1; every
 *   cell occupied), `EMPTY_INPUT` (no cell occupied), `INVALID_OPTION` (not a typed array).
 * @internal
 */
export function checkVoxelInput(grid: ArrayLike<number>, R: number): number {
  if (!(grid instanceof Float32Array || grid instanceof Uint8Array)) throw new PipelineError('INVALID_OPTION', `a voxel grid must be a Float32Array or Uint8Array [${R}·${R}·${R}]`);
  const n = R * R * R;
  if (grid.length !== n) {
    const side = Math.round(Math.cbrt(grid.length));
    const got = side ** 3 === grid.length ? `${side}×${side}×${side}` : `${grid.length} values`;
    throw new PipelineError('BAD_VOXEL_GRID', `this model takes a ${R}×${R}×${R} occupancy grid (${n} cells), got ${got}; resample the grid to ${R}³ (or voxelise the mesh: --input voxels)`);
  }
  let occupied = 0;
  for (let i = 0; i < n; i++) {
    const v = grid[i];
    if (v === 1) occupied++;
    else if (v !== 0) throw new PipelineError('BAD_VOXEL_GRID', `voxel grid values must be 0 or 1, got ${v} at cell ${i}`);
  }
  if (occupied === 0) throw new PipelineError('EMPTY_INPUT', 'the voxel grid is empty (no occupied cell): there is no shape to reconstruct');
  if (occupied === n) throw new PipelineError('BAD_VOXEL_GRID', `every cell of the ${R}³ voxel grid is occupied: the shape fills the whole box, so its surface is not in the grid; pad the grid or scale the shape down`);
  return n;
}
