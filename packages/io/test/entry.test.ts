import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src/', import.meta.url));

describe('entry points', () => {
  it('the main entry imports no Node built-ins (it must bundle for browsers); only src/node.ts does', () => {
    // Walk the import graph from index.ts.
    const seen = new Set<string>();
    const stack = ['index.ts'];
    const nodeImports: string[] = [];
    while (stack.length) {
      const f = stack.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      const text = readFileSync(src + f, 'utf8');
      for (const m of text.matchAll(/from '([^']+)'/g)) {
        if (m[1].startsWith('./')) stack.push(m[1].slice(2).replace(/\.js$/, '.ts'));
        else if (m[1].startsWith('node:') || ['fs', 'path', 'os', 'child_process'].includes(m[1])) nodeImports.push(`${f}: ${m[1]}`);
      }
    }
    expect(seen.size).toBeGreaterThan(15);
    expect(seen.has('node.ts')).toBe(false);
    expect(nodeImports).toEqual([]);
    expect(readdirSync(src)).toContain('node.ts');
  });

  it('package.json exports the ./node subpath built by tsup', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.exports['./node'].import.default).toBe('./dist/node.js');
    expect(pkg.exports['./node'].require.types).toBe('./dist/node.d.cts');
    expect(readFileSync(new URL('../tsup.config.ts', import.meta.url), 'utf8')).toContain("'src/node.ts'");
  });
});
