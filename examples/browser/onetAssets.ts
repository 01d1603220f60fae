import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

/** A folder of files served (dev) and copied into the build (build) under a URL prefix. */
export interface AssetFolder {
  /** URL prefix relative to the app's base, e.g. `models/default/`. */
  prefix: string;
  /** Absolute folder on disk. */
  dir: string;
  /** Which file names to take (default: all plain files); subfolders are walked too (an ensemble's members). */
  include?: RegExp;
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The folders the page fetches at run time: the shipped models (`packages/models/default`: the ensemble's
 * model.json and each member's model.json, weights.bin, config.json in its subfolder; `voxels` for the voxel task;
 * `chair-vae` for the sample task; `image` for the image task) and the tfjs wasm binaries (`setWasmPaths`, so no CDN is used).
 */
export const ONET_ASSET_FOLDERS: AssetFolder[] = [
  { prefix: 'models/default/', dir: join(repoRoot, 'packages/models/default'), include: /^(model\.json|weights\.bin|config\.json)$/ },
  { prefix: 'models/voxels/', dir: join(repoRoot, 'packages/models/voxels'), include: /^(model\.json|weights\.bin|config\.json)$/ },
  { prefix: 'models/chair-vae/', dir: join(repoRoot, 'packages/models/chair-vae'), include: /^(model\.json|weights\.bin|config\.json)$/ },
  { prefix: 'models/image/', dir: join(repoRoot, 'packages/models/image'), include: /^(model\.json|weights\.bin|config\.json)$/ },
  { prefix: 'tfjs-wasm/', dir: join(repoRoot, 'node_modules/@tensorflow/tfjs-backend-wasm/dist'), include: /\.wasm$/ },
];

const MIME: Record<string, string> = {
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
};

/** Files of `folder` (paths relative to it, `/`-separated), walking subfolders. */
function listFiles(folder: AssetFolder, sub = ''): string[] {
  const dir = join(folder.dir, sub);
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    const rel = sub ? `${sub}/${f}` : f;
    const st = statSync(join(dir, f));
    if (st.isDirectory()) out.push(...listFiles(folder, rel));
    else if (st.isFile() && (folder.include ? folder.include.test(f) : true)) out.push(rel);
  }
  return out;
}

/**
 * Vite plugin: serve {@link ONET_ASSET_FOLDERS} from the dev server and emit them into the build, so the
 * model and the wasm binaries are part of the app (reading them fresh each time: the model may be retrained).
 * A missing folder is skipped (the page then says the model is untrained / wasm is unavailable).
 */
export function onetAssets(folders: AssetFolder[] = ONET_ASSET_FOLDERS): Plugin {
  let base = '/';
  return {
    name: 'onet-assets',
    configResolved(config) {
      base = config.base;
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = decodeURIComponent((req.url ?? '').split('?')[0]);
        for (const folder of folders) {
          const prefix = `${base}${folder.prefix}`;
          if (!url.startsWith(prefix)) continue;
          const name = url.slice(prefix.length);
          if (!listFiles(folder).includes(name)) break;
          res.setHeader('Content-Type', MIME[extname(name)] ?? 'application/octet-stream');
          res.setHeader('Cache-Control', 'no-cache');
          res.end(readFileSync(join(folder.dir, name)));
          return;
        }
        next();
      });
    },
    generateBundle() {
      for (const folder of folders) {
        for (const name of listFiles(folder)) {
          this.emitFile({ type: 'asset', fileName: `${folder.prefix}${name}`, source: readFileSync(join(folder.dir, name)) });
        }
      }
    },
  };
}
