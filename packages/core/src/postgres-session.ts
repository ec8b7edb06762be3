/**
 * How Keel's PostgreSQL stores (the ledger, the vector store, the text index) talk to the
 * application's client: the client and table names checked before they reach SQL text,
 * statements and transactions on one connection (a pooled one checked out and released),
 * migrations serialised across replicas, and every driver failure turned into a
 * {@link SharedStateUnavailableError}.
 */
import { describeValue } from './describe-value';
import { InvalidArgumentError } from './invalid-argument-error';
import { KeelError } from './keel-error';
import type { SqlClient } from './shared-state';
import { SharedStateUnavailableError } from './shared-state-unavailable-error';

/** A `pg` Pool: transactions need one of its connections. */
interface Pool extends SqlClient {
  connect(): Promise<SqlClient & { release(destroy?: boolean): void }>;
  readonly idleCount: number;
}

function isPool(sql: SqlClient): sql is Pool {
  return typeof (sql as Partial<Pool>).connect === 'function' && 'idleCount' in sql;
}

/** Room left for the suffixes of the indexes named after the table (63 bytes in all). */
const MAX_TABLE_NAME = 40;
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Throws an {@link InvalidArgumentError} naming `caller` unless `sql` has a `query` method.
 *
 * @example
 * ```ts
 * assertSqlClient('createPostgresLedger', sql);
 * // createPostgresLedger() needs sql: a pg Pool or PoolClient, or a PGlite instance, got undefined
 * ```
 */
export function assertSqlClient(caller: string, sql: unknown): void {
  if (typeof (sql as Partial<SqlClient> | undefined)?.query !== 'function') {
    throw new InvalidArgumentError({
      argument: 'sql',
      message: `${caller}() needs sql: a pg Pool or PoolClient (new pg.Pool({ connectionString: process.env.DATABASE_URL })), or a PGlite instance, got ${describeValue(sql)}`,
    });
  }
}

/**
 * `table` (optionally `schema.table`) checked and double-quoted, with its bare name for the
 * indexes named after it.
 *
 * @throws InvalidArgumentError for anything but lower-case letters, digits and underscores.
 * @example
 * ```ts
 * const { quoted, bare } = tableName('app.keel_ledger'); // '"app"."keel_ledger"', 'keel_ledger'
 * ```
 */
export function tableName(table: string): { quoted: string; bare: string } {
  const parts = typeof table === 'string' ? table.split('.') : [];
  if (
    parts.length < 1 ||
    parts.length > 2 ||
    !parts.every((part) => IDENTIFIER.test(part) && part.length <= MAX_TABLE_NAME)
  ) {
    throw new InvalidArgumentError({
      argument: 'table',
      message: `table must be a name of lower-case letters, digits and underscores (at most ${MAX_TABLE_NAME}), optionally after a schema and a dot, got ${JSON.stringify(table)}`,
    });
  }
  return {
    quoted: parts.map((part) => `"${part}"`).join('.'),
    bare: parts[parts.length - 1] as string,
  };
}

function unavailable(operation: string, error: unknown): unknown {
  // Our own checks (a duplicate id, a bad argument) pass through unchanged.
  if (KeelError.isInstance(error)) return error;
  return new SharedStateUnavailableError({ engine: 'postgres', operation, cause: error });
}

/**
 * Runs one statement.
 *
 * @throws SharedStateUnavailableError when the server fails or cannot be reached.
 * @example
 * ```ts
 * const rows = await runQuery<{ id: string }>(sql, 'ledger.ids', 'select call_id as id from keel_ledger');
 * ```
 */
export async function runQuery<Row>(
  sql: SqlClient,
  operation: string,
  text: string,
  values: unknown[] = [],
): Promise<Row[]> {
  try {
    return (await sql.query<Row>(text, values)).rows;
  } catch (error) {
    throw unavailable(operation, error);
  }
}

/** PostgreSQL's `no_active_sql_transaction`: a savepoint asked for outside a transaction. */
const NO_ACTIVE_TRANSACTION = '25P01';

/** Savepoints opened so far: each call's has a name of its own. */
let savepoints = 0;

/**
 * Opens a transaction on a client: a savepoint when it is in one already (a transaction's
 * client, a PGlite `transaction()`), so the caller's transaction is neither committed nor ended;
 * returns the savepoint's name, or `undefined` for a transaction of its own. Asked with a
 * savepoint, in order with the client's other statements: a driver's own status is stale while
 * statements are queued (a `begin` sent and not awaited).
 */
async function open(client: SqlClient): Promise<string | undefined> {
  const savepoint = `keel_transaction_${++savepoints}`;
  try {
    await client.query(`savepoint ${savepoint}`);
    return savepoint;
  } catch (error) {
    if ((error as { code?: unknown }).code !== NO_ACTIVE_TRANSACTION) throw error;
  }
  await client.query('begin');
  return undefined;
}

/**
 * Runs `work` in a transaction on one connection (checked out of a Pool, else the client
 * itself), committed when it resolves and rolled back when it throws. On a client already in a
 * transaction it runs in a savepoint instead, released or rolled back to, and the caller's
 * transaction goes on (settings `work` makes local last until that transaction ends). Calls on
 * one client must not overlap, as two transactions on one connection cannot.
 *
 * @throws SharedStateUnavailableError when the server fails or cannot be reached; `work`'s own
 * Keel errors unchanged.
 * @example
 * ```ts
 * await inTransaction(sql, 'store.replace', async (connection) => {
 *   await connection.query('delete from items');
 *   await connection.query('insert into items select * from staged');
 * });
 * ```
 */
export async function inTransaction<T>(
  sql: SqlClient,
  operation: string,
  work: (connection: SqlClient) => Promise<T>,
): Promise<T> {
  let connection: SqlClient;
  let release: (destroy?: boolean) => void = () => {};
  let savepoint: string | undefined;
  try {
    if (isPool(sql)) {
      // A connection checked out is this call's: a transaction of its own.
      const checkedOut = await sql.connect();
      connection = checkedOut;
      release = (destroy) => checkedOut.release(destroy);
      await connection.query('begin');
    } else {
      connection = sql;
      savepoint = await open(connection);
    }
  } catch (error) {
    release(true);
    throw unavailable(operation, error);
  }
  try {
    const result = await work(connection);
    await connection.query(savepoint ? `release savepoint ${savepoint}` : 'commit');
    release();
    return result;
  } catch (error) {
    // A connection that cannot roll back is broken: the pool must not hand it out again.
    const rolledBack = await (savepoint
      ? connection
          .query(`rollback to savepoint ${savepoint}`)
          .then(() => connection.query(`release savepoint ${savepoint}`))
      : connection.query('rollback')
    ).then(
      () => true,
      () => false,
    );
    release(!rolledBack);
    throw unavailable(operation, error);
  }
}

/**
 * Runs a table's migration in a transaction holding an advisory lock on the table's name, so
 * replicas starting together create it once (concurrent `create table if not exists` can
 * otherwise fail on the catalog's unique index).
 *
 * @throws SharedStateUnavailableError when the server fails or cannot be reached.
 * @example
 * ```ts
 * await inMigration(sql, 'ledger.migrate', 'keel_ledger', async (connection) => {
 *   await connection.query('create table if not exists keel_ledger (call_id text primary key)');
 * });
 * ```
 */
export function inMigration(
  sql: SqlClient,
  operation: string,
  table: string,
  work: (connection: SqlClient) => Promise<void>,
): Promise<void> {
  return inTransaction(sql, operation, async (connection) => {
    await connection.query('select pg_advisory_xact_lock(hashtext($1))', [`keel:${table}`]);
    await work(connection);
  });
}
