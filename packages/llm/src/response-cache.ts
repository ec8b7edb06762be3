/**
 * The opt-in response cache: answers of `generate` keyed by everything that decides them.
 */
import { createHash } from 'node:crypto';
import { type ChatRequest, type Clock, systemClock } from '@keel/core';
import { assertNumber, encodeBase64 } from '@keel/core/internal';
import type { LlmGenerateResult } from './types';

/**
 * Where cached answers live. Any object with these two methods works (a database, say);
 * {@link createMemoryCache} is the in-process LRU, and `createRedisCache` from `@keel/llm/redis`
 * shares answers between replicas.
 */
export interface ResponseCache {
  get(key: string): LlmGenerateResult | undefined | Promise<LlmGenerateResult | undefined>;
  set(key: string, result: LlmGenerateResult): void | Promise<void>;
}

/** Options of {@link createMemoryCache}. */
export interface MemoryCacheOptions {
  /** Most answers kept; the least recently used go first. Default 1,000. */
  maxEntries?: number;
  /** How long an answer stays valid; default forever. */
  ttlMs?: number;
  clock?: Clock;
}

/**
 * An in-memory LRU {@link ResponseCache}.
 *
 * @example
 * ```ts
 * const model = createOpenAIModel({ model: 'gpt-4o-mini', cache: createMemoryCache({ ttlMs: 3_600_000 }) });
 * ```
 */
export function createMemoryCache({
  maxEntries = 1_000,
  ttlMs,
  clock = systemClock,
}: MemoryCacheOptions = {}): ResponseCache {
  assertNumber('maxEntries', maxEntries, { integer: true, min: 1 });
  if (ttlMs !== undefined) assertNumber('ttlMs', ttlMs, { greaterThan: 0, unit: 'milliseconds' });
  const entries = new Map<string, { result: LlmGenerateResult; expiresAt: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      entries.delete(key);
      if (entry.expiresAt <= clock.now()) return undefined;
      entries.set(key, entry);
      return structuredClone(entry.result);
    },
    set(key, result) {
      entries.delete(key);
      entries.set(key, {
        result: structuredClone(result),
        expiresAt: clock.now() + (ttlMs ?? Number.POSITIVE_INFINITY),
      });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
  };
}

/** JSON with object keys sorted, so equal requests give equal keys. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, node: unknown) => {
    // File bytes as base64: as an object they would be millions of sorted index keys.
    if (node instanceof Uint8Array) return encodeBase64(node);
    return node !== null && typeof node === 'object' && !Array.isArray(node)
      ? Object.fromEntries(Object.entries(node).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : node;
  });
}

/** Who answers a request: the provider, the model and the server it runs on. */
export interface ResponseCacheTarget {
  provider: string;
  modelId: string;
  /** The provider's base URL: two servers with the same model id never share answers. */
  baseURL?: string;
}

/**
 * The cache key of a request: provider, server, model, prompt id and version, the output
 * schema, the inputs, tools and parameters. Who asked (`userId`, `feature`) is not part of it.
 */
export function responseCacheKey(
  { provider, modelId, baseURL }: ResponseCacheTarget,
  request: ChatRequest,
): string {
  const { metadata, ...decisive } = request;
  return createHash('sha256')
    .update(stableJson({ provider, baseURL, modelId, promptId: metadata?.promptId, ...decisive }))
    .digest('hex');
}
