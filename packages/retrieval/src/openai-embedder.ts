/**
 * OpenAI embeddings through the official SDK: inputs batched within the API's limits (2,048
 * inputs and 300,000 tokens per request, 8,191 tokens per input), a bounded number of requests
 * in flight, and retries by @keel/resilience (the SDK's own retries are turned off per request).
 */
import { InvalidArgumentError } from '@keel/core';
import { assertNumber, normalizeBaseURL } from '@keel/core/internal';
import { concurrencyLimit, type RetryOptions, retry } from '@keel/resilience';
import { type EncodingName, loadEncoding } from '@keel/tokens';
import type { Embedder } from './embedder';
import { assertVector } from './validate-vector';

/** The part of the official `OpenAI` client this embedder uses. */
export interface OpenAIEmbeddingsClient {
  /** The server (an `OpenAI` client has it); the embedding cache keys on it. */
  baseURL?: string;
  embeddings: {
    create(
      body: { model: string; input: string[]; dimensions?: number },
      options?: { signal?: AbortSignal; maxRetries?: number },
    ): PromiseLike<{ data: Array<{ embedding: number[]; index: number }> }>;
  };
}

/** Options of {@link createOpenAIEmbedder}. */
export interface OpenAIEmbedderOptions {
  /** An `OpenAI` client (or any OpenAI-compatible server's, through `baseURL`). */
  client: OpenAIEmbeddingsClient;
  /** Default `text-embedding-3-small`. */
  model?: string;
  /** Shortened vectors (text-embedding-3 models); default the model's native size. */
  dimensions?: number;
  /** Most inputs per request; default 2,048 (the API's limit). */
  maxBatchInputs?: number;
  /** Most tokens per request; default 300,000 (the API's limit). */
  maxBatchTokens?: number;
  /** Most tokens per input; default 8,191. */
  maxInputTokens?: number;
  /** Requests in flight at once; default 4. */
  concurrency?: number;
  /** Retry options for each request; default 4 attempts. */
  retry?: RetryOptions;
  /** Tokenizer for batching; default `cl100k_base` (the embedding models' encoding). */
  encoding?: EncodingName;
}

/** Where the SDK sends requests when no base URL is given. */
const OPENAI_BASE_URL = 'https://api.openai.com/v1';

const NATIVE_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

/**
 * The embedding cache's key of an embedder: the model, then a shortened size and another server
 * when given. OpenAI's own server at the native size keeps the plain model id, so caches filled
 * before the key named them stay valid.
 */
function cacheKeyOf(model: string, dimensions: number | undefined, baseURL: string | undefined) {
  const server = baseURL === undefined ? OPENAI_BASE_URL : normalizeBaseURL(baseURL);
  return `${model}${dimensions === undefined ? '' : `:${dimensions}`}${server === OPENAI_BASE_URL ? '' : `@${server}`}`;
}

/**
 * Creates an embedder on OpenAI's embeddings API.
 *
 * @example
 * ```ts
 * import OpenAI from 'openai';
 * const embedder = createOpenAIEmbedder({ client: new OpenAI(), model: 'text-embedding-3-small' });
 * const vectors = await embedder.embed(chunks.map((chunk) => chunk.text));
 * ```
 */
export function createOpenAIEmbedder({
  client,
  model = 'text-embedding-3-small',
  dimensions,
  maxBatchInputs = 2048,
  maxBatchTokens = 300_000,
  maxInputTokens = 8191,
  concurrency = 4,
  retry: retryOptions,
  encoding = 'cl100k_base',
}: OpenAIEmbedderOptions): Embedder {
  if (typeof client?.embeddings?.create !== 'function') {
    throw new InvalidArgumentError({
      argument: 'client',
      message: 'client must be an OpenAI client (new OpenAI()) with embeddings.create',
    });
  }
  const size = dimensions ?? NATIVE_DIMENSIONS[model];
  if (size === undefined) {
    throw new InvalidArgumentError({
      argument: 'dimensions',
      message: `Model "${model}" has no known vector size; pass dimensions`,
    });
  }
  assertNumber('dimensions', size, { integer: true, min: 1 });
  assertNumber('maxBatchInputs', maxBatchInputs, { integer: true, min: 1 });
  assertNumber('maxBatchTokens', maxBatchTokens, { integer: true, min: 1 });
  assertNumber('maxInputTokens', maxInputTokens, { integer: true, min: 1 });
  const limit = concurrencyLimit({ maxConcurrent: concurrency });
  const policy = retry({ maxAttempts: 4, ...retryOptions });

  async function request(input: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const response = await limit.execute(
      () =>
        policy.execute(
          async ({ signal: attemptSignal }) =>
            await client.embeddings.create(
              { model, input, ...(dimensions !== undefined && { dimensions }) },
              { signal: attemptSignal, maxRetries: 0 },
            ),
          { signal },
        ),
      { signal },
    );
    if (response.data.length !== input.length) {
      throw new InvalidArgumentError({
        argument: 'response',
        message: `Embeddings response has ${response.data.length} vectors for ${input.length} inputs; check the server's compatibility`,
      });
    }
    const vectors = new Array<Float32Array>(input.length);
    for (const item of response.data) {
      assertVector(item.embedding, size as number, 'embedding');
      vectors[item.index] = Float32Array.from(item.embedding);
    }
    return vectors;
  }

  return {
    modelId: model,
    dimensions: size,
    cacheKey: cacheKeyOf(model, dimensions, client.baseURL),
    async embed(texts, { signal } = {}) {
      const tokenizer = await loadEncoding(encoding);
      const batches: string[][] = [];
      let batch: string[] = [];
      let batchTokens = 0;
      for (const [index, text] of texts.entries()) {
        const tokens = tokenizer.count(text);
        if (text.length === 0 || tokens > maxInputTokens) {
          throw new InvalidArgumentError({
            argument: `texts[${index}]`,
            message: `texts[${index}] has ${tokens} tokens; embedding inputs must have 1 to ${maxInputTokens} tokens (chunk long documents first)`,
          });
        }
        if (batch.length >= maxBatchInputs || batchTokens + tokens > maxBatchTokens) {
          batches.push(batch);
          batch = [];
          batchTokens = 0;
        }
        batch.push(text);
        batchTokens += tokens;
      }
      if (batch.length > 0) batches.push(batch);
      const results = await Promise.all(batches.map((input) => request(input, signal)));
      return results.flat();
    },
  };
}
