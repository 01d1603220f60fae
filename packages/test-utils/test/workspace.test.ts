import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}
const manifests: Manifest[] = ['packages', 'examples'].flatMap((dir) =>
  readdirSync(join(root, dir))
    .filter((d) => existsSync(join(root, dir, d, 'package.json')))
    .map((d) => JSON.parse(readFileSync(join(root, dir, d, 'package.json'), 'utf8')) as Manifest),
);

/** The first cycle among workspace packages (every kind of dependency counts, as turbo's `^build` does), or undefined. */
export function findCycle(pkgs: Manifest[]): string[] | undefined {
  const names = new Set(pkgs.map((p) => p.name));
  const edges = new Map(pkgs.map((p) => [p.name, Object.keys({ ...p.dependencies, ...p.devDependencies, ...p.peerDependencies }).filter((d) => names.has(d))]));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'open') return [...path.slice(path.indexOf(n)), n];
    state.set(n, 'open');
    path.push(n);
    for (const m of edges.get(n) ?? []) {
      const c = visit(m);
      if (c) return c;
    }
    path.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of names) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}

describe('the workspace', () => {
  it('has no dependency cycle (turbo refuses to build one, and `npm run demo` builds first)', () => {
    expect(manifests.length).toBeGreaterThan(10);
    expect(findCycle(manifests)).toBeUndefined();
  });

  it('findCycle finds a cycle through devDependencies', () => {
    const pkgs: Manifest[] = [
      { name: 'a', dependencies: { b: '*' } },
      { name: 'b', devDependencies: { c: '*' } },
      { name: 'c', dependencies: { a: '*' } },
    ];
    expect(findCycle(pkgs)).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(pkgs.slice(0, 2))).toBeUndefined();
  });
});
