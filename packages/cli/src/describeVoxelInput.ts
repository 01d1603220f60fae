import type { InputData, ReconstructFileResult } from '@onet/model/node';

/** One line about a voxel input for the CLI: the grid's size, occupied cells and where it sits. @internal */
export function describeVoxelInput(path: string, data: InputData, res: ReconstructFileResult): string {
  const cells = res.input.length;
  let occupied = 0;
  for (let i = 0; i < cells; i++) occupied += res.input[i];
  const R = Math.round(Math.cbrt(cells));
  const { loc, scale } = res.transform;
  const lo = loc.map((c) => +(c - scale / 2).toPrecision(6));
  const from = data.kind === 'mesh' ? 'mesh voxelised → ' : '';
  return `input: ${path} (${from}${R}³ voxels, ${occupied} occupied; grid box [${lo.join(', ')}] + ${+scale.toPrecision(6)})`;
}
