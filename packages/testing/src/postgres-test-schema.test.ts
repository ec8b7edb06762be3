import { describe, expect, it } from 'vitest';
import { postgresTestSchema } from './postgres-test-schema';

/** A pool that records its statements and whether it was closed. */
function recordingPool(options: string) {
  const pool = {
    options,
    statements: [] as string[],
    ended: false,
    async query(text: string) {
      pool.statements.push(text);
      return { rows: [] };
    },
    async end() {
      pool.ended = true;
    },
  };
  return pool;
}

describe('postgresTestSchema', () => {
  it('creates a fresh schema on a pool confined to it, and drops it before closing the pool', async () => {
    const db = await postgresTestSchema('tokens', recordingPool);
    expect(db.schema).toMatch(/^keel_test_tokens_[0-9a-f]{16}$/);
    expect(db.pool.options).toBe(`-c search_path=${db.schema}`);
    await db.drop();
    expect(db.pool.statements).toEqual([
      `create schema ${db.schema}`,
      `drop schema if exists ${db.schema} cascade`,
    ]);
    expect(db.pool.ended).toBe(true);
    const other = await postgresTestSchema('tokens', recordingPool);
    expect(other.schema).not.toBe(db.schema);
  });

  it('refuses an area that is not a plain identifier', async () => {
    await expect(postgresTestSchema('x; drop table t', recordingPool)).rejects.toThrow(
      /area must be/,
    );
  });
});
