import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { writeFile, rename } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { threadId } from 'node:worker_threads';
import { PipelineError } from '@onet/model';

/**
 * Register tfjs's gradients in Node. tfjs-core's CJS bundle (what Node loads) registers none and its ESM
 * `register_all_gradients` cannot be imported by Node's ESM resolver (extensionless imports), so on first use
 * this bundles that module with esbuild (a dev dependency of the monorepo) into the OS temp folder and
 * requires it; the gradients land in tfjs's global registry. No-op when gradients are already there.
 */
export async function ensureNodeGradients(): Promise<void> {
  if (tf.getGradient('RealDiv')) return;
  try {
    await import('@tensorflow/tfjs-core/dist/register_all_gradients' as string);
    if (tf.getGradient('RealDiv')) return;
  } catch {
    // Node's resolver: fall through to the bundled copy
  }
  const req = createRequire(import.meta.url);
  const out = join(tmpdir(), `onet-tfjs-gradients-${tf.version_core}.cjs`);
  if (!existsSync(out)) {
    let esbuild: { buildSync(o: unknown): { outputFiles: { contents: Uint8Array }[] } };
    try {
      esbuild = req('esbuild');
    } catch {
      throw new PipelineError('INVALID_OPTION', 'training in Node needs esbuild (installed with the monorepo dev dependencies: run `npm ci`)');
    }
    const coreDir = dirname(req.resolve('@tensorflow/tfjs-core/package.json'));
    const r = esbuild.buildSync({
      stdin: { contents: "import '@tensorflow/tfjs-core/dist/register_all_gradients';", resolveDir: dirname(coreDir) },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      write: false,
      minify: true,
      logLevel: 'error',
    });
    const tmp = `${out}.${process.pid}.${threadId}`; // worker threads share the pid
    await writeFile(tmp, r.outputFiles[0].contents);
    await rename(tmp, out);
  }
  req(out);
  if (!tf.getGradient('RealDiv')) throw new PipelineError('INVALID_OPTION', 'could not register the tfjs gradients');
}

