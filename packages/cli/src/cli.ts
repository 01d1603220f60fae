#!/usr/bin/env node
/**
 * `onet` — the command-line entry (bin). The program itself lives in `program.ts`
 * (`buildProgram`, `main`), a thin layer over the library functions.
 */
import { main } from './program.js';

main().then((code) => {
  process.exitCode = code;
});
