/**
 * The default embedder: no network and no model files. Each text becomes a bag of hashed
 * features (words, word pairs and character trigrams) with signed feature hashing, then is
 * L2-normalised, so cosine similarity measures shared vocabulary and spelling.
 */
import { throwIfAborted } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { createAnalyzer } from './analyze';
import type { Embedder } from './embedder';

/** Options of {@link createLocalEmbedder}. */
export interface LocalEmbedderOptions {
  /** Vector length; default 384. */
  dimensions?: number;
  /**
   * Split code identifiers into their words too (`createRedisBudget` also as `create redis
   * budget`); default true, model id `keel-local-hash-v2-<dimensions>`. `false` gives the
   * earlier vectors (`keel-local-hash-v1-<dimensions>`), to open an index built before.
   */
  identifiers?: boolean;
}

function hash(text: string, seed: number): number {
  let state = seed;
  for (let i = 0; i < text.length; i++) state = Math.imul(state ^ text.charCodeAt(i), 0x01000193);
  state ^= state >>> 15;
  return Math.imul(state, 0x2c1b3c6d) >>> 0;
}

/**
 * Creates the built-in local embedder. Deterministic: the same text always gives the same
 * vector. Good for offline use, tests and lexical-semantic matching; use a model-based
 * embedder for paraphrase-level semantics.
 *
 * @example
 * ```ts
 * const embedder = createLocalEmbedder({ dimensions: 384 });
 * const [a, b] = await embedder.embed(['vector search', 'searching vectors']);
 * ```
 */
export function createLocalEmbedder({
  dimensions = 384,
  identifiers = true,
}: LocalEmbedderOptions = {}): Embedder {
  assertNumber('dimensions', dimensions, { integer: true, min: 8 });
  const analyze = createAnalyzer({ stemming: true, identifiers });

  function add(vector: Float32Array, feature: string, weight: number): void {
    const h = hash(feature, 0x811c9dc5);
    const slot = h % dimensions;
    vector[slot] = (vector[slot] as number) + (h & 0x80000000 ? -weight : weight);
  }

  function embedOne(text: string): Float32Array {
    const vector = new Float32Array(dimensions);
    const words = analyze(text);
    for (let i = 0; i < words.length; i++) {
      const word = words[i] as string;
      add(vector, word, 1);
      if (i > 0) add(vector, `${words[i - 1]} ${word}`, 0.5);
      const padded = `^${word}$`;
      for (let j = 0; j + 3 <= padded.length; j++) add(vector, `#${padded.slice(j, j + 3)}`, 0.25);
    }
    let norm = 0;
    for (let i = 0; i < dimensions; i++) norm += (vector[i] as number) ** 2;
    // A text without words gets a fixed unit vector, so cosine distances stay defined.
    if (norm === 0) vector[0] = 1;
    else {
      const scale = 1 / Math.sqrt(norm);
      for (let i = 0; i < dimensions; i++) vector[i] = (vector[i] as number) * scale;
    }
    return vector;
  }

  return {
    // Vectors of v1 (before identifier splitting) and v2 must never mix in a store or cache.
    modelId: `keel-local-hash-${identifiers ? 'v2' : 'v1'}-${dimensions}`,
    dimensions,
    async embed(texts, { signal } = {}) {
      throwIfAborted(signal);
      return texts.map(embedOne);
    },
  };
}
