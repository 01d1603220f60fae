import type { GenerationStats, ReconstructionMetrics, TestTimeOptimizationStats } from '@onet/model';

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** Timings and counts of a generation, one line per stage, for terminals. */
export function formatStats(stats: GenerationStats): string {
  const t = stats.timeMs;
  const lines = [
    `mesh: ${stats.vertices} vertices, ${stats.faces} faces (grid ${stats.resolution}³, τ ${+stats.threshold.toFixed(4)}` +
      `${stats.filledNodes > 0 ? `, ${stats.filledNodes} cavity nodes filled` : ''}, ${stats.evaluations} network evaluations: ${stats.evaluationsPerRound.join(' + ')})`,
    `time: encode ${s(t.encode)} · MISE ${s(t.mise)} (network ${s(t.network)}) · marching cubes ${s(t.marchingCubes)}` +
      (t.normals > 0 ? ` · normals ${s(t.normals)}` : '') +
      (t.refine > 0 ? ` · refine ${s(t.refine)}` : '') +
      ` · total ${s(t.total)}`,
  ];
  return lines.join('\n');
}

/** The four headline metrics on one line (Chamfer-L1 in unit-cube units and ×10 "paper" units). */
export function formatMetrics(m: ReconstructionMetrics, label = 'metrics'): string {
  return (
    `${label}: IoU ${m.iou.toFixed(4)} · Chamfer-L1 ${m.chamferL1.toFixed(5)} (×10: ${(10 * m.chamferL1).toFixed(4)}) · ` +
    `normal consistency ${m.normalConsistency.toFixed(4)} · F-score@0.01 ${m.fscore.toFixed(4)}`
  );
}

/**
 * What test-time optimisation did, on one line: steps, the surface loss (mean (logit − logit(τ))² over the input
 * points) before → after, the total loss at the first → last step, and the seconds it took.
 */
export function formatTestTimeOptimization(t: TestTimeOptimizationStats): string {
  const g = (x: number) => (Math.abs(x) >= 0.01 || x === 0 ? x.toFixed(3) : x.toExponential(2));
  return (
    `test-time optimisation: ${t.steps} Adam step${t.steps === 1 ? '' : 's'} · surface loss ${g(t.surfaceLossBefore)} → ${g(t.surfaceLossAfter)}` +
    ` · total loss ${g(t.lossFirst)} → ${g(t.lossLast)} (first → last step) · ${s(t.timeMs)}`
  );
}

/**
 * The model's load message, noting when this run turns off the test-time optimisation the model's settings ask for
 * (`--no-tto`): the message describes the model, the note what this run does.
 */
export function loadMessageForRun(message: string, modelSetting: unknown, tto: unknown): string {
  return tto === false && modelSetting ? `${message} — off for this run (--no-tto)` : message;
}
