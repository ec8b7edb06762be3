/**
 * Deterministic benchmark data: clustered vectors, short documents and queries over a
 * Zipf-distributed vocabulary, markdown files, and a median timer. Sizes come from environment variables so a
 * busy machine can run smaller versions.
 */

/** An integer from the environment, or the default. */
export function sizeFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** A seeded uniform generator in [0, 1). */
export function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
}

/** `count` vectors around `clusters` random centres (spread 0.35 around unit-scale centres). */
export function clusteredVectors(
  count: number,
  dim: number,
  clusters: number,
  seed: number,
): number[][] {
  const next = random(seed);
  const centres = Array.from({ length: clusters }, () =>
    Array.from({ length: dim }, () => gaussian(next)),
  );
  return Array.from({ length: count }, () => {
    const centre = centres[Math.floor(next() * clusters)] as number[];
    return centre.map((value) => value + 0.35 * gaussian(next) * 1.5);
  });
}

/** Indices of the k nearest rows by cosine similarity, over the rows `allowed` accepts. */
export function exactNeighbours(
  rows: Float32Array[],
  query: Float32Array,
  k: number,
  allowed: (index: number) => boolean = () => true,
): number[] {
  const scored: Array<[number, number]> = [];
  for (let i = 0; i < rows.length; i++) {
    if (!allowed(i)) continue;
    const row = rows[i] as Float32Array;
    let dot = 0;
    for (let j = 0; j < row.length; j++) dot += (row[j] as number) * (query[j] as number);
    scored.push([dot, i]);
  }
  scored.sort((a, b) => b[0] - a[0]);
  return scored.slice(0, k).map(([, index]) => index);
}

/** Unit-length float32 copies. */
export function normalised(vectors: number[][]): Float32Array[] {
  return vectors.map((vector) => {
    const norm = Math.hypot(...vector) || 1;
    return Float32Array.from(vector, (value) => value / norm);
  });
}

/** A vocabulary of pronounceable made-up words. */
export function vocabulary(size: number, seed: number): string[] {
  const next = random(seed);
  const syllables = [
    'ka',
    'lo',
    'mi',
    'ne',
    'su',
    'ra',
    'to',
    'vi',
    'de',
    'po',
    'chi',
    'an',
    'el',
    'or',
    'um',
  ];
  const words = new Set<string>();
  while (words.size < size) {
    const length = 2 + Math.floor(next() * 3);
    let word = '';
    for (let i = 0; i < length; i++) word += syllables[Math.floor(next() * syllables.length)];
    words.add(word);
  }
  return [...words];
}

/** A Zipf sampler over `size` ranks. */
export function zipf(size: number, next: () => number): () => number {
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let i = 0; i < size; i++) {
    total += 1 / (i + 1);
    cumulative[i] = total;
  }
  return () => {
    const target = next() * total;
    let low = 0;
    let high = size - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((cumulative[middle] as number) < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

/** `count` short documents of 6 to 20 words. */
export function shortDocuments(count: number, seed: number): Array<{ id: string; text: string }> {
  const words = vocabulary(20_000, seed);
  const next = random(seed + 1);
  const rank = zipf(words.length, next);
  return Array.from({ length: count }, (_, i) => {
    const length = 6 + Math.floor(next() * 15);
    return { id: `d${i}`, text: Array.from({ length }, () => words[rank()]).join(' ') };
  });
}

/** Queries of 2 or 3 words drawn from the same vocabulary, skipping the 50 commonest. */
export function shortQueries(count: number, seed: number): string[] {
  const words = vocabulary(20_000, seed);
  const next = random(seed + 2);
  const rank = zipf(words.length, next);
  return Array.from({ length: count }, () => {
    const length = 2 + Math.floor(next() * 2);
    return Array.from({ length }, () => words[50 + (rank() % (words.length - 50))]).join(' ');
  });
}

/** Queries of 2 or 3 words drawn uniformly from frequency ranks 10 to 100 of the vocabulary. */
export function commonQueries(count: number, seed: number): string[] {
  const words = vocabulary(20_000, seed);
  const next = random(seed + 3);
  return Array.from({ length: count }, () => {
    const length = 2 + Math.floor(next() * 2);
    return Array.from({ length }, () => words[10 + Math.floor(next() * 91)]).join(' ');
  });
}

/** Median, smallest and largest of `values`. */
export function spread(values: readonly number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)] as number,
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
  };
}

/** Median in microseconds of `run` over every query, after a warm-up pass. */
export function medianMicros(queries: readonly string[], run: (query: string) => unknown): number {
  for (const query of queries) run(query);
  const times = queries.map((query) => {
    const started = process.hrtime.bigint();
    run(query);
    return Number(process.hrtime.bigint() - started) / 1000;
  });
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}
