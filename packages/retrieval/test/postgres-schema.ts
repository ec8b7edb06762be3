/**
 * A `pg` Pool on DATABASE_URL confined to a schema of its own, created before the file's tests
 * and dropped after, so test files running at once against one server never meet.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

/** Registers the schema's lifecycle; `pool()` is the Pool, its search_path the schema. */
export function usePostgresSchema(url: string | undefined): { pool: () => pg.Pool } {
  const schema = `keel_test_retrieval_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  let pool: pg.Pool | undefined;
  beforeAll(async () => {
    if (url === undefined) return;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    pool = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path=${schema}` });
  });
  afterAll(async () => {
    if (pool === undefined) return;
    await pool.query(`drop schema ${schema} cascade`);
    await pool.end();
  });
  return {
    pool: () => {
      if (pool === undefined) throw new Error('DATABASE_URL is unset or the schema is not ready');
      return pool;
    },
  };
}
