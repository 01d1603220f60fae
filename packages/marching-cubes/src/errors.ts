/** Codes of {@link MarchingCubesRangeError}. */
export type MarchingCubesRangeErrorCode =
  /** `dims` is not three positive integers. */
  | 'INVALID_DIMS'
  /** `values.length` differs from nx·ny·nz. */
  | 'LENGTH_MISMATCH'
  /** The grid has more edges than a Uint32 vertex index can address, or the mesh exceeds typed-array limits. */
  | 'GRID_TOO_LARGE'
  /** An option has an invalid value (non-finite origin, non-positive spacing, NaN level, …). */
  | 'INVALID_OPTION';

/**
 * Bad grid shape or option, thrown before any large allocation. Extends `RangeError`; switch on `code`.
 */
export class MarchingCubesRangeError extends RangeError {
  override readonly name = 'MarchingCubesRangeError';
  constructor(readonly code: MarchingCubesRangeErrorCode, message: string) {
    super(message);
  }
}

/**
 * The grid holds a NaN (thrown with the default `nan: 'error'`). `index` is the first NaN in C order and
 * `i`, `j`, `k` its grid coordinates. Fix the field, or pass `nan: 'outside'` to treat NaN as below level.
 */
export class MarchingCubesNaNError extends Error {
  override readonly name = 'MarchingCubesNaNError';
  readonly code = 'NAN_VALUE' as const;
  constructor(
    readonly index: number,
    readonly i: number,
    readonly j: number,
    readonly k: number,
    where = 'marchingCubes',
    hint = ` Fix the field, or pass { nan: 'outside' } to treat NaN nodes as outside (below level).`
  ) {
    super(`${where}: values[${index}] (i=${i}, j=${j}, k=${k}) is NaN.${hint}`);
  }
}

/**
 * Throw {@link MarchingCubesNaNError} for the NaN at C-order `index` of an `[nx, ny, nz]` grid, with its (i, j, k).
 * `where` and `hint` as the error's constructor. @internal
 */
export function throwNaNAt(index: number, ny: number, nz: number, where?: string, hint?: string): never {
  const k = index % nz;
  const ij = (index - k) / nz;
  const j = ij % ny;
  const i = (ij - j) / ny;
  throw new MarchingCubesNaNError(index, i, j, k, where, hint);
}

/** `values` is not a Float32Array or Float64Array (code `INVALID_VALUES`). Extends `TypeError`. */
export class MarchingCubesTypeError extends TypeError {
  override readonly name = 'MarchingCubesTypeError';
  readonly code = 'INVALID_VALUES' as const;
}
