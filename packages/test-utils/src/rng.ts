import { createRng } from '@onet/sampling';

/**
 * A seeded uniform generator in [0, 1) for tests: `@onet/sampling`'s {@link createRng} (sfc32), so tests and
 * library draw from the same, platform-independent generator.
 *
 * @example
 * ```ts
 * const r = rng(7);
 * const x = 2 * r() - 1;
 * ```
 */
export function rng(seed: number): () => number {
  const g = createRng(seed);
  return () => g.next();
}

export { createRng, type Rng } from '@onet/sampling';
