import { PGlite } from '@electric-sql/pglite';
import { InvalidArgumentError } from '@keel/core';
import { type PostgresTestSchema, postgresTestSchema, stateEngineUrl } from '@keel/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryStoreContract } from '../test/memory-store-contract';
import { createPostgresMemoryStore } from './postgres-memory-store';

const url = stateEngineUrl('DATABASE_URL');
let tables = 0;

describe('createPostgresMemoryStore on PGlite', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(() => db?.close());
  memoryStoreContract('PGlite', async () =>
    createPostgresMemoryStore({ sql: db, table: `memory_${++tables}` }),
  );
});

describe.skipIf(!url)('createPostgresMemoryStore on PostgreSQL', () => {
  let db: PostgresTestSchema<pg.Pool>;
  beforeAll(async () => {
    db = await postgresTestSchema(
      'memory',
      (options) => new pg.Pool({ connectionString: url, max: 4, options }),
    );
  });
  afterAll(() => db?.drop());
  memoryStoreContract('PostgreSQL', async () =>
    createPostgresMemoryStore({ sql: db.pool, table: `memory_${++tables}` }),
  );
});

describe('createPostgresMemoryStore arguments', () => {
  it('refuses a missing client and a table name that is not an identifier', () => {
    expect(() => createPostgresMemoryStore({ sql: undefined as never })).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      createPostgresMemoryStore({ sql: { query: async () => ({ rows: [] }) }, table: 'x; drop' }),
    ).toThrow(/lower-case letters/);
  });
});
