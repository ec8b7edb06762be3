/**
 * The two engines Keel keeps shared state in when an application runs as several replicas:
 * Redis for counters that must change atomically (limits, budgets, breakers, caches) and
 * PostgreSQL for records (ledgers, vectors, conversations). Keel never opens a connection
 * itself: the application passes the client it already has, and these types name the slice of
 * it Keel calls, so neither driver is a dependency of any Keel package.
 */

/** A Redis argument: what `ioredis` sends for a key or a script argument. */
export type RedisArgument = string | number;

/**
 * The part of an `ioredis` client (`new Redis(url)`, or a `Cluster`) Keel's Redis adapters use:
 * Lua scripts (one round trip per decision) and plain string commands.
 */
export interface RedisClient {
  evalsha(sha: string, numKeys: number, ...args: RedisArgument[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: RedisArgument[]): Promise<unknown>;
}

/**
 * The part of a PostgreSQL client Keel's stores use: a `pg` `Pool` or `PoolClient`, or a
 * PGlite instance. Values are passed as parameters (`$1`), never spliced into the text.
 */
export interface SqlClient {
  query<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: Row[] }>;
}
