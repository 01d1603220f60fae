import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileModelSource } from '../src/node/loadModel.js';

const dir = mkdtempSync(join(tmpdir(), 'onet-file-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fileModelSource', () => {
  it('reads files whole, each into memory of its own (small and large), and a missing file as undefined', async () => {
    const small = Uint8Array.from({ length: 100 }, (_, i) => i);
    const large = Uint8Array.from({ length: 3_000_001 }, (_, i) => (i * 7) & 255);
    writeFileSync(join(dir, 'small.bin'), small);
    writeFileSync(join(dir, 'large.bin'), large);
    const source = fileModelSource(dir);
    for (const [name, want] of [
      ['small.bin', small],
      ['large.bin', large],
    ] as const) {
      const got = (await source.read(name))!;
      expect(got).toBeInstanceOf(Uint8Array);
      expect(got.length).toBe(want.length);
      expect(Buffer.compare(Buffer.from(got), Buffer.from(want))).toBe(0);
      // no view into a shared buffer: callers may take typed views of got.buffer
      expect(got.byteOffset).toBe(0);
      expect(got.buffer.byteLength).toBe(want.length);
    }
    expect(await source.read('missing.bin')).toBeUndefined();
  });
});
