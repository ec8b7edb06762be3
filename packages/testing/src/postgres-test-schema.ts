/**
 * A PostgreSQL schema of a test file's own, so test files of several packages running at once
 * against one server never meet: created on a pool whose `search_path` is that schema, and
 * dropped with everything in it when the file is done.
 */
import type { SqlClient } from '@keel/core';
import { InvalidArgumentError } from '@keel/core';

/** A pool the schema can run on and close (a `pg` `Pool`). */
export type PostgresTestPool = SqlClient & { end(): Promise<void> };

/** A test file's schema; see {@link postgresTestSchema}. */
export interface PostgresTestSchema<Pool extends PostgresTestPool> {
  /** `keel_test_<area>_<random>`. */
  readonly schema: string;
  /** The pool, its `search_path` the schema: unqualified tables are created there. */
  readonly pool: Pool;
  /** Drops the schema and everything in it, then closes the pool. */
  drop(): Promise<void>;
}

/**
 * Creates a fresh schema through the pool `connect` opens with the given `options` (pass them
 * to `pg`: `-c search_path=<schema>`); the kit itself depends on no driver.
 *
 * @example
 * ```ts
 * const url = stateEngineUrl('DATABASE_URL');
 * let db: PostgresTestSchema<pg.Pool>;
 * beforeAll(async () => {
 *   db = await postgresTestSchema('tokens', (options) => new pg.Pool({ connectionString: url, options }));
 * });
 * afterAll(() => db?.drop());
 * ```
 */
export async function postgresTestSchema<Pool extends PostgresTestPool>(
  area: string,
  connect: (options: string) => Pool,
): Promise<PostgresTestSchema<Pool>> {
  if (typeof area !== 'string' || !/^[a-z][a-z0-9_]*$/.test(area)) {
    throw new InvalidArgumentError({
      argument: 'area',
      message: `area must be lower-case letters, digits and _ (a package name such as 'tokens'), got ${JSON.stringify(area)}`,
    });
  }
  const schema = `keel_test_${area}_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const pool = connect(`-c search_path=${schema}`);
  await pool.query(`create schema ${schema}`);
  return {
    schema,
    pool,
    async drop() {
      try {
        await pool.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await pool.end();
      }
    },
  };
}
