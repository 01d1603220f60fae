#!/usr/bin/env node
/**
 * The one summary table of `npm run bench`: reads the rows every package's bench wrote to `out/bench/<pkg>.json`
 * (or `$ONET_BENCH_OUT`, see `@onet/test-utils/peers`) and prints them. Ratios are peer time / our time
 * (> 1: ours faster), by minimum CPU time and by minimum wall time over alternating runs; a missing peer shows
 * how to install it and no ratio.
 *
 * Rows with an issue #24 goal end the output as a list: met, GAP (with what was tried) or — (not measured, and why).
 *
 *   node scripts/bench-summary.mjs           print the table; exit 1 when a package with a bench wrote no rows
 *   node scripts/bench-summary.mjs --reset   delete the previous rows (npm run bench does this first)
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = process.env.ONET_BENCH_OUT || join(root, 'out', 'bench');

if (process.argv.includes('--reset')) {
  for (const f of existsSync(dir) ? readdirSync(dir) : []) if (f.endsWith('.json')) rmSync(join(dir, f));
  process.exit(0);
}

const benches = readdirSync(join(root, 'packages')).filter((p) => {
  try {
    return !!JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8')).scripts?.bench;
  } catch {
    return false;
  }
});
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
const results = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));

const ms = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const head = ['bench', 'what', 'ours CPU / wall ms', 'peer', 'peer CPU / wall ms', '× CPU', '× wall', 'goal (issue #24)', 'threads'];
const table = [];
for (const r of results.sort((a, b) => a.bench.localeCompare(b.bench)))
  for (const row of r.rows) {
    const p = row.peerTimes;
    table.push([
      r.bench + (r.quick ? ' (quick)' : ''),
      row.what,
      row.unmeasured !== undefined ? `not measured: ${row.unmeasured}` : `${ms(row.ours.cpuMs)} / ${ms(row.ours.wallMs)}`,
      row.peer === null ? '—' : row.peer,
      p ? `${ms(p.cpuMs)} / ${ms(p.wallMs)}` : row.peerMissing ? 'peer missing (see below)' : '—',
      row.ratioCpu === undefined ? '—' : `${row.ratioCpu.toFixed(2)}×`,
      row.ratioWall === undefined ? '—' : `${row.ratioWall.toFixed(2)}×`,
      row.goal ? `${row.goal.text}: ${row.goal.status}` : '—',
      `ours ${row.oursThreads}; peer ${row.peerThreads ?? '—'}`,
    ]);
  }
const missing = benches.filter((b) => !results.some((r) => r.bench === b));
for (const b of missing) table.push([b, 'NO RESULTS (the bench failed or did not run)', '', '', '', '', '', '', '']);

const width = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(width[i])).join(' | ')} |`;
console.log(`\nBench summary (${new Date().toISOString().slice(0, 16)}Z, ${dir}): × = peer time / our time, > 1 means ours is faster;`);
console.log('times are the minimum over alternating runs of ours and the peer in the same process group.\n');
console.log(line(head));
console.log(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of table) console.log(line(row));
const notes = results.flatMap((r) =>
  r.rows.filter((row) => row.note || row.peerMissing).map((row) => `- ${r.bench} · ${row.what}: ${[row.peerMissing && `${row.peer}: ${row.peerMissing}`, row.note].filter(Boolean).join('; ')}`),
);
if (notes.length) console.log(`\nNotes:\n${notes.join('\n')}`);
const goals = results.flatMap((r) => r.rows.filter((row) => row.goal).map((row) => ({ ...row.goal, bench: r.bench, what: row.what, peer: row.peer })));
if (goals.length) {
  const met = goals.filter((g) => g.met === true).length;
  console.log(`\nGoals (issue #24): ${met} of ${goals.length} rows met`);
  for (const g of goals) {
    const head = `- ${g.met === true ? 'met' : g.met === false ? 'GAP' : '—'} · ${g.bench} · ${g.what}${g.peer ? ` vs ${g.peer}` : ''}: ${g.text}: ${g.status}`;
    console.log(g.tried ? `${head}\n    tried: ${g.tried}` : head);
  }
  if (goals.some((g) => g.met !== true)) console.log('  (what each gap is and what was measured on the way: BENCHMARKS.md)');
}
process.exit(missing.length ? 1 : 0);
