import { isPointCloudModel, type ConditionedShape, type ModelConfig, type OccupancyNetwork } from './model.js';
import { PipelineError } from './errors.js';
import { checkGenerationSettings, type GenerationSettings } from './generationSettings.js';
import type { InputSizeThreshold } from './threshold.js';
import * as tf from '@tensorflow/tfjs-core';
import { TEST_TIME_AUGMENTATIONS, conditionUnderSymmetry, optimizableUnderSymmetry, type CubeSymmetry, type TestTimeAugmentation } from './augment.js';
import type { OptimizableShape, TestTimeOptimizationOptions } from './testTimeOptimization.js';

/**
 * Average the occupancy logits of several conditioned shapes (e.g. the same input encoded by a planes model and a
 * grid model): `logits(p) = (1/K) Σ_k logits_k(p)`, evaluated member by member on the same query points `[N·3]`
 * (unit-cube frame) → `[N]`. The result plugs into `generateMesh` like a single shape; `dispose()` disposes every
 * member. Members must share the coordinate frame (same `padding` and normalisation). Not in the reference.
 * @throws PipelineError `INVALID_OPTION` for an empty list, or (from `logits`) when a member returns a wrong length.
 */
export function ensembleShape(members: ConditionedShape[]): ConditionedShape {
  if (!Array.isArray(members) || members.length === 0) throw new PipelineError('INVALID_OPTION', 'ensembleShape needs at least one conditioned shape');
  let disposed = false;
  return {
    async logits(points: Float32Array): Promise<Float32Array> {
      if (disposed) throw new PipelineError('INVALID_OPTION', 'this ensemble was disposed');
      const n = points.length / 3;
      const sum = new Float32Array(n);
      for (const m of members) {
        const l = await m.logits(points);
        if (l.length !== n) throw new PipelineError('INVALID_OPTION', `an ensemble member returned ${l.length} logits for ${n} points`);
        for (let i = 0; i < n; i++) sum[i] += l[i];
      }
      const k = members.length;
      for (let i = 0; i < n; i++) sum[i] /= k;
      return sum;
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      for (const m of members) m.dispose();
    },
  };
}

/**
 * `model.json` of an ensemble model folder: `{ "format": "onet-ensemble", "version": 1, "members": ["planes",
 * "grid"] }`. Each member is a subfolder (relative, inside the ensemble's folder) holding an ordinary `model.json` +
 * `weights.bin`. Read by `loadModel` (Node) and by the browser demo.
 */
export interface EnsembleManifest {
  format: 'onet-ensemble';
  version: 1;
  /** Member subfolders, e.g. `["planes", "grid"]`. */
  members: string[];
  /** Free text for people (what the members are, how they were chosen). */
  description?: string;
  /** Generation threshold τ of the ensemble (chosen on validation shapes); absent: the first member's, else 0.2. */
  threshold?: number;
  /** τ by encoder input size (see `ModelConfig.thresholdByInputPoints`); wins over `threshold` when the size is known. */
  thresholdByInputPoints?: InputSizeThreshold[];
  /** Fill enclosed cavities at generation (`GenerateMeshOptions.fillCavities`); absent: the first member's, else off. */
  fillCavities?: boolean;
  /** Test-time augmentation (see {@link TestTimeAugmentation}); absent: `'none'`. */
  testTimeAugmentation?: TestTimeAugmentation;
  /** Test-time optimisation of the encoding (`true`/`{}` = its defaults, or options); absent: the first member's, else off. */
  testTimeOptimization?: boolean | TestTimeOptimizationOptions;
}

/**
 * The member folders of an ensemble `model.json`, or `undefined` when `json` is an ordinary model.
 * @throws PipelineError `BAD_MODEL` for an ensemble manifest with no members, an unknown version, or a member
 *   path that is not a plain subfolder (absolute, `..`, backslashes, empty).
 */
export function ensembleMembers(json: unknown): string[] | undefined {
  return parseEnsembleManifest(json)?.members;
}

/**
 * A member path that stays inside the ensemble's folder on disk and under its URL: `/`-separated segments of
 * `[A-Za-z0-9_.-]`, none of them `.` or `..` (so no `%2e%2e`, `https:…`, `\`, absolute or empty paths).
 */
export function isMemberPath(p: unknown): p is string {
  return typeof p === 'string' && p.split('/').every((s) => /^[A-Za-z0-9_.-]+$/.test(s) && s !== '.' && s !== '..');
}

/**
 * An ensemble `model.json` checked, or `undefined` when `json` is an ordinary model.
 * @throws PipelineError `BAD_MODEL` as {@link ensembleMembers}, and for bad generation settings (a threshold outside
 *   (0, 1), a malformed thresholdByInputPoints, a fillCavities that is not a boolean).
 */
export function parseEnsembleManifest(json: unknown): EnsembleManifest | undefined {
  if (typeof json !== 'object' || json === null || (json as { format?: unknown }).format !== 'onet-ensemble') return undefined;
  const m = json as Partial<EnsembleManifest>;
  if (m.version !== 1) throw new PipelineError('BAD_MODEL', `ensemble model.json: version ${JSON.stringify(m.version)} is not supported (expected 1)`);
  if (!Array.isArray(m.members) || m.members.length === 0) throw new PipelineError('BAD_MODEL', 'ensemble model.json: "members" must be a non-empty list of subfolders');
  for (const p of m.members) {
    if (!isMemberPath(p)) {
      throw new PipelineError('BAD_MODEL', `ensemble model.json: member ${JSON.stringify(p)} must be a subfolder of the ensemble's folder: '/'-separated names of letters, digits, '_', '-', '.' (no "..", no absolute paths or URLs)`);
    }
  }
  if (new Set(m.members).size !== m.members.length) throw new PipelineError('BAD_MODEL', 'ensemble model.json: a member is listed twice');
  checkGenerationSettings(m, 'ensemble model.json:');
  return m as EnsembleManifest;
}

/** What an {@link OccupancyEnsemble} shares with its members: the fields generation and input sampling read. */
export interface EnsembleConfig {
  kind: 'ensemble';
  /** Encoder input size: the largest of the members'. */
  inputPoints: number;
  /** Input noise the members were trained with (the first member's). */
  noiseStd: number;
  /** Padding of the unit cube (the same for every member). */
  padding: number;
  /** Generation threshold τ: the ensemble's own (manifest), else the first member's; absent = 0.2. */
  threshold?: number;
  /** τ by encoder input size: the ensemble's own (manifest), else the first member's (see `threshold`). */
  thresholdByInputPoints?: InputSizeThreshold[];
  /** Fill enclosed cavities at generation: the ensemble's own (manifest), else the first member's; absent = off. */
  fillCavities?: boolean;
  /** Test-time augmentation: each member encodes the input under each of its cube symmetries. */
  testTimeAugmentation: TestTimeAugmentation;
  /** Test-time optimisation at generation: the ensemble's own (manifest), else the first member's; absent = off. */
  testTimeOptimization?: boolean | TestTimeOptimizationOptions;
  /** The members' own configs. */
  members: ModelConfig[];
}

/**
 * Several trained networks used as one model: the same input cloud is encoded by each and the occupancy logits are
 * averaged ({@link ensembleShape}). With `testTimeAugmentation`, each member also encodes the cloud under cube
 * symmetries and is queried alike (`'half-turns'`: 4 encodings per member, about 4× the time), and all the logits are
 * averaged. Drop-in for an `OccupancyNetwork` wherever a `ConditionableModel` is taken
 * (`reconstruct`, the CLI, the demo). Not in the references; measured in `models/default/README.md`.
 * `options`: the ensemble's generation settings (its manifest's). τ comes from `options` when it gives `threshold` or
 * `thresholdByInputPoints` (both taken from there), else from the first member; `fillCavities` and
 * `testTimeOptimization` from `options`, else the first member.
 * @throws PipelineError `BAD_MODEL` for no members, members with different `padding` (different query frames), a
 *   threshold outside (0, 1), a bad thresholdByInputPoints, a fillCavities that is not a boolean, an unknown
 *   testTimeAugmentation, or a testTimeOptimization on members that are not point-cloud models.
 */
export class OccupancyEnsemble {
  readonly config: EnsembleConfig;
  constructor(
    readonly members: OccupancyNetwork[],
    options: GenerationSettings = {},
  ) {
    if (!Array.isArray(members) || members.length === 0) throw new PipelineError('BAD_MODEL', 'an ensemble needs at least one member network');
    const padding = members[0].config.padding;
    for (const m of members) {
      if (m.config.padding !== padding) throw new PipelineError('BAD_MODEL', `ensemble members disagree on padding (${padding} vs ${m.config.padding}): their query frames differ`);
    }
    checkGenerationSettings(options, 'ensemble');
    if (options.testTimeOptimization !== undefined && !members.every((m) => isPointCloudModel(m.config))) {
      throw new PipelineError('BAD_MODEL', 'ensemble testTimeOptimization is a point-cloud model setting; its members are not point-cloud models');
    }
    this.config = {
      kind: 'ensemble',
      inputPoints: Math.max(...members.map((m) => m.config.inputPoints)),
      noiseStd: members[0].config.noiseStd,
      padding,
      testTimeAugmentation: options.testTimeAugmentation ?? 'none',
      members: members.map((m) => m.config),
    };
    // a member's settings were checked with its config
    // τ as a whole from one place: a manifest's single τ must not be overridden by a member's table
    const tau = options.threshold !== undefined || options.thresholdByInputPoints !== undefined ? options : members[0].config;
    if (tau.threshold !== undefined) this.config.threshold = tau.threshold;
    if (tau.thresholdByInputPoints !== undefined) this.config.thresholdByInputPoints = tau.thresholdByInputPoints.map((e) => ({ ...e }));
    const fillCavities = options.fillCavities ?? members[0].config.fillCavities;
    if (fillCavities !== undefined) this.config.fillCavities = fillCavities;
    const tto = options.testTimeOptimization ?? members[0].config.testTimeOptimization;
    if (tto !== undefined) this.config.testTimeOptimization = typeof tto === 'object' ? { ...tto } : tto;
  }

  /**
   * Encode a point cloud `[N·3]` (unit-cube frame) with every member (under each symmetry of
   * `config.testTimeAugmentation`); the shape answers mean logits.
   * @throws PipelineError as `OccupancyNetwork.condition` (no member encodings are left behind).
   */
  condition(pointCloud: Float32Array): ConditionedShape {
    return ensembleShape(this.encodeMembers((m, s) => conditionUnderSymmetry(m, pointCloud, s)));
  }

  /** `encode` for every member under each symmetry of `config.testTimeAugmentation`; on a throw, those made are disposed. */
  private encodeMembers<T extends { dispose(): void }>(encode: (m: OccupancyNetwork, s: CubeSymmetry) => T): T[] {
    const shapes: T[] = [];
    try {
      for (const m of this.members) {
        for (const s of TEST_TIME_AUGMENTATIONS[this.config.testTimeAugmentation]) shapes.push(encode(m, s));
      }
    } catch (e) {
      for (const s of shapes) s.dispose();
      throw e;
    }
    return shapes;
  }

  /**
   * {@link condition} with every member's encoding held as trainable variables (`OccupancyNetwork.conditionOptimizable`):
   * the shape's `logitsTensor` is the mean of the members' (under each symmetry of `config.testTimeAugmentation`), so
   * test-time optimisation moves all encodings together against the ensemble's own level set.
   * @throws PipelineError as `OccupancyNetwork.conditionOptimizable` (no member encodings are left behind).
   */
  conditionOptimizable(pointCloud: Float32Array): OptimizableShape {
    const shapes = this.encodeMembers((m, s) => optimizableUnderSymmetry(m, pointCloud, s));
    const mean = ensembleShape(shapes);
    return {
      ...mean,
      variables: shapes.flatMap((s) => s.variables),
      logitsTensor: (points: tf.Tensor3D) =>
        tf.tidy(() => tf.div(tf.addN(shapes.map((s) => s.logitsTensor(points))), shapes.length) as tf.Tensor2D),
    };
  }

  /** Trainable scalars of all members together. */
  parameterCount(): number {
    return this.members.reduce((a, m) => a + m.parameterCount(), 0);
  }

  /** Free every member's variables. */
  dispose(): void {
    for (const m of this.members) m.dispose();
  }
}
