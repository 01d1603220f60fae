import type { TriangleMesh } from '@onet/io';

/** Options of {@link viewerHtml}. */
export interface ViewerHtmlOptions {
  /** Page title and heading. */
  title?: string;
  /** Lines shown under the heading (backend, timings, metrics). */
  info?: string[];
  /** Caption of the left panel (input points). */
  leftLabel?: string;
  /** Caption of the right panel (reconstruction). */
  rightLabel?: string;
}

/** Defaults of {@link ViewerHtmlOptions}. */
export const VIEWER_HTML_DEFAULTS: Required<ViewerHtmlOptions> = {
  title: 'Occupancy Networks reconstruction',
  info: [],
  leftLabel: 'input points',
  rightLabel: 'reconstruction',
};

function base64(view: ArrayBufferView): string {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  if (typeof Buffer !== 'undefined') return Buffer.from(bytes).toString('base64');
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}

/**
 * A single self-contained HTML page (no network, works from `file://`) showing the input points and the
 * reconstructed mesh side by side with one shared orbit camera. `script` is the bundled viewer (three.js +
 * OrbitControls + src/viewer/app.ts, built by tsup to `dist/viewer.global.js`; in Node get it with
 * `loadViewerScript()` of `@onet/cli`). Points `[N·3]` and mesh are embedded as base64.
 *
 * @example
 * ```ts
 * await writeFile('index.html', viewerHtml(points, mesh, await loadViewerScript(), { info: ['IoU 0.81'] }));
 * ```
 * @category Viewer
 */
export function viewerHtml(points: Float32Array, mesh: TriangleMesh, script: string, options: ViewerHtmlOptions = {}): string {
  const o = { ...VIEWER_HTML_DEFAULTS, ...options };
  const data = {
    title: o.title,
    info: o.info,
    leftLabel: `${o.leftLabel} (${points.length / 3})`,
    rightLabel: `${o.rightLabel} (${mesh.positions.length / 3} vertices, ${mesh.indices.length / 3} faces)`,
    points: base64(points),
    positions: base64(mesh.positions),
    indices: base64(mesh.indices),
  };
  // "</script" cannot appear inside a script element; JSON and the bundle are escaped for it.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const js = script.replace(/<\/script/gi, '<\\/script');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)}</title>
<style>
  html, body { margin: 0; height: 100%; font: 14px/1.4 system-ui, sans-serif; color: #222; background: #fff; }
  body { display: flex; flex-direction: column; }
  header { padding: 8px 14px; border-bottom: 1px solid #ddd; }
  header h1 { font-size: 16px; margin: 0 0 2px; }
  header div { font-family: ui-monospace, monospace; font-size: 12px; color: #444; white-space: pre-wrap; }
  #view { position: relative; flex: 1; min-height: 300px; }
  #view canvas { width: 100%; height: 100%; display: block; }
  .label { position: absolute; top: 8px; font-size: 13px; background: rgba(255,255,255,.8); padding: 2px 6px; border-radius: 3px; }
  .label.l { left: 10px; } .label.r { left: calc(50% + 10px); }
  #split { position: absolute; top: 0; bottom: 0; left: 50%; border-left: 1px solid #ccc; pointer-events: none; }
</style>
</head>
<body>
<header><h1>${escapeHtml(o.title)}</h1><div>${o.info.map(escapeHtml).join('\n')}</div></header>
<div id="view"><span class="label l"></span><span class="label r"></span><div id="split"></div></div>
<script id="onet-data" type="application/json">${json}</script>
<script>${js}</script>
</body>
</html>
`;
}
