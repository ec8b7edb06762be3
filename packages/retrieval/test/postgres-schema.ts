/**
 * A `pg` Pool on DATABASE_URL confined to a schema of its own (@keel/testing's
 * `postgresTestSchema`), created before the file's tests and dropped after, so test files
 * running at once against one server never meet.
 */
import { type PostgresTestSchema, postgresTestSchema } from '@keel/testing';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

/** Registers the schema's lifecycle; `pool()` is the Pool, its search_path the schema. */
export function usePostgresSchema(url: string | undefined): { pool: () => pg.Pool } {
  let db: PostgresTestSchema<pg.Pool> | undefined;
  beforeAll(async () => {
    if (url === undefined) return;
    db = await postgresTestSchema(
      'retrieval',
      (options) => new pg.Pool({ connectionString: url, max: 4, options }),
    );
  });
  afterAll(() => db?.drop());
  return {
    pool: () => {
      if (db === undefined) throw new Error('DATABASE_URL is unset or the schema is not ready');
      return db.pool;
    },
  };
}
