import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PipelineError } from '@onet/model';

/**
 * The bundled page viewer (three.js + OrbitControls + the viewer app, one IIFE) that {@link viewerHtml}
 * inlines. Looks for `viewer.global.js` beside the running module (the built `dist/`) and in the package's
 * `dist/`; when running from source without a build, bundles src/viewer/app.ts with esbuild.
 * @throws PipelineError `INVALID_OPTION` when the viewer is neither built nor buildable from source (run `npm run build`).
 * @category Node
 */
export async function loadViewerScript(): Promise<string> {
  const candidates = [
    new URL('./viewer.global.js', import.meta.url),
    new URL('../viewer.global.js', import.meta.url),
    new URL('../../dist/viewer.global.js', import.meta.url),
  ];
  for (const u of candidates) {
    const p = fileURLToPath(u);
    if (existsSync(p)) return readFile(p, 'utf8');
  }
  const entry = fileURLToPath(new URL('../viewer/app.ts', import.meta.url));
  if (!existsSync(entry)) throw new PipelineError('INVALID_OPTION', 'the page viewer is not built; run `npm run build` in packages/cli');
  const esbuild = await import('esbuild');
  const out = await esbuild.build({ entryPoints: [entry], bundle: true, format: 'iife', minify: true, write: false, platform: 'browser', target: 'es2020' });
  return out.outputFiles[0].text;
}
