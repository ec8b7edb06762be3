import { randomUUID } from 'node:crypto';
import { InvalidArgumentError, SharedStateUnavailableError, type SqlClient } from '@keel/core';
import { stateEngineUrl } from '@keel/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { usePgliteVectorServer } from '../test/pglite-vector-server';
import { usePostgresSchema } from '../test/postgres-schema';
import { vectorStoreContract, vectors } from '../test/vector-store-contract';
import { DimensionMismatchError } from './dimension-mismatch-error';
import { EmbeddingModelMismatchError } from './embedding-model-mismatch-error';
import { createHnswStore } from './hnsw-store';
import { createLocalEmbedder } from './local-embedder';
import { createPgVectorStore, hasPgVector } from './pg-vector-store';
import { createPostgresTextIndex } from './postgres-text-index';
import { createRetriever } from './retriever';
import type { Chunk, Document } from './types';

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

  it('records the embedding model and refuses another one at migrate, write and search', async () => {
    const name = table();
    const open = (model?: string) =>
      createPgVectorStore({ sql: server.pool(), table: name, dim: 8, ...(model && { model }) });
    const v1 = open('model-v1');
    await v1.migrate();
    const items = vectors(10, 8);
    await v1.upsert(items);
    // The same model, or a store that records none, opens it as it is.
    await open('model-v1').migrate();
    await open().migrate();
    await open().upsert(items.slice(0, 1));
    expect(await open().count()).toBe(10);

    const v2 = open('model-v2');
    const refused = (error: unknown) =>
      EmbeddingModelMismatchError.isInstance(error) &&
      error.path === name &&
      error.indexModel === 'model-v1' &&
      error.requestedModel === 'model-v2' &&
      /use the same model, or another table/.test(error.message);
    await expect(v2.migrate()).rejects.toSatisfy(refused);
    await expect(v2.search(items[0]?.vector ?? [])).rejects.toSatisfy(refused);
    await expect(v2.upsert(vectors(12, 8))).rejects.toSatisfy(refused);
    await expect(v2.add([{ id: 'new', vector: items[0]?.vector ?? [] }])).rejects.toSatisfy(
      refused,
    );
    // The refused writes wrote nothing.
    expect((await v1.ids()).sort()).toEqual(items.map((item) => item.id).sort());
    expect((await v1.search(items[3]?.vector ?? [], { k: 1 }))[0]?.id).toBe('v3');
  });

  it("writes and searches on the caller's transaction without ending it", async () => {
    const store = createPgVectorStore({ sql: server.pool(), table: table(), dim: 4, model: 'm' });
    await store.migrate();
    const items = vectors(6, 4);
    const connection = await server.pool().connect();
    try {
      const onTransaction = createPgVectorStore({
        sql: connection,
        table: store.table,
        dim: 4,
        model: 'm',
      });
      await connection.query('begin');
      await onTransaction.upsert(items.slice(0, 3));
      await onTransaction.add(items.slice(3));
      // The search sees the transaction's own writes, and a refused add leaves them be.
      expect((await onTransaction.search(items[4]?.vector ?? [], { k: 1 }))[0]?.id).toBe('v4');
      await expect(onTransaction.add(items.slice(0, 1))).rejects.toThrow(/already/);
      expect(await onTransaction.count()).toBe(6);
      await connection.query('rollback');
    } finally {
      connection.release();
    }
    expect(await store.count()).toBe(0);
  });

  it("keeps model ids with quotes and backslashes, and a column comment of the user's own", async () => {
    const model = `it's a \\odd\\ "model"`;
    const quoted = createPgVectorStore({ sql: server.pool(), table: table(), dim: 4, model });
    await quoted.migrate();
    await quoted.migrate();
    expect(quoted.model).toBe(model);
    await expect(
      createPgVectorStore({
        sql: server.pool(),
        table: quoted.table,
        dim: 4,
        model: 'x',
      }).migrate(),
    ).rejects.toSatisfy(
      (error) => EmbeddingModelMismatchError.isInstance(error) && error.indexModel === model,
    );

    const name = table();
    const plain = createPgVectorStore({ sql: server.pool(), table: name, dim: 4 });
    await plain.migrate();
    await plain.upsert(vectors(3, 4));
    await server.pool().query(`comment on column "${name}".embedding is 'ours'`);
    const recorded = createPgVectorStore({ sql: server.pool(), table: name, dim: 4, model: 'm' });
    await recorded.migrate();
    const { rows } = await server.pool().query<{ comment: string }>(
      `select col_description(attrelid, attnum) as comment from pg_attribute
          where attrelid = $1::regclass and attname = 'embedding'`,
      [name],
    );
    expect(rows[0]?.comment).toBe('ours');
    expect(await recorded.count()).toBe(3);
  });

  it('refuses a bad model before any SQL', () => {
    for (const model of ['', 'a\nb', 'x'.repeat(201), 'lone \ud800', 42]) {
      expect(() =>
        createPgVectorStore({ sql: server.pool(), table: 'v', dim: 4, model: model as string }),
      ).toThrow(/model must be an embedding model id/);
    }
  });

  it('a retriever refuses a store of another embedding model', async () => {
    const embedder = createLocalEmbedder({ dimensions: 8 });
    const refused = (error: unknown) =>
      EmbeddingModelMismatchError.isInstance(error) &&
      error.indexModel === 'text-embedding-3-small' &&
      error.requestedModel === embedder.modelId;
    const pgStore = createPgVectorStore({
      sql: server.pool(),
      table: table(),
      dim: 8,
      model: 'text-embedding-3-small',
    });
    await expect(createRetriever({ embedder, store: pgStore, cache: false })).rejects.toSatisfy(
      refused,
    );
    const hnsw = await createHnswStore({ dim: 8, model: 'text-embedding-3-small' });
    await expect(createRetriever({ embedder, store: hnsw, cache: false })).rejects.toSatisfy(
      refused,
    );
    const same = createPgVectorStore({
      sql: server.pool(),
      table: table(),
      dim: 8,
      model: embedder.modelId,
    });
    await expect(createRetriever({ embedder, store: same, cache: false })).resolves.toBeDefined();
  });

  it('keeps k hits under a filter on pgvector before 0.8 (no iterative scans): the exact scan fills in', async () => {
    const connection = await server.pool().connect();
    const statements: string[] = [];
    // pgvector 0.7 as far as the store can tell; it must not set hnsw.iterative_scan.
    const olderPgVector: SqlClient = {
      query: async <Row>(text: string, values?: unknown[]) => {
        statements.push(text);
        if (text.includes('pg_extension')) return { rows: [{ version: '0.7.4' }] as Row[] };
        // The planner estimates containment filters as selective and scans exactly; make it
        // take the HNSW index, to see the store fill in what the index leaves short.
        if (text.includes('hnsw.ef_search')) {
          await connection.query(`select set_config('enable_seqscan', 'off', true)`);
        }
        return connection.query(text, values) as unknown as Promise<{ rows: Row[] }>;
      },
    };
    try {
      const name = table();
      const store = createPgVectorStore({
        sql: olderPgVector,
        table: name,
        dim: 16,
        m: 4,
        ef: 4,
      });
      await store.migrate();
      // Without the metadata index, the HNSW index is the planner's only index: it stops at
      // ef_search (40) rows, half of them filtered out.
      await connection.query(`drop index "${name}_metadata"`);
      const items = vectors(2_000, 16);
      await store.add(items);
      const hits = await store.search(items[0]?.vector ?? [], { k: 40, filter: { even: true } });
      expect(hits).toHaveLength(40);
      expect(hits.every((hit) => hit.metadata.even === true)).toBe(true);
      expect(statements.some((text) => text.includes('iterative_scan'))).toBe(false);
      expect(statements.some((text) => text.includes('enable_indexscan'))).toBe(true);
    } finally {
      connection.release();
    }
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
    expect(() => createPgVectorStore({ sql: undefined as never, table: 'v', dim: 4 })).toThrow(
      /createPgVectorStore\(\) needs sql: a pg Pool/,
    );
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

const url = stateEngineUrl('DATABASE_URL');
// PGlite starts once per file (slowly on a loaded machine): the hybrid retrieval test shares it.
const database = usePostgresSchema(url);

describe.skipIf(!url)('createPgVectorStore on a server without pgvector', () => {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  afterAll(() => pool.end());

  it('says so: hasPgVector is false and migrate names the missing extension', async () => {
    // PostgreSQL 15 on DATABASE_URL has no pgvector (see the issue); nothing is created.
    expect(await hasPgVector(pool)).toBe(false);
    await expect(
      createPgVectorStore({ sql: pool, table: table(), dim: 4 }).migrate(),
    ).rejects.toThrow(/pgvector extension is not installed/);
  });
});

const corpus: Document[] = [
  {
    id: 'keys.md',
    text: '# API keys\n\nRotate API keys every ninety days. Revoke a leaked key at once.\n',
  },
  {
    id: 'billing.md',
    text: '# Billing\n\nInvoices are sent monthly. Update the credit card on the billing page.\n',
  },
  {
    id: 'deploy.md',
    text: '# Deploying\n\nDeploy with the blue-green strategy. Roll back by switching the router.\n',
  },
  {
    id: 'limits.md',
    text: '# Rate limits\n\nEach tenant may send sixty requests per minute; a 429 answer says when to retry.\n',
  },
  {
    id: 'sso.md',
    text: '# Single sign-on\n\nConnect SAML or OpenID Connect identity providers for your organisation.\n',
  },
  {
    id: 'export.md',
    text: '# Exporting data\n\nDownload every conversation as JSON from the export page, or schedule a nightly export.\n',
  },
  {
    id: 'webhooks.md',
    text: '# Webhooks\n\nWebhooks post events to your endpoint and are signed with an HMAC secret header.\n',
  },
  {
    id: 'backups.md',
    text: '# Backups\n\nDatabases are backed up hourly and kept for thirty days; restore from the console.\n',
  },
].map((document, i) => ({ ...document, metadata: { tenant: i % 2 === 0 ? 'acme' : 'globex' } }));

const questions: Array<[string, string]> = [
  ['how often should I rotate my API key?', 'keys.md'],
  ['update credit card for invoices', 'billing.md'],
  ['roll back a blue-green deploy', 'deploy.md'],
  ['too many requests per minute 429', 'limits.md'],
  ['configure SAML identity provider', 'sso.md'],
  ['verify the webhook HMAC signature', 'webhooks.md'],
];

describe.skipIf(!url)('hybrid retrieval on pgvector and PostgreSQL full text', () => {
  it('finds what HNSW and BM25 find: the relevant document in the top 3 of each question', async () => {
    const embedder = createLocalEmbedder();
    const local = await createRetriever({ embedder, cache: false });
    const store = createPgVectorStore({
      sql: server.pool(),
      table: 'chunks',
      dim: embedder.dimensions,
    });
    const text = createPostgresTextIndex({ sql: database.pool(), table: 'chunks' });
    await Promise.all([store.migrate(), text.migrate()]);
    const shared = await createRetriever({ embedder, cache: false, store, text });
    await local.ingest(corpus);
    await shared.ingest(corpus);
    expect(await store.count()).toBe(corpus.length);
    expect(await text.count()).toBe(corpus.length);
    for (const [question, relevant] of questions) {
      for (const retriever of [local, shared]) {
        const top = await retriever.retrieve(question, { k: 3 });
        expect([question, top.map((result) => result.chunk.sourceId)]).toEqual([
          question,
          expect.arrayContaining([relevant]),
        ]);
      }
      for (const mode of ['vector', 'bm25'] as const) {
        const top = await shared.retrieve(question, { k: 3, mode });
        expect(top.length).toBeGreaterThan(0);
      }
    }
    const acme = await shared.retrieve('rotate keys or export data', {
      k: 5,
      filter: { tenant: 'acme' },
    });
    expect(acme.length).toBeGreaterThan(0);
    expect(acme.every((result) => result.chunk.metadata.tenant === 'acme')).toBe(true);

    // Another replica, which ingested nothing, answers from the shared indexes once it can
    // fetch chunk texts (here from the first replica, standing in for a chunks table).
    const replica = async (fetchChunks?: (ids: readonly string[]) => Promise<Chunk[]>) =>
      createRetriever({ embedder, cache: false, store, text, ...(fetchChunks && { fetchChunks }) });
    const blind = await replica();
    expect(await blind.retrieve('roll back a blue-green deploy')).toEqual([]);
    const fetched: string[][] = [];
    const other = await replica(async (ids) => {
      fetched.push([...ids]);
      return ids.flatMap((id) => shared.chunk(id) ?? []);
    });
    const answer = await other.retrieve('roll back a blue-green deploy', { k: 3 });
    expect(answer.map((result) => result.chunk.sourceId)).toContain('deploy.md');
    expect(fetched).toHaveLength(1);
    // Removal reaches both sides on the server; a document seen again replaces its chunks.
    await expect(shared.remove('keys.md')).resolves.toBe(1);
    expect(await store.has('keys.md#0')).toBe(false);
    expect(await text.has('keys.md#0')).toBe(false);
    await shared.ingest([
      {
        id: 'billing.md',
        text: 'Billing moved to the accounts page.',
        metadata: { tenant: 'globex' },
      },
    ]);
    expect(
      (await shared.retrieve('billing accounts page', { k: 1, mode: 'bm25' }))[0]?.chunk.text,
    ).toMatch(/accounts page/);
    expect(await text.count()).toBe(corpus.length - 1);
  });

  it('refuses a text index together with a directory', async () => {
    const text = createPostgresTextIndex({ sql: database.pool(), table: 'unused' });
    await expect(
      createRetriever({ directory: '/tmp/keel-unused', text } as never),
    ).rejects.toSatisfy(
      (error) => InvalidArgumentError.isInstance(error) && /leave out text/.test(error.message),
    );
  });
});
