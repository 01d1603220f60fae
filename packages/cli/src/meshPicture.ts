import { writeFileAtomic } from '@onet/io/node';
import type { TriangleMesh } from '@onet/io';
import type { MiseProgress } from '@onet/mise';
import { PipelineError, type GenerateMeshOptions, type ImageConditionableModel, type OccupancyEnsemble, type OccupancyNetwork } from '@onet/model';
import { encodePng, writeMeshFile } from '@onet/model/node';
import { reconstructImageView } from '@onet/train';
import { formatMetrics, formatStats } from './format.js';

/** What `onet reconstruct mesh --input image` needs besides the model and the mesh. @internal */
export interface MeshPictureOptions {
  /** The input's path (for messages). */
  input: string;
  /** Output mesh file. */
  output: string;
  /** Where to write the rendered picture (PNG), if anywhere. */
  saveInput?: string | undefined;
  viewSeed: number;
  /** Ground truth in the input mesh's frame (default: the input mesh). */
  gt?: TriangleMesh | undefined;
  evalPoints: number;
  seed: number;
  generation: GenerateMeshOptions;
  /** A MISE progress bar factory. */
  onProgress: () => { onProgress: (p: MiseProgress) => void; stop: () => void };
}

/**
 * `onet reconstruct mesh.off --input image`: render the mesh as image models are trained on it (normalised, fitted in
 * the radius-½ sphere, a seeded view of the model's camera), reconstruct from the picture, score against the ground
 * truth (the mesh itself unless `--gt`) and the silhouette-extrusion baseline, all in that view's frame; write the
 * mesh (in the view frame) and, when asked, the picture. Disposes the model. @internal
 * @throws PipelineError `INVALID_OPTION` (not an image model), `EMPTY_OUTPUT` (nothing written), write errors.
 */
export async function reconstructMeshPicture(model: OccupancyNetwork | OccupancyEnsemble, mesh: TriangleMesh, o: MeshPictureOptions): Promise<{ lines: string[]; result: Record<string, unknown> }> {
  const bar = o.onProgress();
  let r;
  try {
    const kind = (model.config as { input?: string }).input;
    if (kind !== 'image') {
      throw new PipelineError('INVALID_OPTION', `--input image needs an image model (model.json with "input": "image"); this model takes ${'members' in model ? 'points (an ensemble)' : (kind ?? 'points')}`);
    }
    r = await reconstructImageView(model as ImageConditionableModel, mesh, {
      ...o.generation,
      onProgress: bar.onProgress,
      viewSeed: o.viewSeed,
      gt: o.gt,
      baseline: true,
      evalPoints: o.evalPoints,
      evalSeed: o.seed,
    });
  } finally {
    bar.stop();
    model.dispose();
  }
  const { view, result, metrics, baseline } = r;
  if (result.mesh.indices.length === 0) {
    throw new PipelineError('EMPTY_OUTPUT', `${o.input}: the reconstruction is empty (no surface at τ = ${result.stats.threshold}); nothing was written. Try another --view-seed or a lower threshold`);
  }
  await writeMeshFile(o.output, result.mesh);
  const S = view.camera.width;
  if (o.saveInput) {
    await writeFileAtomic(o.saveInput, encodePng(view.image, S, S));
  }
  const deg = (a: number) => ((a * 180) / Math.PI).toFixed(1);
  const lines = [
    `input: ${o.input} (mesh rendered as a ${S}² picture from view seed ${o.viewSeed}: azimuth ${deg(view.camera.azimuth)}°, elevation ${deg(view.camera.elevation)}°; the mesh normalised and fitted in the radius-½ sphere as in training)`,
    `frame: the output mesh and the metrics are in that view's frame (x right, y up, the camera on +z at distance ${view.camera.distance}; world → view rotation ${JSON.stringify(view.camera.rotation.map((v) => Number(v.toFixed(4))))})`,
    formatStats(result.stats),
    ...(metrics ? [formatMetrics(metrics, 'model     ')] : []),
    ...(baseline?.metrics ? [formatMetrics(baseline.metrics, 'silhouette')] : []),
    ...(o.saveInput ? [`wrote ${o.saveInput} (the rendered picture)`] : []),
    `wrote ${o.output}`,
  ];
  return {
    lines,
    result: {
      output: o.output,
      frame: 'view',
      view: { seed: o.viewSeed, azimuth: view.camera.azimuth, elevation: view.camera.elevation, rotation: view.camera.rotation, distance: view.camera.distance, size: S },
      stats: result.stats,
      metrics: metrics ?? null,
      silhouetteMetrics: baseline?.metrics ?? null,
      ...(o.saveInput ? { savedInput: o.saveInput } : {}),
      warnings: [],
    },
  };
}
