/**
 * One policy per key (provider and model, tenant), created on first use and evicted least
 * recently used past a bound, so per-tenant state cannot grow without limit.
 */
import { assertNumber } from '@keel/core/internal';

/** A set of values by key. */
export interface Keyed<T> {
  /** The value for `key`, created on first use. */
  get(key: string): T;
  /** Every key and value, least recently used first. */
  entries(): Array<[string, T]>;
  delete(key: string): boolean;
  readonly size: number;
}

/**
 * Creates values by key on demand.
 *
 * @example
 * ```ts
 * const breakers = keyed((key) => circuitBreaker({ key }));
 * await breakers.get(`openai:${model}`).execute(call);
 * const limiters = keyed(() => rateLimiter({ tokensPerMinute: 50_000 }), { maxKeys: 50_000 });
 * const permit = await limiters.get(tenantId).acquire({ tokens: estimate });
 * ```
 */
export function keyed<T>(
  create: (key: string) => T,
  { maxKeys = 10_000 }: { maxKeys?: number } = {},
): Keyed<T> {
  assertNumber('maxKeys', maxKeys, { integer: true, min: 1 });
  const values = new Map<string, T>();
  return {
    get(key) {
      const existing = values.get(key);
      if (existing !== undefined) {
        values.delete(key);
        values.set(key, existing);
        return existing;
      }
      const created = create(key);
      values.set(key, created);
      if (values.size > maxKeys) values.delete(values.keys().next().value as string);
      return created;
    },
    entries: () => [...values.entries()],
    delete: (key) => values.delete(key),
    get size() {
      return values.size;
    },
  };
}
