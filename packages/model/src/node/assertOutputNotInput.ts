import { stat } from 'node:fs/promises';
import { PipelineError } from '../errors.js';

async function identity(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path); // follows symlinks
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * Refuse an output path that is one of the inputs, before any work: `output` and each input are compared by
 * device and inode (after symlinks), so a symlink, a hard link, `./x/../in.off`, or `IN.OFF` on a
 * case-insensitive file system all count as the same file. Outputs that do not exist yet pass; inputs that do
 * not exist are ignored (their readers report them).
 *
 * @example
 * ```ts
 * await assertOutputNotInput('in.off', ['in.off']); // throws OUTPUT_IS_INPUT
 * ```
 * @throws {@link PipelineError} `OUTPUT_IS_INPUT` naming both paths.
 * @category Node
 */
export async function assertOutputNotInput(output: string, inputs: Array<string | undefined>): Promise<void> {
  const out = await identity(output);
  if (out === undefined) return;
  for (const input of inputs) {
    if (input === undefined) continue;
    if ((await identity(input)) === out) {
      throw new PipelineError(
        'OUTPUT_IS_INPUT',
        `the output ${output} is the input ${input}; writing it would destroy the input: choose another output path`,
      );
    }
  }
}
