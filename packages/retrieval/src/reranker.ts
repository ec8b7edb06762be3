/**
 * The rerank hook: a function, or an object with a `rerank` method (a cross-encoder or an
 * LLM-based ranker), that reorders or rescores retrieval candidates.
 */
import type { RetrievedChunk } from './types';

/** Reorders candidates for a query; may drop some and change scores. */
export type RerankFunction = (
  query: string,
  candidates: RetrievedChunk[],
  options: { signal?: AbortSignal },
) => RetrievedChunk[] | Promise<RetrievedChunk[]>;

/** A reranker as a function or a model object. */
export type Reranker = RerankFunction | { rerank: RerankFunction };
