/**
 * The database seam the stores share: the embedded PGlite (PostgreSQL compiled to WebAssembly,
 * stored in a folder: the default) or a PostgreSQL server through a `pg` pool
 * (`connectDatabase`, when `DATABASE_URL` is set). Both run the same SQL: queries,
 * transactions, LISTEN/NOTIFY and the migrations of `migrations.ts`.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { migrate } from './migrations';

/** A statement's rows and how many rows it returned or changed. */
export interface SqlResult<Row> {
  rows: Row[];
  rowCount: number;
}

/** What runs SQL: the database, or one transaction of it. */
export interface SqlQuery {
  query<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<SqlResult<Row>>;
}

/** What a LISTEN subscriber is told. */
export interface ListenHandlers {
  /** A NOTIFY on the channel, with its payload. */
  onNotify(payload: string): void;
  /** The listening connection came back after a failure: notifications may have been missed. */
  onResync?(): void;
}

/** The database handle the stores share (also a `SqlClient` of `@keel/core`). */
export interface Database extends SqlQuery {
  /** `embedded` (PGlite, one process) or `postgres` (a server several replicas share). */
  readonly engine: 'embedded' | 'postgres';
  /**
   * The `pg` Pool of a PostgreSQL server, for libraries that check connections out of it
   * themselves (the pgvector store's transactions).
   */
  readonly pool?: pg.Pool;
  /** Runs `work` in one transaction on one connection: committed when it resolves. */
  transaction<T>(work: (tx: SqlQuery) => Promise<T>): Promise<T>;
  /** LISTENs on `channel`; resolves with the function that stops. */
  listen(channel: string, handlers: ListenHandlers): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

function pgliteQuery(db: Pick<PGlite, 'query'>): SqlQuery['query'] {
  return async <Row>(text: string, values?: unknown[]) => {
    const result = await db.query<Row>(text, values);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  };
}

/**
 * Opens (creating on first use) the embedded database in `directory`, or in memory when
 * omitted, and migrates it.
 *
 * @example
 * ```ts
 * const db = await openDatabase('.data/db');
 * const { rows } = await db.query('select count(*)::int as n from conversations');
 * ```
 */
export async function openDatabase(directory?: string): Promise<Database> {
  if (directory) mkdirSync(directory, { recursive: true });
  const pglite = await PGlite.create(directory);
  const db: Database = {
    engine: 'embedded',
    query: pgliteQuery(pglite),
    transaction: (work) => pglite.transaction((tx) => work({ query: pgliteQuery(tx) })),
    async listen(channel, { onNotify }) {
      // One process holds the embedded database: its connection never drops.
      const stop = await pglite.listen(channel, onNotify);
      return () => stop();
    },
    close: () => pglite.close(),
  };
  try {
    await migrate(db);
  } catch (error) {
    await pglite.close();
    throw error;
  }
  return db;
}
