import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** Create the destination folder (recursively) when it is missing. */
  mkdir?: boolean;
  /** Flush the temporary file to the disk before the rename (survives a power loss, not only a killed process). */
  fsync?: boolean;
}

/** Defaults of {@link WriteFileAtomicOptions}. */
export const WRITE_FILE_ATOMIC_DEFAULTS: Required<WriteFileAtomicOptions> = { mkdir: true, fsync: true };

/** Prefix of the temporary files {@link writeFileAtomic} writes beside `path` (`.<name>.tmp-<pid>-<random>`). */
export function atomicTempPrefix(path: string): string {
  return `.${basename(path)}.tmp-`;
}

/**
 * Write `data` to `path` atomically: the bytes go to a temporary file in the same folder
 * (`.<name>.tmp-<pid>-<random>`, created exclusively), are flushed, and the file is renamed over `path`. A
 * reader, or a process killed at any moment, sees either the old file or the new one, never a truncated one.
 * An existing file's permission bits are kept; a symlink at `path` is replaced by the file, not followed.
 * On failure the temporary file is removed and `path` is untouched.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from '@onet/io/node';
 * await writeFileAtomic('out/report.json', JSON.stringify(report));
 * ```
 * @throws the Node.js error of the failing call (`error.code`: `EACCES`, `ENOSPC`, `EISDIR`, `ENOTDIR`, …).
 * @category File I/O
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, options: WriteFileAtomicOptions = {}): Promise<void> {
  const opts = { ...WRITE_FILE_ATOMIC_DEFAULTS, ...options };
  const dir = dirname(path);
  if (opts.mkdir) await mkdir(dir, { recursive: true });
  const mode = await stat(path).then(
    (s) => (s.isFile() ? s.mode & 0o7777 : undefined),
    () => undefined,
  );
  const tmp = join(dir, `${atomicTempPrefix(path)}${process.pid}-${randomBytes(6).toString('hex')}`);
  const handle = await open(tmp, 'wx', mode ?? 0o666);
  try {
    try {
      await handle.writeFile(data);
      if (mode !== undefined) await handle.chmod(mode);
      if (opts.fsync) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
