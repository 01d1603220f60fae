/**
 * Render the image task's sample pictures (examples/browser/public/samples/image-*.png): 64² PNGs of meshes that are
 * not held out from the image model's evaluation, seen as the model was trained to see them (`renderImageView` of
 * `@onet/train`: each mesh normalised, fitted in the radius-½ sphere and rendered by `@onet/render`, flat two-sided
 * shading on white, from a seeded view of the image models' default camera `DEFAULT_IMAGE_CAMERA`: 30° fov at
 * distance 2.2, elevations −20°…50°, 64²). Deterministic: rerunning rewrites the same bytes.
 *
 *   npx tsx examples/browser/scripts/render-samples.ts      # after `node scripts/fetch-meshes.mjs --if-missing`
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMesh, type TriangleMesh } from '@onet/io';
import { encodePng } from '@onet/model/node';
import { proceduralShape, renderImageView } from '@onet/train';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const out = fileURLToPath(new URL('../public/samples/', import.meta.url));
const mesh = (file: string): TriangleMesh => parseMesh(new Uint8Array(readFileSync(join(repo, 'data/meshes', file))), { source: file });

/** The samples: `image-<id>.png` from `mesh` and view seed `seed` (ids are listed in src/samples.ts). */
const IMAGE_SAMPLE_SOURCES: { id: string; mesh: () => TriangleMesh; seed: number }[] = [
  { id: 'elk', mesh: () => mesh('elk.off'), seed: 11 },
  { id: 'fandisk', mesh: () => mesh('fandisk.off'), seed: 12 },
  { id: 'rotor', mesh: () => mesh('rotor.off'), seed: 13 },
  { id: 'procedural-7', mesh: () => proceduralShape(7).mesh, seed: 14 },
];

for (const s of IMAGE_SAMPLE_SOURCES) {
  const { image: rgb, camera } = renderImageView(s.mesh(), {}, s.seed);
  const { width, height } = camera;
  const file = join(out, `image-${s.id}.png`);
  writeFileSync(file, encodePng(rgb, width, height));
  const deg = (r: number) => ((r * 180) / Math.PI).toFixed(1);
  console.log(`${file}: ${width}×${height}, view seed ${s.seed} (azimuth ${deg(camera.azimuth)}°, elevation ${deg(camera.elevation)}°)`);
}
