/**
 * End to end in a real browser (issue 7): `vite build` the app, serve dist on 127.0.0.1, drive Debian's
 * Chromium (headless, `--enable-unsafe-webgpu` → Dawn on SwiftShader) with playwright-core, reconstruct the
 * bunny sample on WebGPU, and check the page against the same run in Node (wasm): same input points, IoU
 * against the ground truth within 0.02. A second page load without `navigator.gpu` must fall back to wasm
 * (served from the app, no CDN) and say so. Screenshots go to test-artifacts/ and must not be blank.
 *
 * SwiftShader runs the tfjs WebGPU kernels far slower than wasm (measured here: the conv-onet encoder on 3000
 * points ≈ 25–50 s, mostly Conv2D/BatchMatMul/Add kernels, not shader compilation), so the page runs reduced
 * settings (PAGE_SETTINGS: 1000 input points — inside the model's training range 600–3000 — and MISE 8 → 16³);
 * the parity check does not need more.
 * Test-time optimisation (the shipped default's setting, on in the point-cloud task unless its checkbox or `tto=0`
 * turns it off): the wasm fallback case runs the whole default with it, as Node does, and must agree with Node as
 * before (IoU within 0.02: both wasm, the same seeded points, the same 5 Adam steps; measured equal to 4 decimals).
 * The WebGPU case stays without it: its model, the planes member, carries no such setting (its page default is
 * off), and on SwiftShader the optimisation's 5 forward + backward passes cost ~55 s more even on 300 points
 * (measured with `onet reconstruct --backend webgpu --model …/planes --tto-steps 5`), which would take the case from
 * ~50 s to ~2 min on a quiet box; the backward kernels on WebGPU are checked, against wasm, by webgpu-node.test.ts.
 * The `.xyz` case turns it off by URL (`tto=0`).
 * The sample task (wasm, MISE 16 → 32³) is checked against `sampleShapes` in Node: the slider's ends are the seed's
 * two `onet sample` shapes, face for face.
 * The image task (wasm, MISE 8 → 16³) runs a tiny untrained conv-onet image model written into the build
 * (`models/image-tiny`, τ its median probability so a surface exists) and must match Node face for face: the same
 * model input from the picture (the browser's decoding + `imageToModelInput` vs `readImage`), the same mesh. When
 * packages/models/image ships a model.json the shipped model must give a non-empty watertight mesh for a sample;
 * until then the page must say "image model not shipped yet".
 * Skipped only when /usr/bin/chromium is absent (`apt-get install chromium`; .ci/run installs it).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { parseGlb, parseMesh } from '@onet/io';
import { selectBackend } from '@onet/nn';
import { PNG } from 'pngjs';
import { saveModelFiles } from '@onet/nn/node';
import { OccupancyNetwork, asVaeModel, sampleShapes, thresholdForInput, type ImageConditionableModel, type ModelConfig } from '@onet/model';
import { decodeImage, loadModel, readImage } from '@onet/model/node';
import { loadBunny } from '@onet/cli';
import { runImageReconstruction, runReconstruction, runVoxelReconstruction, type RunSettings } from '../src/run.js';
import type { VoxelConditionableModel } from '@onet/model';
import type { PageState } from '../src/main.js';
import { serveStatic } from './staticServer.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`browser e2e SKIPPED: ${CHROMIUM} is absent (apt-get install chromium; .ci/run installs it)`);

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const app = fileURLToPath(new URL('../', import.meta.url));
const artifacts = join(repo, 'test-artifacts');

/** What the page runs (URL parameters) and what Node reruns. */
const PAGE_SETTINGS: RunSettings = { points: 1000, seed: 0, threshold: 0.2, fillCavities: true, resolution0: 8, upsamplingSteps: 1, batchSize: 16_384, evalPoints: 20_000 };
/**
 * The WebGPU case runs one member of the shipped ensemble (`model=default/planes`): on Chromium's software adapter
 * (SwiftShader, what CI has) the whole ensemble took ~110 s of a 150 s budget and failed on a busy machine; the
 * planes member alone is the cheaper half (the 32³ grid member's trilinear gathers are the slow part there). The
 * wasm case keeps the whole shipped ensemble.
 */
const WEBGPU_MODEL = 'default/planes';
/** How long a page may take to finish: wide, since the software adapter runs several times slower on a loaded 2-core box. */
const PAGE_BUDGET_MS = 420_000;
const query = (backend: string, model?: string, extra: Record<string, string> = {}): string =>
  new URLSearchParams({
    sample: 'bunny',
    backend,
    points: String(PAGE_SETTINGS.points),
    seed: String(PAGE_SETTINGS.seed),
    tau: String(PAGE_SETTINGS.threshold),
    fill: PAGE_SETTINGS.fillCavities ? '1' : '0',
    res0: String(PAGE_SETTINGS.resolution0),
    steps: String(PAGE_SETTINGS.upsamplingSteps),
    eval: String(PAGE_SETTINGS.evalPoints),
    autorun: '1',
    ...(model ? { model } : {}),
    ...extra,
  }).toString();

/** Fraction of pixels of a PNG (decoded by the page) that differ from its top-left pixel, per half. */
async function nonBackground(page: Page, png: Buffer): Promise<{ left: number; right: number; variance: number }> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext('2d')!;
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    const bg = [d[0], d[1], d[2]];
    let left = 0;
    let right = 0;
    let s = 0;
    let s2 = 0;
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) {
        const i = 4 * (y * c.width + x);
        const lum = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
        s += lum;
        s2 += lum * lum;
        if (Math.abs(d[i] - bg[0]) + Math.abs(d[i + 1] - bg[1]) + Math.abs(d[i + 2] - bg[2]) > 24) {
          if (x < c.width / 2) left++;
          else right++;
        }
      }
    }
    const n = c.width * c.height;
    return { left: left / (n / 2), right: right / (n / 2), variance: s2 / n - (s / n) ** 2 };
  }, png.toString('base64'));
}

describe.skipIf(!hasChromium)('examples/browser in headless Chromium', () => {
  let dist = '';
  let profile = '';
  let server: Awaited<ReturnType<typeof serveStatic>> | undefined;
  let context: BrowserContext | undefined;
  const foreign: string[] = [];

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'onet-browser-dist-'));
    profile = mkdtempSync(join(tmpdir(), 'onet-browser-profile-'));
    await promisify(execFile)(process.execPath, [join(repo, 'node_modules/vite/bin/vite.js'), 'build', app, '--outDir', dist, '--emptyOutDir', '--logLevel', 'error'], {
      cwd: repo,
      maxBuffer: 1 << 24,
    });
    expect(existsSync(join(dist, 'index.html'))).toBe(true);
    expect(existsSync(join(dist, 'tfjs-wasm/tfjs-backend-wasm-simd.wasm'))).toBe(true);
    server = await serveStatic(dist);
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--no-default-browser-check'],
    });
    context.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(server!.url) && !/^(data|blob):/.test(u)) foreign.push(u);
    });
    mkdirSync(artifacts, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    for (const d of [dist, profile]) if (d) rmSync(d, { recursive: true, force: true });
  });

  async function runPage(backend: string, init?: () => void, model?: string, extra?: Record<string, string>): Promise<{ page: Page; state: PageState; errors: string[] }> {
    const page = await context!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    if (init) await page.addInitScript(init);
    await page.goto(`${server!.url}?${query(backend, model, extra)}`);
    await page.waitForFunction(() => ['done', 'error'].includes((window as unknown as { onet?: PageState }).onet?.status ?? ''), undefined, {
      timeout: PAGE_BUDGET_MS,
      polling: 250,
    });
    const state = await page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { onet: PageState }).onet)) as PageState);
    return { page, state, errors };
  }

  const nodeRuns = new Map<string, Awaited<ReturnType<typeof runReconstruction>>>();
  /**
   * The same reconstruction in Node on wasm, same settings, with the model files the page was served (the
   * build's copy of `models/<name>`: the shipped model may be rewritten by training meanwhile), or the same seeded
   * fresh model.
   */
  async function nodeResult(name = 'default'): Promise<Awaited<ReturnType<typeof runReconstruction>>> {
    const done = nodeRuns.get(name);
    if (done) return done;
    expect(await selectBackend('wasm')).toBe('wasm');
    const { model } = await loadModel(join(dist, 'models', name), { allowFresh: true, seed: 0 });
    try {
      const run = await runReconstruction(model, { kind: 'mesh', name: 'bunny', mesh: loadBunny() }, PAGE_SETTINGS);
      nodeRuns.set(name, run);
      return run;
    } finally {
      model.dispose();
    }
  }

  it('reconstructs the bunny on WebGPU; IoU vs ground truth matches Node (wasm) within 0.02; screenshot not blank', async () => {
    const { page, state, errors } = await runPage('webgpu', undefined, WEBGPU_MODEL);
    expect(state.error).toBeUndefined();
    expect(errors).toEqual([]);
    expect(state.status).toBe('done');
    expect(state.backend).toBe('webgpu');
    expect(state.fallback).toBe(false);
    expect(state.result!.faces).toBeGreaterThan(0);
    expect(state.result!.evaluations).toBeGreaterThanOrEqual(9 ** 3);
    expect(state.result!.resolution).toBe(16);
    const rounds = state.progress!.rounds; // MISE reported every round, in order (the coarse grid and at least one refinement)
    expect(rounds.length).toBeGreaterThanOrEqual(2);
    expect(rounds).toEqual(rounds.map((_, i) => i));
    expect(await page.locator('#progress').evaluate((el) => (el as HTMLProgressElement).value)).toBe(1);
    expect(await page.locator('#backendLine').textContent()).toMatch(/webgpu/);
    expect(await page.locator('#stats').textContent()).toMatch(/IoU/);

    const shot = await page.locator('#view').screenshot();
    writeFileSync(join(artifacts, 'browser-e2e-webgpu.png'), shot);
    await page.screenshot({ path: join(artifacts, 'browser-e2e-page.png'), fullPage: true });
    const px = await nonBackground(page, shot);
    expect(px.left, 'input points visible in the left view').toBeGreaterThan(0.002);
    expect(px.right, 'mesh visible in the right view').toBeGreaterThan(0.01);
    expect(px.variance).toBeGreaterThan(10);

    expect(state.modelMessage).toContain(`models/${WEBGPU_MODEL}/model.json`);
    const n = await nodeResult(WEBGPU_MODEL);
    let checksum = 0;
    for (const v of n.points) checksum += v;
    expect(state.result!.inputPoints).toBe(n.points.length / 3);
    expect(state.result!.pointsChecksum).toBeCloseTo(checksum, 3); // same seeded noisy input in both
    expect(n.metrics).toBeDefined();
    expect(state.result!.iou).toBeDefined();
    const t = state.result!.timeMs;
    console.log(
      `browser e2e: ${state.backend} on ${state.adapter}; ${state.result!.evaluations} evaluations, ${state.result!.faces} faces; ` +
        `IoU page ${state.result!.iou!.toFixed(4)} vs Node/wasm ${n.metrics!.iou.toFixed(4)}; page ms: encode ${t.encode.toFixed(0)}, ` +
        `network ${t.network.toFixed(0)}, marching cubes ${t.marchingCubes.toFixed(0)}, wall ${t.wall.toFixed(0)}, evaluation ${state.result!.evaluateMs.toFixed(0)}`,
    );
    expect(Math.abs(state.result!.iou! - n.metrics!.iou)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(state.result!.faces - n.stats.faces)).toBeLessThanOrEqual(Math.max(16, 0.05 * n.stats.faces));
    await page.close();
  }, PAGE_BUDGET_MS + 60_000);

  it('without navigator.gpu it falls back to wasm (served by the app, no CDN) and says so', async () => {
    const { page, state, errors } = await runPage('webgpu', () => {
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
    });
    expect(state.error).toBeUndefined();
    expect(errors).toEqual([]);
    expect(state.backend).toBe('wasm');
    expect(state.fallback).toBe(true);
    expect(await page.locator('#backendLine').textContent()).toMatch(/WebGPU not used: .*running on wasm/);
    expect(server!.requests.some((r) => /\/tfjs-wasm\/tfjs-backend-wasm(-simd)?\.wasm$/.test(r))).toBe(true);
    expect(foreign).toEqual([]);
    const n = await nodeResult();
    // the shipped default turns test-time optimisation on: the page sends no choice of its own (the box untouched, so
    // the model's setting applies) and ran it on wasm (gradients in the bundle), as Node did
    expect(state.settings!.testTimeOptimization).toBeUndefined();
    expect(await page.locator('#tto').isChecked()).toBe(true);
    const tto = state.result!.testTimeOptimization!;
    expect(tto.steps).toBe(n.testTimeOptimization!.steps);
    expect(tto.surfaceLossAfter).toBeLessThan(tto.surfaceLossBefore);
    expect(await page.locator('#stats').textContent()).toMatch(/test-time optimisation\d+ Adam steps/);
    console.log(
      `browser e2e (wasm): IoU page ${state.result!.iou!.toFixed(4)} vs Node ${n.metrics!.iou.toFixed(4)}; faces ${state.result!.faces} vs ${n.stats.faces}; ` +
        `TTO surface loss page ${tto.surfaceLossBefore.toFixed(4)} → ${tto.surfaceLossAfter.toFixed(4)}, Node ${n.testTimeOptimization!.surfaceLossBefore.toFixed(4)} → ${n.testTimeOptimization!.surfaceLossAfter.toFixed(4)}; page ${tto.timeMs.toFixed(0)} ms`,
    );
    expect(Math.abs(state.result!.iou! - n.metrics!.iou)).toBeLessThanOrEqual(0.02);
    writeFileSync(join(artifacts, 'browser-e2e-wasm.png'), await page.locator('#view').screenshot());
    await page.close();
  }, 240_000);

  it('voxel task (wasm): the cow voxelised at 32³ → mesh; model and input-voxel IoU as in Node', async () => {
    const { page, state, errors } = await runPage('wasm', undefined, undefined, { task: 'voxels', sample: 'cow' });
    expect(state.error).toBeUndefined();
    expect(errors).toEqual([]);
    expect(state.status).toBe('done');
    expect(state.modelMessage).toContain('models/voxels/model.json');
    expect(await page.locator('#task').inputValue()).toBe('voxels');
    expect(await page.locator('#stats').textContent()).toMatch(/input voxels IoU/);
    const cow = parseMesh(new Uint8Array(readFileSync(join(app, 'public/samples/cow.off'))), { source: 'cow.off' });
    expect(await selectBackend('wasm')).toBe('wasm');
    const { model, fresh } = await loadModel(join(dist, 'models/voxels'), { allowFresh: true, seed: 0 }); // what the page was served
    let n;
    try {
      n = await runVoxelReconstruction(model as unknown as VoxelConditionableModel, { kind: 'mesh', name: 'cow', mesh: cow }, PAGE_SETTINGS);
    } finally {
      model.dispose();
    }
    expect(state.result!.voxelIou).toBeCloseTo(n.voxelMetrics!.iou, 6); // the same voxelisation, the same blocks
    expect(n.voxelMetrics!.iou).toBeGreaterThan(0.5);
    if (!fresh) expect(state.result!.faces).toBeGreaterThan(0);
    expect(Math.abs(state.result!.faces - n.stats.faces)).toBeLessThanOrEqual(Math.max(16, 0.05 * n.stats.faces));
    if (n.metrics && state.result!.iou !== undefined) expect(Math.abs(state.result!.iou - n.metrics.iou)).toBeLessThanOrEqual(0.02);
    writeFileSync(join(artifacts, 'browser-e2e-voxels.png'), await page.locator('#view').screenshot());
    await page.close();
  }, 240_000);

  it('sample task (wasm): chair-vae shape of a seed, the seed shown, slider at 1 = sample b, New sample = next seed', async () => {
    const page = await context!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // MISE 16 → 32³ (onet sample's 32 → 128³ takes ~4 s a shape on wasm here); τ and cavity filling left to the model, as onet sample does
    const gen = { resolution0: 16, upsamplingSteps: 1 };
    // First, in Node on wasm with the model files the page is served, the CLI's path (sampleShapes = onet sample -n 2
    // --seed s): a seed whose two shapes differ clearly (else the slider check could not tell a from b; the first seed
    // tried does with the current weights, the loop keeps the test meaningful when the weights are retrained).
    expect(await selectBackend('wasm')).toBe('wasm');
    const { model } = await loadModel(join(dist, 'models/chair-vae'), { allowFresh: true, seed: 0 });
    let seed = 3;
    let shapes: Awaited<ReturnType<typeof sampleShapes>> = [];
    let zDim = 0;
    try {
      const vae = asVaeModel(model, 'chair-vae');
      zDim = vae.zDim;
      for (; seed < 8; seed++) {
        shapes = await sampleShapes(vae, 2, { seed, generation: { ...gen, batchSize: 16_384 } });
        if (Math.min(shapes[0].stats.faces, shapes[1].stats.faces) > 0 && Math.abs(shapes[0].stats.faces - shapes[1].stats.faces) > 100) break;
      }
    } finally {
      model.dispose();
    }
    const [a, b] = shapes.map((x) => x.stats);
    expect(a.faces).toBeGreaterThan(0);
    expect(Math.abs(a.faces - b.faces)).toBeGreaterThan(100);

    await page.goto(`${server!.url}?${new URLSearchParams({ task: 'sample', backend: 'wasm', seed: String(seed), res0: String(gen.resolution0), steps: String(gen.upsamplingSteps), autorun: '1' })}`);
    const settled = async (seed: number, t: number): Promise<PageState> => {
      await page.waitForFunction(
        ([seed, t]) => {
          const o = (window as unknown as { onet?: PageState }).onet;
          return o?.status === 'error' || (o?.status === 'done' && o.result?.sample?.seed === seed && o.result.sample.t === t);
        },
        [seed, t] as const,
        { timeout: 60_000, polling: 100 },
      );
      return page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { onet: PageState }).onet)) as PageState);
    };
    let state = await settled(seed, 0);
    expect(state.error).toBeUndefined();
    expect(state.modelMessage).toContain('models/chair-vae/model.json');
    expect(await page.locator('#task').inputValue()).toBe('sample');
    expect(await page.locator('#seed').inputValue()).toBe(String(seed));
    expect(await page.locator('#sample').isVisible()).toBe(false); // no input to choose in this task
    expect(await page.locator('#stats').textContent()).toContain(`seed${seed}: z_a, z_b ~ N(0, I)`);
    expect(await page.locator('#stats').textContent()).toContain('watertightyes');
    expect(state.result!.sample).toEqual({ seed, t: 0, zDim });
    expect(state.result!.watertight).toBe(true);
    expect(state.result!.resolution).toBe(32);
    expect(state.result!.threshold).toBe(a.threshold); // the model's τ, as onet sample
    expect([state.result!.faces, state.result!.vertices]).toEqual([a.faces, a.vertices]);

    // The slider to 1 (debounced) regenerates: sample b's mesh; the address bar keeps t.
    await page.locator('#t').evaluate((el) => {
      (el as HTMLInputElement).value = '1';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    state = await settled(seed, 1);
    expect(state.error).toBeUndefined();
    expect([state.result!.faces, state.result!.vertices]).toEqual([b.faces, b.vertices]);
    expect(state.result!.watertight).toBe(true);
    expect(new URL(page.url()).searchParams.get('t')).toBe('1');
    const shot = await page.locator('#view').screenshot();
    writeFileSync(join(artifacts, 'browser-e2e-sample.png'), shot);
    const px = await nonBackground(page, shot);
    expect(px.left, 'sample a visible in the left view').toBeGreaterThan(0.01);
    expect(px.right, 'sample b visible in the right view').toBeGreaterThan(0.01);

    // New sample: the next seed, shown, in the address bar, back at t = 0.
    await page.locator('#newSample').click();
    state = await settled(seed + 1, 0);
    expect(state.error).toBeUndefined();
    expect(await page.locator('#seed').inputValue()).toBe(String(seed + 1));
    expect(await page.locator('#t').inputValue()).toBe('0');
    expect(new URL(page.url()).searchParams.get('seed')).toBe(String(seed + 1));
    expect(errors).toEqual([]);

    // A conditional model cannot sample: a typed error in the error area, nothing generated.
    await page.goto(`${server!.url}?${new URLSearchParams({ task: 'sample', backend: 'wasm', model: WEBGPU_MODEL, autorun: '1' })}`);
    await page.waitForFunction(() => ['done', 'error'].includes((window as unknown as { onet?: PageState }).onet?.status ?? ''), undefined, { timeout: 60_000, polling: 100 });
    expect(await page.locator('#error').isVisible()).toBe(true);
    expect(await page.locator('#error').textContent()).toMatch(/^\[BAD_MODEL\] .*models\/default\/planes\/ is not an unconditional \(vae\) model/);
    expect(await page.evaluate(() => (window as unknown as { onet: PageState }).onet.result)).toBeUndefined();
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('before any run: auto backend, and the model\'s τ and cavity filling already shown', async () => {
    const page = await context!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server!.url);
    const { model } = await loadModel(join(dist, 'models/default'), { allowFresh: true, seed: 0 }); // what the page was served
    const config = model.config;
    model.dispose();
    const tau = thresholdForInput(config, config.inputPoints) ?? 0.2;
    expect(tau).not.toBeCloseTo(0.2, 2); // else this test could not tell the model's τ from the default
    await page.waitForFunction((t) => Math.abs(Number((document.getElementById('tau') as HTMLInputElement).value) - t) < 0.006, tau, { timeout: 20_000 });
    expect(await page.locator('#fill').isChecked()).toBe(config.fillCavities === true);
    expect(config.testTimeOptimization).toBe(true); // else this test could not tell the model's setting from the page's default
    expect(await page.locator('#tto').isChecked()).toBe(true);
    expect(await page.locator('#tto').isVisible()).toBe(true);
    expect(await page.locator('#backend').inputValue()).toBe('auto');
    expect((await page.evaluate(() => (window as unknown as { onet: PageState }).onet.status))).toBe('idle'); // nothing ran
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('a chosen .xyz point-cloud file is reconstructed (wasm) and the PLY and GLB downloads hold the mesh', async () => {
    expect(await selectBackend('wasm')).toBe('wasm'); // its Node half must not depend on an earlier case's backend
    const page = await context!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server!.url}?backend=wasm&res0=8&steps=1&tto=0`); // the URL's switch off for test-time optimisation
    await page.locator('#file').setInputFiles(join(app, 'public/samples/triceratops.xyz'));
    await page.waitForFunction(() => ['done', 'error'].includes((window as unknown as { onet?: PageState }).onet?.status ?? ''), undefined, { timeout: 60_000, polling: 250 });
    const state = await page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { onet: PageState }).onet)) as PageState);
    expect(state.error).toBeUndefined();
    expect(errors).toEqual([]);
    expect(state.input).toBe('triceratops');
    expect(state.result!.inputPoints).toBe(3000);
    expect(state.result!.faces).toBeGreaterThan(0);
    expect(state.result!.iou).toBeUndefined(); // a bare point cloud has no ground truth
    expect(state.settings!.testTimeOptimization).toBe(false);
    expect(state.result!.testTimeOptimization).toBeUndefined();
    expect(await page.locator('#tto').isChecked()).toBe(false);
    expect(await page.locator('#stats').textContent()).not.toMatch(/test-time optimisation/);
    // no tau in the URL: generation used the shipped model's τ for the 3000 points encoded, and the slider shows it;
    // editing the points field previews the model's τ for that size
    const { model } = await loadModel(join(dist, 'models/default'), { allowFresh: true, seed: 0 }); // what the page was served
    const tauAt = (n: number) => thresholdForInput(model.config, n) ?? 0.2;
    model.dispose();
    expect(tauAt(300)).not.toBeCloseTo(tauAt(3000), 2); // the shipped model's τ depends on the input size
    expect(state.result!.threshold).toBeCloseTo(tauAt(3000), 6);
    expect(Number(await page.locator('#tau').inputValue())).toBeCloseTo(tauAt(3000), 2);
    await page.locator('#points').fill('300');
    expect(Number(await page.locator('#tau').inputValue())).toBeCloseTo(tauAt(300), 2);
    expect(await page.locator('#drop').textContent()).toMatch(/triceratops\.xyz: 3000 points/);
    expect(await page.locator('#sample option:checked').textContent()).toBe('your file: triceratops.xyz'); // not the old sample
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#downloadPly').click()]);
    expect(download.suggestedFilename()).toBe('triceratops-onet.ply');
    const mesh = parseMesh(new Uint8Array(readFileSync((await download.path())!)), { source: 'download.ply' });
    expect(mesh.indices.length / 3).toBe(state.result!.faces);
    const [glb] = await Promise.all([page.waitForEvent('download'), page.locator('#downloadGlb').click()]);
    expect(glb.suggestedFilename()).toBe('triceratops-onet.glb');
    const fromGlb = await parseGlb(new Uint8Array(readFileSync((await glb.path())!)), { source: 'download.glb' });
    expect(fromGlb.indices.length / 3).toBe(state.result!.faces);

    // A corrupt file: a typed @onet/io error on the page (code + file + line), no reconstruction, no crash.
    await page.locator('#file').setInputFiles({ name: 'broken.off', mimeType: 'text/plain', buffer: Buffer.from('OFF\n3 1 0\n0 0 0\n1 0 0\n') });
    await page.waitForFunction(() => (window as unknown as { onet: PageState }).onet.status === 'error', undefined, { timeout: 10_000 });
    expect(await page.locator('#error').isVisible()).toBe(true);
    expect(await page.locator('#error').textContent()).toMatch(/^\[[A-Z_]+\] .*broken\.off/);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('image task (wasm): a picture → mesh, the same model input and mesh as Node; bad pictures and a missing model are clear errors', async () => {
    expect(await selectBackend('wasm')).toBe('wasm');
    // A tiny untrained pixel-aligned image model (S = 32: the 64² samples are area-averaged 2×), written into the
    // build beside the shipped models; τ = its median probability over the box for the elk sample, so a surface exists.
    const cfg: ModelConfig = {
      kind: 'conv-onet',
      input: 'image',
      imageSize: 32,
      imageFeatureDownsample: 2,
      unetDepth: 2,
      unetFilters: 4,
      inputPoints: 1,
      noiseStd: 0,
      padding: 0.1,
      cDim: 4,
      encoderHidden: 8,
      decoderHidden: 8,
    };
    const elk = join(app, 'public/samples/image-elk.png');
    const tiny = OccupancyNetwork.fromConfig(cfg, 5);
    const shape = tiny.condition((await readImage(elk, 32)).image);
    const grid = new Float32Array(3 * 512).map((_, i) => ((Math.floor(i / 3) >> (3 * (i % 3))) % 8) / 7 - 0.5);
    const logits = Array.from(await shape.logits(grid)).sort((a, b) => a - b);
    shape.dispose();
    const { modelJson, weights } = tiny.save({ dtype: 'float32' });
    (modelJson.modelConfig as unknown as ModelConfig).threshold = 1 / (1 + Math.exp(-logits[256]));
    await saveModelFiles(join(dist, 'models/image-tiny'), modelJson, weights);
    tiny.dispose();

    const settings: RunSettings = { seed: 0, threshold: undefined, fillCavities: false, resolution0: 8, upsamplingSteps: 1, batchSize: 16_384, evalPoints: 0 };
    const { model } = await loadModel(join(dist, 'models/image-tiny'));
    const inNode = async (file: string) => {
      const r = await runImageReconstruction(model as unknown as ImageConditionableModel, decodeImage(new Uint8Array(readFileSync(file)), file), settings);
      let checksum = 0;
      for (const v of r.image) checksum += v;
      return { ...r, checksum };
    };
    const page = await context!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const url = (extra: Record<string, string>) =>
      `${server!.url}?${new URLSearchParams({ task: 'image', backend: 'wasm', res0: '8', steps: '1', fill: '0', ...extra })}`;
    const settle = async (): Promise<PageState> => {
      await page.waitForFunction(() => ['done', 'error'].includes((window as unknown as { onet?: PageState }).onet?.status ?? ''), undefined, { timeout: 60_000, polling: 100 });
      return page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { onet: PageState }).onet)) as PageState);
    };
    try {
      // a rendered sample from the list
      await page.goto(url({ model: 'image-tiny', sample: 'elk', autorun: '1' }));
      let state = await settle();
      expect(state.error).toBeUndefined();
      expect(state.modelMessage).toContain('models/image-tiny/model.json');
      expect(await page.locator('#task').inputValue()).toBe('image');
      expect(await page.locator('#points').isVisible()).toBe(false); // no point count in this task
      const n = await inNode(elk);
      expect(state.result!.picture).toEqual({ width: 64, height: 64, size: 32, checksum: expect.closeTo(n.checksum, 4) as number });
      expect(n.stats.faces).toBeGreaterThan(0);
      expect(state.result!.threshold).toBeCloseTo(n.stats.threshold, 6);
      expect(Math.abs(state.result!.faces - n.stats.faces)).toBeLessThanOrEqual(Math.max(16, 0.05 * n.stats.faces));
      expect(state.result!.watertight).toBe(n.watertight);
      expect(state.result!.resolution).toBe(16);
      const rounds = state.progress!.rounds; // MISE reported its rounds in order, the coarse grid and the refinement at least
      expect(rounds.length).toBeGreaterThanOrEqual(2);
      expect(rounds).toEqual(rounds.map((_, i) => i));
      expect(await page.locator('#stats').textContent()).toContain('elk: 64×64 picture → 32² RGB');
      expect(await page.locator('#picture').evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height])).toEqual([32, 32]);
      const shot = await page.locator('#view').screenshot();
      writeFileSync(join(artifacts, 'browser-e2e-image.png'), shot);
      const px = await nonBackground(page, shot);
      expect(px.left, 'the picture in the left half').toBeGreaterThan(0.05);
      expect(px.right, 'the mesh in the right half').toBeGreaterThan(0.005);

      // the user's picture, not square: padded with white to a square (the CLI's rule), then resized
      const p = new PNG({ width: 48, height: 40 });
      for (let y = 0; y < 40; y++) for (let x = 0; x < 48; x++) p.data.set((x - 24) ** 2 + (y - 20) ** 2 < 150 ? [90, 90, 200, 255] : [255, 255, 255, 255], 4 * (y * 48 + x));
      const photo = join(profile, 'photo.png');
      writeFileSync(photo, PNG.sync.write(p));
      await page.locator('#file').setInputFiles(photo);
      await page.waitForFunction(() => (window as unknown as { onet: PageState }).onet.result?.picture?.width === 48 || (window as unknown as { onet: PageState }).onet.status === 'error', undefined, { timeout: 60_000 });
      state = await settle();
      expect(state.error).toBeUndefined();
      expect(state.input).toBe('photo');
      const m = await inNode(photo);
      expect(state.result!.picture).toEqual({ width: 48, height: 40, size: 32, checksum: expect.closeTo(m.checksum, 4) as number });
      expect(Math.abs(state.result!.faces - m.stats.faces)).toBeLessThanOrEqual(Math.max(16, 0.05 * m.stats.faces));
      expect(await page.locator('#drop').textContent()).toMatch(/photo\.png: picture 48×40/);

      // a corrupt picture, and a mesh where a picture belongs: clear errors, no crash
      await page.locator('#file').setInputFiles({ name: 'broken.png', mimeType: 'image/png', buffer: Buffer.alloc(64, 3) });
      state = await settle();
      expect(state.status).toBe('error');
      expect(await page.locator('#error').textContent()).toMatch(/^\[UNREADABLE_INPUT\] broken\.png: the browser cannot decode this picture/);
      await page.locator('#file').setInputFiles(join(app, 'public/samples/cow.off'));
      await page.waitForFunction(() => /takes a picture/.test(document.getElementById('error')?.textContent ?? ''), undefined, { timeout: 10_000 });
      expect(await page.locator('#error').textContent()).toBe('the image task takes a picture (.png .jpg); for a mesh choose another task');
      expect(errors).toEqual([]);

      // the shipped model: a non-empty watertight mesh for a sample once trained; until then a clear error
      const shipped = existsSync(join(dist, 'models/image/model.json'));
      await page.goto(url({ sample: 'rotor', autorun: '1', res0: '16' }));
      state = await settle();
      if (shipped) {
        expect(state.error).toBeUndefined();
        expect(state.modelMessage).toContain('models/image/model.json');
        expect(state.result!.faces).toBeGreaterThan(0);
        expect(state.result!.watertight).toBe(true);
        expect(state.result!.picture!.size).toBe(64);
      } else {
        console.log('browser e2e: packages/models/image has no model.json yet: checking the "not shipped" error instead of the trained model');
        expect(state.error).toMatch(/^\[BAD_MODEL\] image model not shipped yet: models\/image\/ has no model\.json/);
        expect(state.result).toBeUndefined();
        expect(await page.locator('#picture').evaluate((c) => (c as HTMLCanvasElement).width)).toBe(64); // the picture is shown all the same
      }
      expect(errors).toEqual([]);
    } finally {
      model.dispose();
      await page.close();
    }
  }, 240_000);
});
