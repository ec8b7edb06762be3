/**
 * The embedder contract: text in, one vector per text out, from a named model.
 */

/** Options of {@link Embedder.embed}. */
export interface EmbedOptions {
  signal?: AbortSignal;
}

/**
 * Turns texts into vectors. `modelId` is recorded in saved indexes, so an index is never
 * queried with vectors of another model.
 *
 * @example
 * ```ts
 * const embedder: Embedder = createLocalEmbedder();
 * const [vector] = await embedder.embed(['hello']);
 * ```
 */
export interface Embedder {
  readonly modelId: string;
  readonly dimensions: number;
  /**
   * What decides this embedder's vectors besides the text, when `modelId` does not say it all
   * (a shortened size, another server): embedding caches key on it. Default `modelId`.
   */
  readonly cacheKey?: string;
  embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
}
