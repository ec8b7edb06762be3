import { InvalidArgumentError, TimeoutError } from '@keel/core';
import { type MockProvider, startMockProvider } from '@keel/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCohereReranker } from './cohere-reranker';
import type { RerankUsage } from './http-reranker';
import { RerankHttpError } from './rerank-http-error';
import { RerankResponseError } from './rerank-response-error';
import { createRetriever } from './retriever';
import type { RetrievedChunk } from './types';
import { createVoyageReranker } from './voyage-reranker';

let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider();
});
beforeEach(() => mock.reset());
afterAll(() => mock.close());

const documents = ['Paris is in France.', 'The capital of France is Paris.', 'Rome is in Italy.'];
const noRetry = { maxAttempts: 1 };

describe('createCohereReranker', () => {
  it('sends the v2 request and prices the billed search units', async () => {
    const usages: RerankUsage[] = [];
    const reranker = createCohereReranker({
      apiKey: 'co-test-key',
      baseURL: `${mock.url}/`,
      topN: 2,
      onUsage: (usage) => usages.push(usage),
    });
    const { results, usage } = await reranker.rank({ query: 'capital of France', documents });
    expect(results).toEqual([
      { index: 1, relevanceScore: 1 },
      { index: 0, relevanceScore: 1 / 3 },
    ]);
    expect(mock.requests[0]).toMatchObject({
      route: 'cohere.rerank',
      body: { model: 'rerank-v3.5', query: 'capital of France', documents, top_n: 2 },
      headers: { authorization: 'Bearer [redacted]' },
    });
    expect(usage).toMatchObject({ provider: 'cohere', units: 1, unit: 'search-units' });
    expect(usage?.cost.total).toBe(0.002); // $2 per 1,000 search units
    expect(usages).toEqual([usage]);
  });

  it('reorders retrieval candidates and replaces their scores', async () => {
    const reranker = createCohereReranker({ apiKey: 'k', baseURL: mock.url });
    const candidates = documents.map(
      (text, index) => ({ chunk: { id: `d#${index}`, text }, score: 0.5 }) as RetrievedChunk,
    );
    const reranked = await reranker.rerank('Italy', candidates, {});
    expect(reranked.map((result) => [result.chunk.id, result.score])).toEqual([
      ['d#2', 1],
      ['d#0', 0],
      ['d#1', 0],
    ]);
  });

  it('is the retriever rerank hook', async () => {
    const retriever = await createRetriever();
    await retriever.ingest([
      { id: 'keys.md', text: 'Rotate API keys every ninety days.' },
      { id: 'billing.md', text: 'Invoices are sent monthly by the billing team.' },
    ]);
    const reranker = createCohereReranker({ apiKey: 'k', baseURL: mock.url, topN: 1 });
    const results = await retriever.retrieve('monthly invoices billing', {
      k: 2,
      rerank: reranker,
    });
    expect(results.map((result) => result.chunk.sourceId)).toEqual(['billing.md']);
    expect(results[0]?.score).toBe(1);
  });

  it('needs a price for a model it does not know', () => {
    expect(() => createCohereReranker({ apiKey: 'k', model: 'rerank-custom' })).toThrow(
      InvalidArgumentError,
    );
    expect(() => createCohereReranker({ apiKey: '' })).toThrow(/apiKey/);
    expect(createCohereReranker({ apiKey: 'k', model: 'rerank-custom', price: 1 }).model).toBe(
      'rerank-custom',
    );
  });
});

describe('createVoyageReranker', () => {
  it('sends top_k and prices the billed tokens', async () => {
    mock.enqueue('voyage.rerank', { usage: { inputTokens: 2_000_000 } });
    const reranker = createVoyageReranker({ apiKey: 'pa-test', baseURL: mock.url, topN: 1 });
    const { results, usage } = await reranker.rank({ query: 'Italy', documents });
    expect(results).toEqual([{ index: 2, relevanceScore: 1 }]);
    expect(mock.requests[0]?.body).toEqual({
      query: 'Italy',
      documents,
      model: 'rerank-2.5',
      top_k: 1,
    });
    expect(usage).toMatchObject({ provider: 'voyage', units: 2_000_000, unit: 'tokens' });
    expect(usage?.cost.total).toBe(0.1); // $0.05 per million tokens
  });

  it('sends no request for no documents', async () => {
    const reranker = createVoyageReranker({ apiKey: 'k', baseURL: mock.url });
    expect(await reranker.rank({ query: 'q', documents: [] })).toEqual({
      results: [],
      usage: undefined,
    });
    expect(mock.requests).toHaveLength(0);
  });
});

describe('failures', () => {
  it('throws a typed HTTP error, retrying only what can clear', async () => {
    mock.enqueue('cohere.rerank', { error: { status: 401 } });
    const reranker = createCohereReranker({
      apiKey: 'k',
      baseURL: mock.url,
      retry: { baseDelayMs: 0 },
    });
    const unauthorized = await reranker.rank({ query: 'q', documents }).catch((error) => error);
    expect(RerankHttpError.isInstance(unauthorized)).toBe(true);
    expect(unauthorized).toMatchObject({ status: 401, isRetryable: false, provider: 'cohere' });
    expect(unauthorized.message).toMatch(/HTTP 401: Incorrect API key.*; check apiKey$/);
    expect(mock.requests).toHaveLength(1);

    mock.enqueue('cohere.rerank', { error: { status: 503 } });
    const { results } = await reranker.rank({ query: 'Italy', documents });
    expect(results[0]?.index).toBe(2);
    expect(mock.requests).toHaveLength(3);
  });

  it('reports the Retry-After of a 429', async () => {
    mock.enqueue('voyage.rerank', { error: { status: 429, retryAfter: 7 } });
    const reranker = createVoyageReranker({ apiKey: 'k', baseURL: mock.url, retry: noRetry });
    await expect(reranker.rank({ query: 'q', documents })).rejects.toMatchObject({
      name: 'RerankHttpError',
      status: 429,
      isRetryable: true,
      retryAfterMs: 7_000,
    });
  });

  it('rejects a body that is not JSON or not shaped as documented', async () => {
    mock.enqueue('cohere.rerank', { faults: { malformedEvent: 0 } });
    const cohere = createCohereReranker({ apiKey: 'k', baseURL: mock.url, retry: noRetry });
    await expect(cohere.rank({ query: 'q', documents })).rejects.toSatisfy(
      (error) => RerankResponseError.isInstance(error) && error.reason === 'is not JSON',
    );

    const answer = (body: unknown) => async () => Response.json(body);
    const shaped = (body: unknown, price?: number) =>
      createVoyageReranker({
        apiKey: 'k',
        fetch: answer(body),
        retry: noRetry,
        ...(price !== undefined && { price }),
      }).rank({ query: 'q', documents });
    await expect(shaped({ results: [] })).rejects.toThrow(/has no "data" array/);
    await expect(
      shaped({ data: [{ index: 3, relevance_score: 1 }], usage: { total_tokens: 9 } }),
    ).rejects.toThrow(/ranks index 3 at 0, but 3 documents were sent/);
    await expect(
      shaped({
        data: [
          { index: 0, relevance_score: 1 },
          { index: 0, relevance_score: 0.5 },
        ],
        usage: { total_tokens: 9 },
      }),
    ).rejects.toThrow(/ranks index 0 twice/);
    await expect(shaped({ data: [{ index: 0, relevance_score: 'high' }] })).rejects.toThrow(
      /relevance_score "high"/,
    );
    await expect(shaped({ data: [{ index: 0, relevance_score: 1 }] })).rejects.toThrow(
      /usage\.total_tokens undefined, so its cost cannot be counted/,
    );
    // A server that does not bill (price 0) may leave usage out.
    const free = await shaped({ data: [{ index: 0, relevance_score: 1 }] }, 0);
    expect(free.usage).toMatchObject({ units: 0, cost: { total: 0 } });
  });

  it('gives up on a slow server at timeoutMs, and passes an abort through', async () => {
    mock.enqueue('cohere.rerank', { faults: { delayMs: 5_000 } });
    const reranker = createCohereReranker({
      apiKey: 'k',
      baseURL: mock.url,
      timeoutMs: 50,
      retry: noRetry,
    });
    await expect(reranker.rank({ query: 'q', documents })).rejects.toSatisfy((error) =>
      TimeoutError.isInstance(error),
    );
    const controller = new AbortController();
    controller.abort(new Error('user left'));
    await expect(
      reranker.rank({ query: 'q', documents, signal: controller.signal }),
    ).rejects.toThrow('user left');
  });
});
