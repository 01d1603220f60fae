/**
 * @onet/cli — the `onet` command line (reconstruct, generate, eval, dataset, train, demo) as a program you can
 * also drive from code, the demo, and the self-contained three.js result page. Every command is a thin layer over
 * `@onet/model`, `@onet/train` and `@onet/sampling`.
 * @module @onet/cli
 * @packageDocumentation
 */
export { buildProgram, main } from './program.js';
export { runDemo, loadBunny, DEMO_DEFAULTS, type DemoOptions, type DemoResult } from './demo.js';
export { viewerHtml, VIEWER_HTML_DEFAULTS, type ViewerHtmlOptions } from './viewer/html.js';
export { loadViewerScript } from './loadViewerScript.js';
export { formatMetrics, formatStats } from './format.js';
