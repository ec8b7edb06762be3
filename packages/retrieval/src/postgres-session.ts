/**
 * How the Postgres stores talk to the application's client: table names checked before they
 * reach SQL text, statements and transactions on one connection (a pooled one checked out and
 * released), and every driver failure turned into a {@link SharedStateUnavailableError}.
 */
import {
  InvalidArgumentError,
  KeelError,
  SharedStateUnavailableError,
  type SqlClient,
} from '@keel/core';

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
 * `table` (optionally `schema.table`) checked and double-quoted, with its bare name for the
 * indexes named after it.
 *
 * @throws InvalidArgumentError for anything but lower-case letters, digits and underscores.
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

/**
 * Runs `work` in a transaction on one connection (checked out of a Pool, else the client
 * itself), committed when it resolves and rolled back when it throws.
 *
 * @throws SharedStateUnavailableError when the server fails or cannot be reached; `work`'s own
 * Keel errors unchanged.
 */
export async function inTransaction<T>(
  sql: SqlClient,
  operation: string,
  work: (connection: SqlClient) => Promise<T>,
): Promise<T> {
  let connection: SqlClient;
  let release: (destroy?: boolean) => void = () => {};
  try {
    if (isPool(sql)) {
      const checkedOut = await sql.connect();
      connection = checkedOut;
      release = (destroy) => checkedOut.release(destroy);
    } else connection = sql;
    await connection.query('begin');
  } catch (error) {
    release(true);
    throw unavailable(operation, error);
  }
  try {
    const result = await work(connection);
    await connection.query('commit');
    release();
    return result;
  } catch (error) {
    // A connection that cannot roll back is broken: the pool must not hand it out again.
    const rolledBack = await connection.query('rollback').then(
      () => true,
      () => false,
    );
    release(!rolledBack);
    throw unavailable(operation, error);
  }
}

/**
 * Runs a table's migration in a transaction holding an advisory lock on the table's name, so
 * replicas starting together create it once.
 *
 * @throws SharedStateUnavailableError when the server fails or cannot be reached.
 */
export function inMigration(
  sql: SqlClient,
  operation: string,
  table: string,
  work: (connection: SqlClient) => Promise<void>,
): Promise<void> {
  return inTransaction(sql, operation, async (connection) => {
    await connection.query('select pg_advisory_xact_lock(hashtext($1))', [
      `keel-retrieval:${table}`,
    ]);
    await work(connection);
  });
}
