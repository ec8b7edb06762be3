/**
 * The default embedder: no network and no model files. Each text becomes a bag of hashed
 * features (words, word pairs and character trigrams) with signed feature hashing, then is
 * L2-normalised, so cosine similarity measures shared vocabulary and spelling.
 */
import { throwIfAborted } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { type AnalyzerOptions, createAnalyzer } from './analyze';
import { analyzerDigest, formatAnalyzer } from './analyzer-descriptor';
import type { Embedder } from './embedder';
import { legacyAnalyzer } from './legacy-analyzer';

/** Options of {@link createLocalEmbedder}. */
export interface LocalEmbedderOptions {
  /** Vector length; default 384. */
  dimensions?: number;
  /**
   * Split code identifiers into their words too (`createRedisBudget` also as `create redis
   * budget`); default true.
   */
  identifiers?: boolean;
  /**
   * The analyzer of the embedded words; default `{ stemming: true }` (Porter2, folding), with
   * `identifiers` above. The model id names the analyzer: `keel-local-hash-v3-<dimensions>-<digest>`.
   * `{ stemming: 'light', folding: false }` with `identifiers: false` gives the first release's
   * vectors, `keel-local-hash-v1-<dimensions>`, to open an index built with it.
   */
  analyzer?: AnalyzerOptions;
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
  analyzer,
}: LocalEmbedderOptions = {}): Embedder {
  assertNumber('dimensions', dimensions, { integer: true, min: 8 });
  const options = { stemming: true, identifiers, ...analyzer };
  const analyze = createAnalyzer(options);
  // Vectors of different analyzers must never mix in a store or cache: v1 is the first
  // release's (light stemmer, no identifiers), v3 names its analyzer.
  const legacy =
    formatAnalyzer(analyze.descriptor) === formatAnalyzer(legacyAnalyzer(options)) &&
    options.stemming !== false &&
    (options.stopWords ?? false) === false;
  const modelId = legacy
    ? `keel-local-hash-v1-${dimensions}`
    : `keel-local-hash-v3-${dimensions}-${analyzerDigest(analyze.descriptor)}`;

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
    modelId,
    dimensions,
    async embed(texts, { signal } = {}) {
      throwIfAborted(signal);
      return texts.map(embedOne);
    },
  };
}
