#!/usr/bin/env bash
# Usage: scripts/new-package.sh <dir-name> "<description>" [dep ...]
set -euo pipefail
name=$1; desc=$2; shift 2
d=packages/$name
mkdir -p $d/src $d/test
deps=""
for dep in "$@"; do deps="$deps\"$dep\": \"*\","; done
deps=${deps%,}
cat > $d/package.json <<JSON
{
  "name": "@onet/$name",
  "version": "0.1.0",
  "description": "$desc",
  "license": "MIT",
  "type": "module",
  "main": "./dist/index.cjs",
  "module": "./dist/index.js",
  "types": "./dist/index.d.ts",
  "exports": {
    ".": {
      "types": "./dist/index.d.ts",
      "import": "./dist/index.js",
      "require": "./dist/index.cjs"
    },
    "./package.json": "./package.json"
  },
  "files": ["dist", "README.md"],
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
[ -f $d/src/index.ts ] || echo "export {};" > $d/src/index.ts
[ -f $d/README.md ] || printf "# @onet/$name\n\n$desc\n" > $d/README.md
