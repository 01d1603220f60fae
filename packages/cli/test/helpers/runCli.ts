import { vi } from 'vitest';
import { main } from '../../src/program.js';

/**
 * Run `onet …args` in-process (`main`), capturing what it prints: `out` = console.log and stdout, `err` =
 * console.error and stderr (commander's usage errors). Returns the exit code `main` gives.
 */
export async function runCli(...args: string[]): Promise<{ code: number; err: string; out: string }> {
  let err = '';
  let out = '';
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const l = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (out += `${a.join(' ')}\n`));
  const ce = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (err += `${a.join(' ')}\n`));
  try {
    const code = await main(['node', 'onet', ...args]);
    return { code, err, out };
  } finally {
    e.mockRestore();
    o.mockRestore();
    l.mockRestore();
    ce.mockRestore();
  }
}
