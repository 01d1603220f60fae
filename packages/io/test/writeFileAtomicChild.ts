// Child process of writeFileAtomic.test.ts: rewrites one big file forever, alternating two contents, and
// prints "start <k>" just before each write so that the parent can kill it mid-write.
import { writeFile } from 'node:fs/promises';
import { writeFileAtomic } from '../src/writeFileAtomic.js';

const [dest, mb, mode] = process.argv.slice(2);
const size = Number(mb) * 2 ** 20;
const contents = [new Uint8Array(size).fill(0x41), new Uint8Array(size).fill(0x42)];
for (let k = 0; ; k++) {
  process.stdout.write(`start ${k}\n`);
  if (mode === 'plain') await writeFile(dest, contents[k % 2]);
  else await writeFileAtomic(dest, contents[k % 2]);
}
