import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/node.js';

const MB = 32;
const child = fileURLToPath(new URL('./writeFileAtomicChild.ts', import.meta.url));

/**
 * Start the child writer on `dest`, let it finish `rounds` writes, then SIGKILL it as soon as a temporary file of the
 * next write is seen beside `dest` (in atomic mode; right after it announces the write in plain mode), and return
 * once it is dead.
 */
function killMidWrite(dest: string, rounds: number, mode: 'atomic' | 'plain'): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dest, String(MB), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    let watching = false;
    const watch = async (): Promise<void> => {
      while (p.exitCode === null && p.signalCode === null) {
        if (mode === 'plain' || (await readdir(dirname(dest))).some((n) => n.startsWith(`.${basename(dest)}.tmp-`))) {
          p.kill('SIGKILL');
          return;
        }
      }
    };
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      if (!watching && buf.includes(`start ${rounds}\n`)) {
        watching = true;
        watch().catch(reject);
      }
    });
    p.on('error', reject);
    p.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited without being killed (${signal})`))));
  });
}

/** 'A…A' or 'B…B' of the full size, else a description of what is there. */
async function wholeContent(path: string): Promise<string> {
  const b = await readFile(path);
  if (b.length !== MB * 2 ** 20) return `truncated: ${b.length} bytes`;
  if (b.every((x) => x === 0x41)) return 'A';
  if (b.every((x) => x === 0x42)) return 'B';
  return 'mixed';
}

describe('writeFileAtomic', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onet-atomic-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a process killed while it rewrites a big file leaves the old or the new file, never a truncated one', async () => {
    const dest = join(dir, 'big.bin');
    // Kill until a kill has landed mid-write (a temporary file is left: it proves that, and that the kill did not
    // hit the destination) at least twice, checking the destination after every kill.
    let midWrite = 0;
    for (let round = 0; round < 8 && midWrite < 2; round++) {
      await killMidWrite(dest, 1 + (round % 2), 'atomic');
      expect(['A', 'B']).toContain(await wholeContent(dest));
      const temps = (await readdir(dir)).filter((n) => n.startsWith('.big.bin.tmp-'));
      if (temps.length) midWrite++;
      for (const t of temps) await rm(join(dir, t));
    }
    expect(midWrite).toBe(2);
  });

  it('writes strings and bytes, creates the folder, keeps the mode and leaves no temporary file', async () => {
    const dest = join(dir, 'sub', 'deeper', 'r.json');
    await writeFileAtomic(dest, '{"a":1}');
    expect(await readFile(dest, 'utf8')).toBe('{"a":1}');
    await chmod(dest, 0o600);
    await writeFileAtomic(dest, new Uint8Array([1, 2, 3]));
    expect([...(await readFile(dest))]).toEqual([1, 2, 3]);
    expect((await stat(dest)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'sub', 'deeper'))).toEqual(['r.json']);
  });

  it('a failed write leaves the destination and no temporary file', async () => {
    const folder = join(dir, 'isdir');
    await mkdir(join(folder, 'x.bin'), { recursive: true });
    await expect(writeFileAtomic(join(folder, 'x.bin'), 'data')).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
    expect(await readdir(folder)).toEqual(['x.bin']);
    await writeFile(join(dir, 'file'), 'keep');
    await expect(writeFileAtomic(join(dir, 'file', 'inside.txt'), 'x')).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
    expect(await readFile(join(dir, 'file'), 'utf8')).toBe('keep');
  });
});
