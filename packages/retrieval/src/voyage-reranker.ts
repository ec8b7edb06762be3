/**
 * Voyage AI's rerank API (`POST /v1/rerank`) and servers that speak it.
 */
import { createHttpReranker, type HttpReranker, type HttpRerankerOptions } from './http-reranker';
import { VOYAGE_RERANK_PRICES } from './rerank-prices';

/** Options of {@link createVoyageReranker}. */
export interface VoyageRerankerOptions extends HttpRerankerOptions {
  /** `false` makes the server reject inputs over the model's context instead of cutting them. */
  truncation?: boolean;
}

/**
 * A reranker on Voyage AI's rerank API: default model `rerank-2.5`, server
 * `https://api.voyageai.com`, cost from the billed tokens.
 *
 * @example
 * ```ts
 * const reranker = createVoyageReranker({ apiKey: process.env.VOYAGE_API_KEY ?? '', topN: 5 });
 * const results = await retriever.retrieve(question, { rerank: reranker });
 * ```
 */
export function createVoyageReranker(options: VoyageRerankerOptions): HttpReranker {
  const { truncation } = options;
  return createHttpReranker(
    {
      provider: 'voyage',
      defaultBaseURL: 'https://api.voyageai.com',
      path: '/v1/rerank',
      defaultModel: 'rerank-2.5',
      prices: VOYAGE_RERANK_PRICES,
      unit: 'tokens',
      pricePerMillionUnits: 1,
      maxDocuments: 1_000,
      resultsField: 'data',
      unitsPath: ['usage', 'total_tokens'],
      body: ({ model, query, documents, topN }) => ({
        query,
        documents,
        model,
        ...(topN !== undefined && { top_k: topN }),
        ...(truncation !== undefined && { truncation }),
      }),
    },
    options,
  );
}
