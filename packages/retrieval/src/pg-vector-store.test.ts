import { randomUUID } from 'node:crypto';
import { SharedStateUnavailableError } from '@keel/core';
import { stateEngineUrl } from '@keel/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { usePgliteVectorServer } from '../test/pglite-vector-server';
import { vectorStoreContract, vectors } from '../test/vector-store-contract';
import { DimensionMismatchError } from './dimension-mismatch-error';
import { createPgVectorStore, hasPgVector } from './pg-vector-store';

const server = usePgliteVectorServer();
const table = () => `vectors_${randomUUID().replaceAll('-', '').slice(0, 12)}`;

// A small graph and candidate list, so iterative scans and the exact fallback are exercised.
vectorStoreContract('createPgVectorStore (pgvector in PGlite, over the wire)', async (options) => {
  const store = createPgVectorStore({
    sql: server.pool(),
    table: table(),
    m: 4,
    ef: 4,
    ...options,
  });
  await store.migrate();
  return store;
});

describe('createPgVectorStore', () => {
  it('migrates idempotently, and shares one table between stores (replicas)', async () => {
    const name = table();
    const first = createPgVectorStore({ sql: server.pool(), table: name, dim: 8 });
    const second = createPgVectorStore({ sql: server.pool(), table: name, dim: 8 });
    await Promise.all([first.migrate(), second.migrate()]);
    await first.migrate();
    const items = vectors(20, 8);
    await first.upsert(items);
    expect(await second.count()).toBe(20);
    expect((await second.search(items[4]?.vector ?? [], { k: 1 }))[0]?.id).toBe('v4');
    await second.delete(['v4']);
    expect(await first.has('v4')).toBe(false);
    await expect(
      createPgVectorStore({ sql: server.pool(), table: name, dim: 16 }).migrate(),
    ).rejects.toSatisfy((error) => DimensionMismatchError.isInstance(error) && error.actual === 8);
    expect(await hasPgVector(server.pool())).toBe(true);
    await expect(first.search(items[0]?.vector ?? [], { ef: 0 })).rejects.toThrow(/ef must be/);
  });

  it('refuses bad table names and parameters before any SQL', () => {
    for (const bad of ['Vectors', 'a-b', 'x; drop table y', '', 'a.b.c', `a${'b'.repeat(40)}`]) {
      expect(() => createPgVectorStore({ sql: server.pool(), table: bad, dim: 4 })).toThrow(
        /table must be/,
      );
    }
    expect(() => createPgVectorStore({ sql: server.pool(), table: 'v', dim: 4, m: 1 })).toThrow(
      /m must be/,
    );
    expect(() => createPgVectorStore({ sql: server.pool(), table: 'v', dim: 4_000 })).toThrow(
      /dim must be/,
    );
    expect(() =>
      createPgVectorStore({ sql: server.pool(), table: 'public.v', dim: 4, space: 'dot' as never }),
    ).toThrow(/space must be/);
  });

  it('rejects with SharedStateUnavailableError, without hanging, when the server is unreachable', async () => {
    const pool = new pg.Pool({
      connectionString: 'postgres://postgres@127.0.0.1:1/postgres',
      connectionTimeoutMillis: 2_000,
    });
    try {
      const store = createPgVectorStore({ sql: pool, table: 'vectors', dim: 2 });
      for (const call of [
        () => store.search([1, 0]),
        () => store.upsert([{ id: 'a', vector: [1, 0] }]),
        () => store.migrate(),
        () => hasPgVector(pool),
      ]) {
        await expect(call()).rejects.toSatisfy(
          (error) => SharedStateUnavailableError.isInstance(error) && error.engine === 'postgres',
        );
      }
    } finally {
      await pool.end();
    }
  });
});

const databaseUrl = stateEngineUrl('DATABASE_URL');

describe.skipIf(!databaseUrl)('createPgVectorStore on a server without pgvector', () => {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  afterAll(() => pool.end());

  it('says so: hasPgVector is false and migrate names the missing extension', async () => {
    // PostgreSQL 15 on DATABASE_URL has no pgvector (see the issue); nothing is created.
    expect(await hasPgVector(pool)).toBe(false);
    await expect(
      createPgVectorStore({ sql: pool, table: table(), dim: 4 }).migrate(),
    ).rejects.toThrow(/pgvector extension is not installed/);
  });
});
