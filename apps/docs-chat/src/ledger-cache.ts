/**
 * How much of the models' input the providers' prompt caches served, from the cost ledger
 * (`cache_read_tokens`, as each call's usage reported it): on PostgreSQL with the shared
 * stores, so every replica reports the deployment's figure.
 */
import type { SqlQuery } from './database';

/** The ledger's cache figures. */
export interface CacheTotals {
  calls: number;
  /** Calls that read some of their input from the provider's cache. */
  cachedCalls: number;
  inputTokens: number;
  cacheReadTokens: number;
}

/**
 * Sums the ledger's cache figures.
 *
 * @example
 * ```ts
 * const { cachedCalls, calls } = await ledgerCacheTotals(db);
 * const hitRate = calls === 0 ? 0 : cachedCalls / calls;
 * ```
 */
export async function ledgerCacheTotals(db: SqlQuery): Promise<CacheTotals> {
  const result = await db.query<{
    calls: number;
    cached_calls: number;
    input_tokens: number;
    cache_read_tokens: number;
  }>(
    `select count(*)::int as calls,
       count(*) filter (where cache_read_tokens > 0)::int as cached_calls,
       coalesce(sum(input_tokens), 0)::float8 as input_tokens,
       coalesce(sum(cache_read_tokens), 0)::float8 as cache_read_tokens
     from ledger`,
  );
  const row = result.rows[0];
  return {
    calls: row?.calls ?? 0,
    cachedCalls: row?.cached_calls ?? 0,
    inputTokens: row?.input_tokens ?? 0,
    cacheReadTokens: row?.cache_read_tokens ?? 0,
  };
}
