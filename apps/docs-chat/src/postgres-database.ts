/**
 * The database on a PostgreSQL server (`DATABASE_URL`): queries and transactions on a `pg`
 * pool, LISTEN on one dedicated connection that reconnects by itself (its subscribers are told
 * to resync, since notifications sent meanwhile are lost), and the shared migrations.
 */
import { assertNumber } from '@keel/core/internal';
import pg from 'pg';
import type { Database, ListenHandlers, SqlQuery } from './database';
import { migrate } from './migrations';

/** Options of {@link connectDatabase}. */
export interface ConnectDatabaseOptions {
  /** Connections in the pool. */
  poolSize: number;
  /** Told about connection failures the database recovers from by itself. */
  onWarning(event: string, error: Error): void;
}

/** Longest wait between two attempts to get the LISTEN connection back. */
const MAX_RECONNECT_MS = 5_000;

/** How long opening a connection may take: a server that does not answer fails, not hangs. */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * How long a query may wait for one of the pool's connections (pg bounds the wait and a new
 * connection's opening with one setting). Under a burst (a thousand answers stored at once on
 * a busy event loop) connections stay taken for seconds: a short bound would turn that queue
 * into lost answers. The start checks the server with {@link CONNECT_TIMEOUT_MS}.
 */
const POOL_WAIT_MS = 60_000;

function poolQuery(client: pg.Pool | pg.PoolClient): SqlQuery['query'] {
  return async <Row>(text: string, values?: unknown[]) => {
    const result = await client.query(text, values);
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
  };
}

/** The LISTEN side: one connection, its channels, reconnected with backoff when it drops. */
function createListener(url: string, onWarning: ConnectDatabaseOptions['onWarning']) {
  const channels = new Map<string, Set<ListenHandlers>>();
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let reconnecting = false;
  let closed = false;
  let delay = 100;
  let timer: NodeJS.Timeout | undefined;

  const quoted = (channel: string) => `"${channel.replaceAll('"', '""')}"`;

  async function open(): Promise<pg.Client> {
    const fresh = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    fresh.on('notification', ({ channel, payload }) => {
      for (const handlers of channels.get(channel) ?? []) handlers.onNotify(payload ?? '');
    });
    fresh.on('error', (error) => lost(fresh, error));
    fresh.on('end', () => lost(fresh, new Error('The LISTEN connection ended')));
    try {
      await fresh.connect();
      for (const channel of channels.keys()) await fresh.query(`listen ${quoted(channel)}`);
    } catch (error) {
      fresh.end().catch(() => {});
      throw error;
    }
    return fresh;
  }

  function lost(which: pg.Client, error: Error) {
    if (closed || which !== client) return;
    client = undefined;
    reconnecting = true;
    onWarning('database-listen-lost', error);
    which.end().catch(() => {});
    reconnect();
  }

  function reconnect() {
    timer = setTimeout(() => {
      open().then(
        (fresh) => {
          if (closed) {
            fresh.end().catch(() => {});
            return;
          }
          client = fresh;
          reconnecting = false;
          delay = 100;
          for (const set of channels.values()) for (const handlers of set) handlers.onResync?.();
        },
        (error: Error) => {
          if (closed) return;
          onWarning('database-listen-lost', error);
          delay = Math.min(delay * 2, MAX_RECONNECT_MS);
          reconnect();
        },
      );
    }, delay);
    timer.unref();
  }

  return {
    async listen(channel: string, handlers: ListenHandlers) {
      let set = channels.get(channel);
      if (!set) {
        set = new Set();
        channels.set(channel, set);
        // While reconnecting there is no client: the new one LISTENs on every channel.
        if (!client && !reconnecting) {
          connecting ??= open();
          try {
            client = await connecting;
          } finally {
            connecting = undefined;
          }
        }
        await client?.query(`listen ${quoted(channel)}`);
      }
      set.add(handlers);
      const subscribed = set;
      return async () => {
        subscribed.delete(handlers);
        if (subscribed.size > 0 || channels.get(channel) !== subscribed) return;
        channels.delete(channel);
        await client?.query(`unlisten ${quoted(channel)}`);
      };
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      const last = client;
      client = undefined;
      await last?.end();
    },
  };
}

/**
 * Connects to the PostgreSQL server at `url` and migrates it (once, however many replicas start
 * together).
 *
 * @throws InvalidArgumentError when `poolSize` is not a whole number of at least 1.
 * @example
 * ```ts
 * const db = await connectDatabase('postgres://postgres@127.0.0.1:5432/docs', {
 *   poolSize: 10,
 *   onWarning: (event, error) => console.warn(event, error.message),
 * });
 * ```
 */
export async function connectDatabase(
  url: string,
  { poolSize, onWarning }: ConnectDatabaseOptions,
): Promise<Database> {
  assertNumber('poolSize', poolSize, { integer: true, min: 1 });
  const probe = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  await probe.connect();
  await probe.end();
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: POOL_WAIT_MS,
  });
  // An idle connection the server dropped: the pool replaces it; the next query says the rest.
  pool.on('error', (error) => onWarning('database-connection-lost', error));
  const listener = createListener(url, onWarning);
  const db: Database = {
    engine: 'postgres',
    pool,
    query: poolQuery(pool),
    async transaction(work) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('begin');
        const result = await work({ query: poolQuery(client) });
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        // A connection that cannot even roll back is closed, not handed to the next caller.
        client.release(broken);
      }
    },
    listen: (channel, handlers) => listener.listen(channel, handlers),
    async close() {
      await listener.close();
      await pool.end();
    },
  };
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
