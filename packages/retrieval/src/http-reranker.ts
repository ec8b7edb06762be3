/**
 * One HTTP reranker for every rerank API shaped like Cohere's or Voyage's: the request sent
 * with a key, a time limit and retries, the response checked, the billed units priced, and the
 * ranking applied to retrieval candidates (the `rerank` hook of the retriever).
 */
import { type Clock, InvalidArgumentError, systemClock } from '@keel/core';
import { assertDelay, assertNumber, normalizeBaseURL } from '@keel/core/internal';
import { type RetryOptions, retry } from '@keel/resilience';
import { type CostBreakdown, estimateCost } from '@keel/tokens';
import { postRerankRequest } from './post-rerank-request';
import {
  type RerankResponseShape,
  type RerankResult,
  readRerankResponse,
} from './read-rerank-response';
import type { RerankFunction } from './reranker';

/** Options every HTTP reranker takes. */
export interface HttpRerankerOptions {
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  model?: string;
  /** The server; default the provider's own. */
  baseURL?: string;
  /** Keep only the best `topN` candidates; default all, reordered. */
  topN?: number;
  /**
   * The price: USD per 1,000 search units (Cohere) or per million tokens (Voyage). Default: the
   * provider's table; required for a model not in it (`0` for a server that does not bill).
   */
  price?: number;
  /** Called after every billed request with its units and cost. */
  onUsage?: (usage: RerankUsage) => void;
  /** Time limit of one attempt, in milliseconds; default 30,000. */
  timeoutMs?: number;
  /** Retries of failed attempts (5xx, 408, 409, 429, timeouts, network errors); default 3 attempts in all. */
  retry?: RetryOptions;
  fetch?: typeof fetch;
  clock?: Clock;
}

/** What one rerank request was billed. */
export interface RerankUsage {
  provider: string;
  model: string;
  /** The units billed: search units (Cohere) or tokens (Voyage). */
  units: number;
  unit: 'search-units' | 'tokens';
  /** The cost in USD (its `total`), exact in nano-dollars as everywhere in Keel. */
  cost: CostBreakdown;
}

/** What {@link HttpReranker.rank} returns. */
export interface RerankRanking {
  /** The documents ranked, most relevant first. */
  results: RerankResult[];
  /** Undefined when no request was needed (no documents). */
  usage: RerankUsage | undefined;
}

/** A reranker on a rerank API: pass it as the retriever's `rerank` option. */
export interface HttpReranker {
  readonly provider: string;
  readonly model: string;
  /** Ranks `documents` for `query`. */
  rank(request: {
    query: string;
    documents: readonly string[];
    topN?: number;
    signal?: AbortSignal;
  }): Promise<RerankRanking>;
  /** The retriever's hook: candidates reordered, scores replaced by relevance. */
  rerank: RerankFunction;
}

/** The wire details of one rerank API. */
export interface RerankProtocol extends RerankResponseShape {
  defaultBaseURL: string;
  path: string;
  defaultModel: string;
  prices: Readonly<Record<string, number>>;
  unit: RerankUsage['unit'];
  /** Multiplies a `price` into USD per million units. */
  pricePerMillionUnits: number;
  /** The most documents one request may carry. */
  maxDocuments: number;
  body(request: {
    model: string;
    query: string;
    documents: readonly string[];
    topN?: number;
  }): object;
}

/**
 * Creates a reranker for `protocol`.
 *
 * @throws InvalidArgumentError for a missing key, bad limits, or a model without a known price.
 */
export function createHttpReranker(
  protocol: RerankProtocol,
  {
    apiKey,
    model = protocol.defaultModel,
    baseURL = protocol.defaultBaseURL,
    topN,
    price,
    onUsage,
    timeoutMs = 30_000,
    retry: retryOptions,
    fetch: fetchImpl = globalThis.fetch,
    clock = systemClock,
  }: HttpRerankerOptions,
): HttpReranker {
  const { provider } = protocol;
  if (typeof apiKey !== 'string' || apiKey === '') {
    throw new InvalidArgumentError({
      argument: 'apiKey',
      message: `The ${provider} reranker needs an apiKey (any non-empty string for a server without keys)`,
    });
  }
  if (topN !== undefined) assertNumber('topN', topN, { integer: true, min: 1 });
  assertDelay('timeoutMs', timeoutMs, { integer: true, min: 1 });
  const listed = price ?? protocol.prices[model];
  if (listed === undefined) {
    throw new InvalidArgumentError({
      argument: 'price',
      message: `The ${provider} rerank model "${model}" has no known price; pass price (${protocol.unit === 'tokens' ? 'USD per million tokens' : 'USD per 1,000 search units'}; 0 for a server that does not bill)`,
    });
  }
  assertNumber('price', listed, { min: 0 });
  const unitPrice: number = listed;
  const prices = { input: unitPrice * protocol.pricePerMillionUnits, output: 0 };
  const url = `${normalizeBaseURL(baseURL)}${protocol.path}`;
  const policy = retry({ clock, ...retryOptions });

  async function rank({
    query,
    documents,
    topN: requestTopN = topN,
    signal,
  }: Parameters<HttpReranker['rank']>[0]): Promise<RerankRanking> {
    signal?.throwIfAborted();
    if (typeof query !== 'string' || query === '') {
      throw new InvalidArgumentError({
        argument: 'query',
        message: 'query must be a non-empty string',
      });
    }
    if (documents.length > protocol.maxDocuments) {
      throw new InvalidArgumentError({
        argument: 'documents',
        message: `${documents.length} documents exceed the ${provider} limit of ${protocol.maxDocuments} per request; rerank fewer candidates`,
      });
    }
    if (documents.length === 0) return { results: [], usage: undefined };
    const body = protocol.body({
      model,
      query,
      documents,
      ...(requestTopN !== undefined && { topN: requestTopN }),
    });
    const json = await policy.execute(
      ({ signal: attempt }) =>
        postRerankRequest({
          url,
          apiKey,
          body,
          provider,
          timeoutMs,
          signal: attempt,
          clock,
          fetchImpl,
        }),
      {
        ...(signal !== undefined && { signal }),
      },
    );
    const { results, units } = readRerankResponse(json, documents.length, protocol, unitPrice > 0);
    const usage: RerankUsage = {
      provider,
      model,
      units,
      unit: protocol.unit,
      cost: estimateCost(
        {
          inputTokens: units,
          outputTokens: 0,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        },
        model,
        { prices },
      ),
    };
    onUsage?.(usage);
    return { results, usage };
  }

  return {
    provider,
    model,
    rank,
    async rerank(query, candidates, { signal }) {
      const { results } = await rank({
        query,
        documents: candidates.map((candidate) => candidate.chunk.text),
        ...(signal !== undefined && { signal }),
      });
      return results.map(({ index, relevanceScore }) => ({
        ...(candidates[index] as (typeof candidates)[number]),
        score: relevanceScore,
      }));
    },
  };
}
