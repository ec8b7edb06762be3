/**
 * The statistics of a comparison: percentiles, a seeded random source, and the paired
 * bootstrap confidence interval of a mean difference.
 */
import { InvalidArgumentError } from '@keel/core';
import { assertNumber } from '@keel/core/internal';

/**
 * The `p` quantile of `values` (linear interpolation between order statistics, as NumPy's
 * default); `null` for no values.
 *
 * @example
 * ```ts
 * percentile([10, 20, 30, 40], 0.5); // 25
 * ```
 */
export function percentile(values: readonly number[], p: number): number | null {
  assertNumber('p', p, { min: 0, max: 1 });
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * p;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low] as number;
  return a + ((sorted[high] as number) - a) * (position - low);
}

/**
 * A seeded random source in [0, 1) (mulberry32): the same seed gives the same sequence.
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * random(); // the same number on every run
 * ```
 */
export function seededRandom(seed: number): () => number {
  assertNumber('seed', seed, { integer: true });
  let state = seed >>> 0;
  return function next() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Options of {@link pairedBootstrap}. */
export interface BootstrapOptions {
  /** Seed of the resampling; default 1. */
  seed?: number;
  /** Resamples drawn; default 2,000. */
  resamples?: number;
  /** Coverage of the interval; default 0.95. */
  confidence?: number;
}

/** A mean difference and its confidence interval. */
export interface DeltaInterval {
  /** Mean of candidate minus baseline over the pairs. */
  delta: number;
  low: number;
  high: number;
}

/**
 * The paired bootstrap interval of the mean of `candidate[i] - baseline[i]`: case pairs are
 * resampled with replacement, so per-case difficulty cancels out. Deterministic for a seed.
 *
 * @throws InvalidArgumentError when the arrays differ in length or are empty.
 * @example
 * ```ts
 * pairedBootstrap([0, 1, 1, 0], [1, 1, 1, 1], { seed: 7 }); // { delta: 0.5, low: 0, high: 1 }
 * ```
 */
export function pairedBootstrap(
  baseline: readonly number[],
  candidate: readonly number[],
  { seed = 1, resamples = 2_000, confidence = 0.95 }: BootstrapOptions = {},
): DeltaInterval {
  assertNumber('resamples', resamples, { integer: true, min: 1 });
  assertNumber('confidence', confidence, { min: 0, max: 1 });
  assertNumber('baseline.length', baseline.length, {
    integer: true,
    min: 1,
    hint: 'compare at least one case',
  });
  if (candidate.length !== baseline.length) {
    throw new InvalidArgumentError({
      argument: 'candidate',
      message: `candidate has ${candidate.length} values and baseline ${baseline.length}; pass one value per case, in the same order`,
    });
  }
  const differences = baseline.map((value, i) => (candidate[i] as number) - value);
  const n = differences.length;
  const random = seededRandom(seed);
  const means: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += differences[Math.floor(random() * n)] as number;
    means.push(sum / n);
  }
  const tail = (1 - confidence) / 2;
  return {
    delta: differences.reduce((sum, d) => sum + d, 0) / n,
    low: percentile(means, tail) as number,
    high: percentile(means, 1 - tail) as number,
  };
}
