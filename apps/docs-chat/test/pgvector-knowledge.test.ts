/**
 * docs-chat with its index in pgvector: two app instances on one database whose server has
 * the extension. The PostgreSQL on DATABASE_URL has none, so the server here is PGlite with
 * its `vector` extension served over the Postgres wire protocol by pglite-socket, reached
 * through the app's own `pg` code (`connectDatabase`). pglite-socket runs every connection on
 * PGlite's one session, so each app has a pool of one connection (no LISTEN connection is
 * opened in this mode) and the steps below never overlap.
 */
import { cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { uploadId } from '../src/ingest-plan';
import { answerRetrieval } from '../src/knowledge';
import { vectorsTable } from '../src/pgvector-knowledge';
import { ofType, postChat, textOf } from './sse-client';
import { FIXTURE_CORPUS } from './start-test-app';

const QUESTION = 'How does hybrid search rank chunks?';
const RETRIEVAL = 'corpus/guide/retrieval.md';

describe('docs-chat with the index in pgvector (PGlite + vector over the wire)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'docs-chat-pgvector-'));
  const corpus = join(folder, 'corpus');
  let pglite: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  const apps: Array<{ app: App; url: string }> = [];

  /** An app instance on the PGlite server: offline, one pooled connection, serving HTTP. */
  async function start(name: string): Promise<{ app: App; url: string }> {
    const config = loadConfig({
      DOCS_CHAT_PROVIDER: 'offline',
      DOCS_CHAT_PORT: '0',
      DOCS_CHAT_DATA_DIR: join(folder, name),
      DOCS_CHAT_CORPUS: corpus,
      DOCS_CHAT_OFFLINE_PACE_MS: '0',
      DOCS_CHAT_RATE_LIMIT_RPM: '10000',
      DOCS_CHAT_DATABASE_POOL: '1',
      DATABASE_URL: `postgres://postgres@${server?.getServerConn()}/postgres`,
    });
    const app = await createApp({ config, write: false });
    const started = { app, url: await app.listen() };
    apps.push(started);
    return started;
  }

  /** Asks `question` on `url` and waits until the turn is fully recorded. */
  async function ask(on: { app: App; url: string }, question = QUESTION) {
    const { events } = await postChat(on.url, { message: question });
    await on.app.observability.flush();
    expect(events.at(-1)).toMatchObject({ type: 'finish', outcome: 'stop' });
    return { text: textOf(events), citations: ofType(events, 'citations')[0]?.citations ?? [] };
  }

  /** The vectors table of the app's embedder. */
  const EMBEDDER = answerRetrieval().embedder;
  const VECTORS = vectorsTable(EMBEDDER);

  /** Rows of the index tables and of the chunks table, through an app's own pool. */
  async function rowCounts(app: App) {
    const { rows } = await app.db.query<{ vectors: number; text: number; chunks: number }>(
      `select (select count(*) from ${VECTORS})::int as vectors,
              (select count(*) from chunk_text)::int as text,
              (select count(*) from chunks)::int as chunks`,
    );
    return rows[0];
  }

  beforeAll(async () => {
    cpSync(FIXTURE_CORPUS, corpus, { recursive: true });
    pglite = await PGlite.create({ extensions: { vector } });
    server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: 3 });
    await server.start();
  });

  afterAll(async () => {
    for (const { app } of apps) await app.close();
    await server?.stop();
    await pglite?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('ingests into pgvector once, and a second instance answers from the same tables', async () => {
    const a = await start('a');
    const report = await a.app.ingestCorpus();
    expect(report).toMatchObject({ scanned: 4, changed: 4, unchanged: 0, removed: 0 });
    const rows = await rowCounts(a.app);
    expect(rows?.chunks).toBe(report.chunks);
    expect(rows).toEqual({ vectors: report.chunks, text: report.chunks, chunks: report.chunks });

    const onA = await ask(a);
    const cited = onA.citations.find((citation) => citation.sourceId === RETRIEVAL);
    expect(cited?.text).toContain('reciprocal rank fusion');
    expect(onA.text).toContain(`[${cited?.citationId}]`);

    // Instance B never ingests: it searches the tables A wrote.
    const b = await start('b');
    expect(await b.app.knowledge.count()).toEqual({ documents: 4, chunks: report.chunks });
    const onB = await ask(b);
    expect(onB.citations.map((citation) => citation.sourceId)).toContain(RETRIEVAL);
    expect(onB.text).toBe(onA.text);
    expect(await b.app.knowledge.document(RETRIEVAL)).toEqual(
      await a.app.knowledge.document(RETRIEVAL),
    );
    // The same files through B: stored already, nothing embedded or written.
    expect(await b.app.ingestCorpus()).toMatchObject({ changed: 0, unchanged: 4, chunks: 0 });
  });

  it('drops a removed document from every instance, and a changed one keeps no stale rows', async () => {
    const [a, b] = apps as [{ app: App; url: string }, { app: App; url: string }];
    const { citations } = await ask(b, 'What does ef control?');
    expect(citations.map((citation) => citation.sourceId)).toContain('corpus/notes.txt');

    unlinkSync(join(corpus, 'notes.txt'));
    // Rewritten shorter: its earlier chunks leave both stores, whichever instance wrote them.
    writeFileSync(
      join(corpus, 'guide', 'budgets.md'),
      '# Budgets\n\nThe quokka budget resets at midnight UTC.\n',
    );
    expect(await a.app.ingestCorpus()).toMatchObject({ changed: 1, removed: 1 });

    expect(await b.app.knowledge.sourceIds()).not.toContain('corpus/notes.txt');
    const after = await ask(b, 'What does ef control?');
    expect(after.citations.map((citation) => citation.sourceId)).not.toContain('corpus/notes.txt');
    const quokka = await ask(b, 'When does the quokka budget reset?');
    expect(quokka.citations.map((citation) => citation.sourceId)).toContain(
      'corpus/guide/budgets.md',
    );
    const { chunks } = await b.app.knowledge.count();
    expect(await rowCounts(b.app)).toEqual({ vectors: chunks, text: chunks, chunks });
    const { rows } = await b.app.db.query<{ stale: number }>(
      `select count(*)::int as stale from ${VECTORS} where id like 'corpus/notes.txt#%'`,
    );
    expect(rows[0]?.stale).toBe(0);
  });

  it('embeds again the documents stored before the server had pgvector', async () => {
    const [a] = apps as [{ app: App; url: string }];
    // As a database first filled by replicas without pgvector: documents and chunks, no index.
    await a.app.db.query(`delete from ${VECTORS}`);
    await a.app.db.query('delete from chunk_text');
    const { documents, chunks } = await a.app.knowledge.count();
    expect(await a.app.ingestCorpus()).toMatchObject({
      changed: 0,
      unchanged: documents,
      reembedded: documents,
      chunks,
    });
    expect(await rowCounts(a.app)).toEqual({ vectors: chunks, text: chunks, chunks });
    expect((await ask(a, 'When does the quokka budget reset?')).citations).not.toEqual([]);
  });

  it("embeds every stored document again, uploads too, into a new embedder's own table", async () => {
    const [a] = apps as [{ app: App; url: string }];
    const otters = uploadId('uma', 'otters.md');
    const limits = { maxDocuments: 5, maxBytes: 1e6 };
    await a.app.knowledge.upload(
      [
        {
          id: otters,
          text: '# Otters\n\nOtters hold paws while they sleep.\n',
          format: 'markdown',
        },
      ],
      { tenant: 'uma', limits },
    );
    const { documents, chunks } = await a.app.knowledge.count();
    // As a database whose vectors an earlier embedder wrote: this embedder's table is new.
    await a.app.db.query(`drop table ${VECTORS}`);
    const c = await start('c');
    expect((await rowCounts(c.app))?.vectors).toBe(0);
    // Another user's upload embeds only what it adds, and reports nothing of uma's.
    const upload = await c.app.knowledge.upload(
      [{ id: uploadId('hana', 'h.md'), text: '# Hana\n\nA note.\n', format: 'markdown' }],
      { tenant: 'hana', limits },
    );
    expect(upload).toMatchObject({ indexed: [uploadId('hana', 'h.md')], reembedded: 0 });
    // The next corpus ingest (a start) embeds every stored document again.
    const report = await c.app.ingestCorpus();
    expect(report).toMatchObject({ changed: 0, reembedded: documents, chunks, skipped: [] });
    const after = await c.app.knowledge.count();
    expect(await rowCounts(c.app)).toEqual({
      vectors: after.chunks,
      text: after.chunks,
      chunks: after.chunks,
    });
    const hits = await c.app.knowledge.search('otters sleep holding paws', { tenant: 'uma' });
    expect(hits.map((hit) => hit.chunk.sourceId)).toContain(otters);
    const { rows } = await c.app.db.query<{ comment: string }>(
      `select col_description(attrelid, attnum) as comment from pg_attribute
        where attrelid = '${VECTORS}'::regclass and attname = 'embedding'`,
    );
    expect(rows[0]?.comment).toBe(`embedding model: ${EMBEDDER.modelId}`);
  });
});
