/**
 * Cohere's rerank API (`POST /v2/rerank`) and servers that speak it.
 */
import { createHttpReranker, type HttpReranker, type HttpRerankerOptions } from './http-reranker';
import { COHERE_RERANK_PRICES } from './rerank-prices';

/** Options of {@link createCohereReranker}. */
export interface CohereRerankerOptions extends HttpRerankerOptions {
  /** Longer documents are cut to this many tokens by the server; default the server's (4,096). */
  maxTokensPerDoc?: number;
}

/**
 * A reranker on Cohere's v2 rerank API: default model `rerank-v3.5`, server
 * `https://api.cohere.com`, cost from the billed search units.
 *
 * @example
 * ```ts
 * const reranker = createCohereReranker({ apiKey: process.env.COHERE_API_KEY ?? '', topN: 5 });
 * const results = await retriever.retrieve(question, { rerank: reranker });
 * ```
 */
export function createCohereReranker(options: CohereRerankerOptions): HttpReranker {
  const { maxTokensPerDoc } = options;
  return createHttpReranker(
    {
      provider: 'cohere',
      defaultBaseURL: 'https://api.cohere.com',
      path: '/v2/rerank',
      defaultModel: 'rerank-v3.5',
      prices: COHERE_RERANK_PRICES,
      unit: 'search-units',
      pricePerMillionUnits: 1_000,
      maxDocuments: 1_000,
      resultsField: 'results',
      unitsPath: ['meta', 'billed_units', 'search_units'],
      body: ({ model, query, documents, topN }) => ({
        model,
        query,
        documents,
        ...(topN !== undefined && { top_n: topN }),
        ...(maxTokensPerDoc !== undefined && { max_tokens_per_doc: maxTokensPerDoc }),
      }),
    },
    options,
  );
}
