import { mkdtemp, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@keel/core';
import { type MockProvider, startMockProvider } from '@keel/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DimensionMismatchError } from './dimension-mismatch-error';
import type { Embedder } from './embedder';
import { createEmbeddingCache, withEmbeddingCache } from './embedding-cache';
import { createLocalEmbedder, type LocalEmbedderOptions } from './local-embedder';
import { createOpenAIEmbedder } from './openai-embedder';

const dot = (a: Float32Array, b: Float32Array) =>
  a.reduce((sum, x, i) => sum + x * (b[i] as number), 0);

describe('createLocalEmbedder', () => {
  it('makes deterministic unit vectors where shared words mean closer vectors', async () => {
    const embedder = createLocalEmbedder({ dimensions: 256 });
    const [a, b, c, again, empty] = await embedder.embed([
      'How to rotate API keys safely',
      'Rotating the API keys',
      'Banana bread recipe with walnuts',
      'How to rotate API keys safely',
      '   ',
    ]);
    expect(embedder.modelId).toMatch(/^keel-local-hash-v3-256-[0-9a-f]{12}$/);
    expect(a).toHaveLength(256);
    expect(dot(a as Float32Array, a as Float32Array)).toBeCloseTo(1, 5);
    expect(dot(empty as Float32Array, empty as Float32Array)).toBeCloseTo(1, 5);
    expect(again).toEqual(a);
    expect(dot(a as Float32Array, b as Float32Array)).toBeGreaterThan(
      dot(a as Float32Array, c as Float32Array) + 0.2,
    );
  });

  it('names its analyzer in the model id, so vectors of other tokens never mix', async () => {
    const earlier = { stemming: 'light', folding: false } as const;
    expect(
      createLocalEmbedder({ dimensions: 256, identifiers: false, analyzer: earlier }).modelId,
    ).toBe('keel-local-hash-v1-256');
    // The first release's analyzer with identifiers is no earlier analyzer: its digest names it.
    expect(createLocalEmbedder({ dimensions: 256, analyzer: earlier }).modelId).toMatch(
      /^keel-local-hash-v3-256-[0-9a-f]{12}$/,
    );
    const variants: LocalEmbedderOptions[] = [
      {},
      { identifiers: false },
      { analyzer: { folding: false } },
      { analyzer: { language: 'french' } },
      { analyzer: { stopWords: true } },
      { analyzer: { ...earlier, stopWords: true } },
    ];
    const ids = new Set(
      variants.map((options) => createLocalEmbedder({ dimensions: 256, ...options }).modelId),
    );
    expect(ids.size).toBe(6);
    expect(createLocalEmbedder({ dimensions: 256 }).modelId).toBe(
      createLocalEmbedder({ dimensions: 256 }).modelId,
    );
    const [folded, plain] = await createLocalEmbedder({ dimensions: 256 }).embed(['café', 'cafe']);
    expect(folded).toEqual(plain);
  });

  it('rejects a tiny dimension and honours an aborted signal', async () => {
    expect(() => createLocalEmbedder({ dimensions: 2 })).toThrow(InvalidArgumentError);
    await expect(
      createLocalEmbedder().embed(['x'], { signal: AbortSignal.abort() }),
    ).rejects.toThrow();
  });
});

describe('createOpenAIEmbedder', () => {
  let mock: MockProvider;
  let client: OpenAI;
  beforeAll(async () => {
    mock = await startMockProvider();
    client = new OpenAI({ apiKey: 'test', baseURL: mock.openaiBaseURL, maxRetries: 0 });
  });
  afterAll(() => mock.close());

  it('embeds through the official SDK in batches within the limits, in input order', async () => {
    mock.reset();
    const embedder = createOpenAIEmbedder({
      client,
      dimensions: 8,
      maxBatchInputs: 3,
      concurrency: 2,
    });
    const texts = Array.from({ length: 7 }, (_, i) => `text number ${i}`);
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(7);
    expect(vectors[0]).toHaveLength(8);
    const requests = mock.requests.filter((request) => request.route === 'openai.embeddings');
    expect(requests.map((request) => (request.body as { input: string[] }).input.length)).toEqual([
      3, 3, 1,
    ]);
    // Same text, same vector (the mock derives vectors from the text): order is kept.
    const [single] = await embedder.embed(['text number 5']);
    expect(Array.from(single as Float32Array)).toEqual(Array.from(vectors[5] as Float32Array));
  });

  it('splits batches by tokens and refuses inputs past the per-input limit', async () => {
    mock.reset();
    const embedder = createOpenAIEmbedder({
      client,
      dimensions: 4,
      maxBatchTokens: 10,
      maxInputTokens: 20,
    });
    await embedder.embed(['one two three four five six', 'seven eight nine ten eleven twelve']);
    expect(mock.requests).toHaveLength(2);
    await expect(embedder.embed(['word '.repeat(50)])).rejects.toThrow(/1 to 20 tokens/);
    await expect(embedder.embed([''])).rejects.toThrow(InvalidArgumentError);
  });

  it('retries a rate limit through @keel/resilience', async () => {
    mock.reset();
    mock.enqueue('openai.embeddings', { error: { status: 429, retryAfterMs: 5 } });
    const embedder = createOpenAIEmbedder({ client, dimensions: 4, retry: { baseDelayMs: 1 } });
    const vectors = await embedder.embed(['hello']);
    expect(vectors).toHaveLength(1);
    expect(mock.requests).toHaveLength(2);
  });

  it('rejects vectors of the wrong size and NaN from the server', async () => {
    mock.reset();
    mock.enqueue('openai.embeddings', { embeddings: [[1, 2, 3]] });
    const embedder = createOpenAIEmbedder({ client, dimensions: 4 });
    await expect(embedder.embed(['x'])).rejects.toThrow(DimensionMismatchError);
    // JSON cannot carry NaN: a compatible server that sends it through base64 is faked here.
    const nan = createOpenAIEmbedder({
      client: {
        embeddings: {
          create: async () => ({ data: [{ embedding: [Number.NaN, 0, 0, 0], index: 0 }] }),
        },
      },
      dimensions: 4,
    });
    await expect(nan.embed(['x'])).rejects.toThrow(/finite numbers/);
    expect(() => createOpenAIEmbedder({ client, model: 'my-model' })).toThrow(/pass dimensions/);
    expect(() => createOpenAIEmbedder({ client: {} as never })).toThrow(/OpenAI client/);
  });
});

describe('embedding cache', () => {
  let calls = 0;
  const counting: Embedder = {
    modelId: 'counting',
    dimensions: 4,
    async embed(texts) {
      calls += texts.length;
      return texts.map((text) => Float32Array.from([text.length, 1, 2, 3]));
    },
  };

  it('serves repeated texts from memory and from the file across runs, surviving a torn write', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keel-retrieval-cache-'));
    try {
      const path = join(dir, 'cache.bin');
      calls = 0;
      const first = withEmbeddingCache(counting, await createEmbeddingCache({ path }));
      await first.embed(['a', 'bb', 'a']);
      expect(calls).toBe(2);
      await first.embed(['bb']);
      expect(calls).toBe(2);

      const reopened = await createEmbeddingCache({ path });
      expect(reopened.size).toBe(2);
      const second = withEmbeddingCache(counting, reopened);
      expect(Array.from((await second.embed(['bb']))[0] as Float32Array)).toEqual([2, 1, 2, 3]);
      expect(calls).toBe(2);

      // A crash in the middle of an append leaves a partial record: it is dropped.
      await second.embed(['ccc']);
      const { size } = await stat(path);
      await truncate(path, size - 3);
      const afterCrash = await createEmbeddingCache({ path });
      expect(afterCrash.size).toBe(2);
      expect(afterCrash.get('counting', 'nope')).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
