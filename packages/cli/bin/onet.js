#!/usr/bin/env node
// The `onet` binary: runs the built program (dist/cli.js). A file of its own, committed, so that npm links the
// binary at install time even in a fresh checkout of the monorepo, where dist/ is built afterwards.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error('onet: error: @onet/cli is not built (dist/cli.js missing); run `npm run build` at the repository root');
  process.exit(1);
}
await import(cli.href);
