#!/usr/bin/env bash
# Usage: scripts/new-package.sh <dir-name> "<description>" [dep ...]
set -euo pipefail
name=$1; desc=$2; shift 2
d=packages/$name
mkdir -p $d/src $d/test
deps=""
# sibling ranges follow the workspace versions (changesets keeps them in sync), never "*"
for dep in "$@"; do
  v=$(node -p "require('./packages/${dep#@onet/}/package.json').version")
  deps="$deps\"$dep\": \"^$v\","
done
deps=${deps%,}
cat > $d/package.json <<JSON
{
  "name": "@onet/$name",
  "version": "0.1.0",
  "description": "$desc",
  "license": "MIT",
  "author": "the onet authors",
  "repository": { "type": "git", "url": "git+https://github.com/onet-js/onet.git", "directory": "packages/$name" },
  "homepage": "https://github.com/onet-js/onet/tree/main/packages/$name#readme",
  "bugs": { "url": "https://github.com/onet-js/onet/issues" },
  "keywords": ["occupancy-networks", "3d"],
  "engines": { "node": ">=20" },
  "type": "module",
  "main": "./dist/index.cjs",
  "module": "./dist/index.js",
  "types": "./dist/index.d.ts",
  "exports": {
    ".": {
      "import": { "types": "./dist/index.d.ts", "default": "./dist/index.js" },
      "require": { "types": "./dist/index.d.cts", "default": "./dist/index.cjs" }
    },
    "./package.json": "./package.json"
  },
  "files": ["dist", "README.md", "LICENSE"],
  "sideEffects": false,
  "scripts": {
    "build": "tsup",
    "typecheck": "tsc --noEmit -p .",
    "test": "cd ../.. && vitest run packages/$name"
  },
  "dependencies": { $deps }
}
JSON
cat > $d/tsconfig.json <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "." },
  "include": ["src", "test"]
}
JSON
cat > $d/tsup.config.ts <<TS
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
TS
[ -f $d/LICENSE ] || cp LICENSE $d/LICENSE
[ -f $d/src/index.ts ] || echo "export {};" > $d/src/index.ts
[ -f $d/README.md ] || printf "# @onet/$name\n\n$desc\n" > $d/README.md
