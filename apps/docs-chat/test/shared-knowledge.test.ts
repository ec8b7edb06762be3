/**
 * The collection replicas share through PostgreSQL: an ingest on one replica is stored once
 * and reaches the other's index (through NOTIFY, or by content hash once a cut LISTEN
 * connection is back), removals too.
 */
import { cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stateEngineUrl } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/database';
import { connectDatabase } from '../src/postgres-database';
import { openSharedKnowledge, type SharedKnowledge } from '../src/shared-knowledge';
import { useSchema } from './postgres-schema';
import { FIXTURE_CORPUS } from './start-test-app';

const serverUrl = stateEngineUrl('DATABASE_URL');

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 300 && !(await check()); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!(await check())) throw new Error(`Never happened: ${what}`);
}

describe.skipIf(!serverUrl)('openSharedKnowledge', () => {
  const schema = useSchema(serverUrl);
  const folder = mkdtempSync(join(tmpdir(), 'docs-chat-shared-knowledge-'));
  const corpus = join(folder, 'corpus');
  const warnings: string[] = [];
  const open: Array<{ db: Database; shared: SharedKnowledge }> = [];
  let a: SharedKnowledge;
  let b: SharedKnowledge;

  beforeAll(async () => {
    cpSync(FIXTURE_CORPUS, corpus, { recursive: true });
    for (let replica = 0; replica < 2; replica++) {
      const db = await connectDatabase(schema.url, {
        poolSize: 2,
        onWarning: (event) => warnings.push(event),
      });
      const shared = await openSharedKnowledge(db, { onWarning: () => {} });
      expect(shared.index).toBe('cache');
      open.push({ db, shared });
    }
    [a, b] = open.map((replica) => replica.shared) as [SharedKnowledge, SharedKnowledge];
  });

  afterAll(async () => {
    for (const { db, shared } of open) {
      await shared.close();
      await db.close();
    }
    rmSync(folder, { recursive: true, force: true });
  });

  it('stores an ingest once and brings the other replica to it', async () => {
    const report = await a.knowledge.ingest([corpus]);
    expect(report).toMatchObject({ scanned: 4, changed: 4, unchanged: 0 });
    await until(
      async () => (await b.knowledge.count()).documents === 4,
      'replica B indexes the four documents',
    );
    expect(await b.knowledge.count()).toEqual(await a.knowledge.count());
    const [onA, onB] = await Promise.all(
      [a, b].map((replica) => replica.knowledge.document('corpus/notes.txt')),
    );
    expect(onB?.text).toBe(onA?.text);
    expect(onB?.chunks.map((chunk) => chunk.id)).toEqual(onA?.chunks.map((chunk) => chunk.id));
    const found = await b.knowledge.search('What does ef control?');
    expect(found[0]?.chunk.sourceId).toBe('corpus/notes.txt');
    // The same files through replica B: already stored, nothing embedded or written.
    expect(await b.knowledge.ingest([corpus])).toMatchObject({ changed: 0, unchanged: 4 });
    const rows = await schema.admin.query(
      `select count(*)::int as chunks from ${schema.name}.chunks`,
    );
    expect(rows.rows[0]?.chunks).toBe((await a.knowledge.count()).chunks);
  });

  it('catches up by content hash after its LISTEN connection was cut, removals included', async () => {
    await schema.admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
        where query = 'listen "docs_chat_documents"' and datname = current_database()`,
    );
    writeFileSync(join(corpus, 'quokka.md'), '# Quokkas\n\nThe quokka retries seven times.\n');
    unlinkSync(join(corpus, 'notes.txt'));
    expect(await a.knowledge.ingest([corpus])).toMatchObject({ changed: 1, removed: 1 });
    await until(
      async () =>
        (await b.knowledge.document('corpus/quokka.md')) !== undefined &&
        (await b.knowledge.document('corpus/notes.txt')) === undefined,
      'replica B has the new document and not the removed one',
    );
    expect(await b.knowledge.sourceIds()).toEqual(await a.knowledge.sourceIds());
    expect(warnings).toContain('database-listen-lost');
  });
});
