import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGlb, writeOff } from '@onet/io';
import { icosphere } from '@onet/sampling';
import { progress } from '../src/progress.js';
import { runCli } from './helpers/runCli.js';

const run = runCli;

let dir: string;
const p = (name: string) => join(dir, name);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onet-cli-harden-'));
  await writeFile(p('ball.off'), writeOff(icosphere(2, 0.5)));
  await writeFile(p('ball.glb'), await writeGlb(icosphere(2, 0.5)));
  await writeFile(p('line.xyz'), Array.from({ length: 50 }, (_, i) => `${i} ${2 * i} ${-i}`).join('\n'));
  await writeFile(p('plane.xyz'), Array.from({ length: 60 }, (_, i) => `${i % 7} ${Math.floor(i / 7)} ${3 - (i % 7) - Math.floor(i / 7)}`).join('\n'));
  await writeFile(p('few.xyz'), '0 0 0\n1 0 0\n0 1 0\n0 0 1\n');
  await writeFile(p('a-file'), 'not a folder');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A usage error: exit 2, one error line (`onet: error…`) and the `--help` hint, no usage text, no work started. */
function expectUsage(r: { code: number; err: string; out: string }, cmd: string, message: RegExp): void {
  expect(r.code).toBe(2);
  const lines = r.err.trim().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^onet: error/);
  expect(lines[0]).toMatch(message);
  expect(lines[1]).toBe(`see 'onet${cmd ? ` ${cmd}` : ''} --help'`);
  expect(r.err).not.toMatch(/Usage:|backend/);
  expect(r.out).toBe('');
}

describe('onet: argument errors arrive before any work, as one line + hint, exit 2', () => {
  const rec = (...a: string[]) => run('reconstruct', p('ball.off'), '-o', p('out.ply'), ...a);
  it.each([
    [['--resolution0', '5000'], /resolution0 must be an integer in \[2, 512\]/],
    [['--resolution0', '1.5'], /resolution0 must be an integer/],
    [['--upsampling-steps', '99'], /upsampling-steps must be an integer in \[0, 6\]/],
    [['--resolution0', '256', '--upsampling-steps', '3'], /\[INVALID_OPTION\]: .*2048³ grid; resolution0·2\^steps must be ≤ 1024/],
    [['--noise', '-1'], /noise must be a number in \[0, 1\]/],
    [['--noise', 'NaN'], /noise must be a number/],
    [['--points', '3'], /points must be an integer in \[10, 10000000\]/],
    [['--threshold', '1.5'], /threshold must be a probability in \(0, 1\)/],
    [['--seed', 'x'], /seed must be an integer/],
    [['--eval-points', '0'], /eval-points must be an integer in \[1, /],
    [['--batch-size', '0'], /batch-size must be an integer/],
    [['--bogus'], /unknown option '--bogus'/],
  ])('reconstruct %j', async (args, message) => {
    expectUsage(await rec(...(args as string[])), 'reconstruct', message as RegExp);
  });

  it('generate, eval, dataset build and the program itself', async () => {
    expectUsage(await run('generate', '--data', dir, '--out-dir', p('g'), '--shard', '3/2'), 'generate', /shard must look like k\/N/);
    expectUsage(await run('generate', '--data', dir, '--out-dir', p('g'), '--format', 'stl'), 'generate', /Allowed choices are off, ply, obj, glb/);
    expectUsage(await run('generate', '--data', dir, '--out-dir', p('g'), '--upsampling-steps', '6'), 'generate', /2048³ grid/);
    expectUsage(await run('eval'), 'eval', /\[INVALID_OPTION\]: give --pred and --gt, or --data and --meshes/);
    expectUsage(await run('eval', '--pred', p('ball.off')), 'eval', /needs both --pred and --gt/);
    expectUsage(await run('eval', '--pred', p('ball.off'), '--gt', p('ball.off'), '--data', dir, '--meshes', dir), 'eval', /not both/);
    // The old `--json <file>` of eval is now `--json-file <file>`: a leftover file name is refused, not ignored.
    expectUsage(await run('eval', '--pred', p('ball.off'), '--gt', p('ball.off'), '--json', p('r.json')), 'eval', /too many arguments/);
    expectUsage(await run('dataset', 'build', dir, '-o', p('ds'), '--shard', '1/1'), 'dataset build', /shard must look like k\/N/);
    expectUsage(await run('frobnicate'), '', /unknown command 'frobnicate'/);
  });

  it('help and version exit 0; runtime errors exit 1', async () => {
    expect((await run('--version')).code).toBe(0);
    expect((await run('reconstruct', '--help')).code).toBe(0);
    const r = await run('reconstruct', p('missing.ply'), '-o', p('out.ply'));
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});

describe('onet: the output is never one of the inputs', () => {
  it('reconstruct in.off -o in.off (or a symlink to it) is refused before any work and the input is kept', async () => {
    const before = await readFile(p('ball.off'));
    await symlink(p('ball.off'), p('alias.off'));
    for (const out of [p('ball.off'), p('alias.off'), join(dir, '.', 'x', '..', 'ball.off')]) {
      expectUsage(await run('reconstruct', p('ball.off'), '-o', out), 'reconstruct', /\[OUTPUT_IS_INPUT\]: the output .* is the input .*ball\.off/);
    }
    expectUsage(await run('reconstruct', p('line.xyz'), '--gt', p('ball.off'), '-o', p('ball.off')), 'reconstruct', /OUTPUT_IS_INPUT/);
    expectUsage(await run('eval', '--pred', p('ball.off'), '--gt', p('ball.glb'), '--csv', p('ball.glb')), 'eval', /OUTPUT_IS_INPUT/);
    expect(Buffer.compare(await readFile(p('ball.off')), before)).toBe(0);
  });
});

describe('onet: unwritable outputs and degenerate inputs fail before the backend starts, exit 1', () => {
  it('an output under a file, or on a folder, is UNWRITABLE_OUTPUT', async () => {
    const r = await run('reconstruct', p('ball.off'), '-o', join(p('a-file'), 'x.ply'));
    expect(r.code).toBe(1);
    expect(r.err.trim()).toMatch(/^onet: error \[UNWRITABLE_OUTPUT\]: .*a-file\/x\.ply: cannot write here \(.*a-file is a file, not a folder\)$/);
    await mkdir(p('folder.ply'));
    const f = await run('reconstruct', p('ball.off'), '-o', p('folder.ply'));
    expect(f.err.trim()).toMatch(/^onet: error \[UNWRITABLE_OUTPUT\]: .*folder\.ply: cannot write here \(it is a folder\)$/);
    const g = await run('generate', '--data', dir, '--out-dir', p('a-file'));
    expect(g.code).toBe(1);
    expect(g.err.trim()).toMatch(/^onet: error \[UNWRITABLE_OUTPUT\]: .*it is a file, not a folder/);
    const e = await run('eval', '--pred', p('ball.off'), '--gt', p('ball.off'), '--csv', join(p('a-file'), 'r.csv'));
    expect(e.code).toBe(1);
    expect(e.out).toBe(''); // nothing computed
  });

  it.each([
    ['line.xyz', /lie on one line/],
    ['plane.xyz', /lie in one plane/],
    ['few.xyz', /has 4 points; at least 10/],
  ])('%s is DEGENERATE_INPUT and writes nothing', async (file, message) => {
    const r = await run('reconstruct', p(file), '-o', p(`${file}.ply`));
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^onet: error \[DEGENERATE_INPUT\]: /);
    expect(r.err).toMatch(message);
    expect(existsSync(p(`${file}.ply`))).toBe(false);
  });
});

describe('onet: --json and GLB inputs', () => {
  it('eval --json prints one JSON document on stdout (metrics on stderr); --json-file writes it; GLB is read', async () => {
    const r = await run('eval', '--pred', p('ball.glb'), '--gt', p('ball.off'), '--eval-points', '2000', '--json', '--json-file', p('r.json'));
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.mean.iou).toBeGreaterThan(0.99);
    expect(doc.rows).toHaveLength(1);
    expect(r.err).toMatch(/IoU 1\.0000/);
    expect(JSON.parse(await readFile(p('r.json'), 'utf8')).mean.iou).toBe(doc.mean.iou);
  });

  it('an untrained network that gives no surface is EMPTY_OUTPUT, and no file is written', async () => {
    const { OccupancyNetwork } = await import('@onet/model');
    const { saveModelFiles } = await import('@onet/nn/node');
    const { selectBackend } = await import('@onet/nn');
    await selectBackend('cpu');
    const m = OccupancyNetwork.fromConfig({ kind: 'onet', inputPoints: 32, noiseStd: 0.005, padding: 0.1, cDim: 8, encoderHidden: 8, decoderHidden: 8 }, 5);
    const { modelJson, weights } = m.save({ dtype: 'float32' });
    m.dispose();
    await saveModelFiles(p('tiny'), modelJson, weights);
    const args = ['--model', p('tiny'), '--backend', 'cpu', '--resolution0', '8', '--upsampling-steps', '0', '--threshold', '0.9999999'];
    const r = await run('reconstruct', p('ball.off'), '-o', p('tiny.ply'), ...args);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n').at(-1)).toMatch(/^onet: error \[EMPTY_OUTPUT\]: .*nothing was written/);
    expect(existsSync(p('tiny.ply'))).toBe(false);
  });
});

describe('progress', () => {
  const sink = (isTTY: boolean) => {
    const s = { isTTY, columns: 100, text: '', write: (c: string) => ((s.text += c), true) };
    return s;
  };
  it('plain lines when the stream is not a terminal', () => {
    const s = sink(false);
    const bar = progress('eval', s);
    bar.tick(1, 3, 'a/one');
    bar.line('note');
    bar.tick(3, 3, 'a/three');
    bar.stop();
    expect(s.text).toBe('  [1/3] a/one\nnote\n  [3/3] a/three\n');
  });
  it('a bar on a terminal', () => {
    const s = sink(true);
    const bar = progress('eval', s as never);
    bar.tick(2, 4, 'a/two');
    bar.line('note');
    bar.stop();
    expect(s.text).toMatch(/eval \[█+░+\] 2\/4 a\/two/);
    expect(s.text).toContain('note\n');
    expect(s.text).not.toContain('[2/4]');
  });
});
