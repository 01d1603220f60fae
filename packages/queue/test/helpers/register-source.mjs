// `node --import tsx --import ./register-source.mjs entry.ts`: @onet/* from sources (see source-hooks.mjs).
import { register } from 'node:module';

register('./source-hooks.mjs', import.meta.url);
