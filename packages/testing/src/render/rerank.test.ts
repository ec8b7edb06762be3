import { describe, expect, it } from 'vitest';
import { useMockProvider } from '../../test/helpers';

const env = useMockProvider();

async function post(path: string, body: unknown, key = 'test-key') {
  const response = await fetch(`${env.mock.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const documents = ['Paris is in France.', 'The capital of France is Paris.', 'Rome is in Italy.'];

describe('rerank routes', () => {
  it('answers Cohere v2 rerank with results by relevance, top_n and billed search units', async () => {
    const { status, body } = await post('/v2/rerank', {
      model: 'rerank-v3.5',
      query: 'capital of France',
      documents,
      top_n: 2,
    });
    expect(status).toBe(200);
    expect(body.results).toEqual([
      { index: 1, relevance_score: 1 },
      { index: 0, relevance_score: 1 / 3 },
    ]);
    expect(body.meta).toMatchObject({ billed_units: { search_units: 1 } });
    const many = await post('/v2/rerank', {
      model: 'rerank-v3.5',
      query: 'q',
      documents: Array.from({ length: 101 }, (_, i) => `doc ${i}`),
    });
    expect(many.body.meta).toMatchObject({ billed_units: { search_units: 2 } });
  });

  it('answers Voyage rerank with data, top_k and total tokens (scripted or estimated)', async () => {
    const { body } = await post('/v1/rerank', {
      query: 'Italy',
      documents,
      model: 'rerank-2.5',
      top_k: 1,
    });
    expect(body).toMatchObject({
      object: 'list',
      data: [{ index: 2, relevance_score: 1 }],
      model: 'rerank-2.5',
    });
    expect((body.usage as { total_tokens: number }).total_tokens).toBeGreaterThan(0);
    env.mock.enqueue('voyage.rerank', { usage: { inputTokens: 321 } });
    const scripted = await post('/v1/rerank', { query: 'q', documents, model: 'rerank-2.5' });
    expect(scripted.body.usage).toEqual({ total_tokens: 321 });
  });

  it('rejects a request without documents and answers scripted errors', async () => {
    const missing = await post('/v2/rerank', { model: 'rerank-v3.5', query: 'q' });
    expect(missing.status).toBe(400);
    env.mock.enqueue('voyage.rerank', { error: { status: 429, retryAfter: 2 } });
    const limited = await post('/v1/rerank', { query: 'q', documents, model: 'rerank-2.5' });
    expect(limited.status).toBe(429);
  });
});
