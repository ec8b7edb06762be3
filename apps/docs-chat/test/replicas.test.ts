/**
 * Two docs-chat processes on one PostgreSQL database: what one replica stores, the other
 * serves. One pair of processes for the file (they start together, racing to migrate and to
 * ingest the corpus); each test uses its own users and conversations.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stateEngineUrl } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/migrations';
import { ofType, postChat, textOf } from './sse-client';
import { type Replicas, startReplicas } from './start-replicas';

const serverUrl = stateEngineUrl('DATABASE_URL');

async function getJson(url: string, path: string, userId = 'anonymous') {
  const response = await fetch(`${url}${path}`, { headers: { 'x-user-id': userId } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Polls `check` until it returns something (a replica applies a NOTIFY in the background). */
async function eventually<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Never happened: ${what}`);
}

describe.skipIf(!serverUrl)('replicas on one PostgreSQL', () => {
  let run: Replicas;
  let a: string;
  let b: string;

  beforeAll(async () => {
    // Paced, so that turns sent to both replicas at once really overlap.
    run = await startReplicas({
      serverUrl: serverUrl as string,
      env: { DOCS_CHAT_OFFLINE_PACE_MS: '2' },
    });
    [a, b] = run.replicas.map((replica) => replica.url) as [string, string];
  });

  afterAll(async () => {
    await run?.close();
  });

  it('start together from one install: migrated once, the corpus ingested once, no lock', async () => {
    const versions = await run.query<{ version: number }>(
      'select version from schema_migrations order by version',
    );
    expect(versions.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
    const stored = await run.query<{ documents: number; chunks: number }>(
      'select (select count(*)::int from documents) as documents, (select count(*)::int from chunks) as chunks',
    );
    expect(stored[0]?.documents).toBe(4);
    for (const url of [a, b]) {
      const health = await getJson(url, '/healthz');
      expect(health.body).toMatchObject({ status: 'ok', documents: 4, chunks: stored[0]?.chunks });
    }
    // Both ran `serve`, which ingests the corpus: one embedded it, the other found it stored.
    const reports = run.replicas.map(
      (replica) => replica.output().match(/(checked|index up to date:) 4 files.*/)?.[0],
    );
    expect(reports.filter((line) => line?.includes('4 embedded'))).toHaveLength(1);
    expect(reports.filter((line) => line?.startsWith('index up to date'))).toHaveLength(1);
    // Their shared data directory stays empty: no lock, no database, no index files.
    expect(readdirSync(run.dataDir)).toEqual([]);
  });

  it('continues on replica B a conversation started on replica A', async () => {
    const first = await postChat(a, { message: 'What does the ef parameter control?' });
    expect(first.events.at(-1)).toMatchObject({ type: 'finish', outcome: 'stop' });
    const conversationId = (first.events[0] as { conversationId: string }).conversationId;
    const second = await postChat(b, { conversationId, message: 'And how do budgets work?' });
    expect(second.status).toBe(200);
    expect(second.events.at(-1)).toMatchObject({ type: 'finish', outcome: 'stop' });
    const onA = await getJson(a, `/api/conversations/${conversationId}`, 'alice');
    const onB = await getJson(b, `/api/conversations/${conversationId}`, 'alice');
    expect(onB.body).toEqual(onA.body);
    const turns = onB.body.turns as Array<{ seq: number; role: string; text: string }>;
    expect(turns.map((turn) => [turn.seq, turn.role])).toEqual([
      [1, 'user'],
      [2, 'assistant'],
      [3, 'user'],
      [4, 'assistant'],
    ]);
    expect(turns[1]?.text).toBe(textOf(first.events));
    expect(turns[3]?.text).toBe(textOf(second.events));
    // Another user sees nothing, on either replica.
    expect((await getJson(b, `/api/conversations/${conversationId}`, 'mallory')).status).toBe(404);
  });

  it('runs turns of one conversation sent to both replicas at once one after another', async () => {
    const userId = 'carol';
    const opened = await postChat(a, { message: 'Hello' }, { userId });
    const conversationId = (opened.events[0] as { conversationId: string }).conversationId;
    const questions = ['ef', 'budgets', 'streaming', 'cancel', 'recall', 'chunks'];
    const answers = await Promise.all(
      questions.map((topic, index) =>
        postChat(
          index % 2 === 0 ? a : b,
          { conversationId, message: `Tell me about ${topic}` },
          {
            userId,
          },
        ),
      ),
    );
    for (const answer of answers) {
      expect(answer.events.at(-1)).toMatchObject({ type: 'finish', outcome: 'stop' });
    }
    const view = await getJson(b, `/api/conversations/${conversationId}`, userId);
    const turns = view.body.turns as Array<{ seq: number; role: string; turnId: string }>;
    expect(turns).toHaveLength(2 + questions.length * 2);
    turns.forEach((turn, index) => {
      expect(turn.seq).toBe(index + 1);
      expect(turn.role).toBe(index % 2 === 0 ? 'user' : 'assistant');
      if (index % 2 === 1) expect(turn.turnId).toBe(turns[index - 1]?.turnId);
    });
    expect(await run.query('select * from conversation_leases')).toEqual([]);
  });

  it('decides on replica B an approval replica A holds, and the tool runs once', async () => {
    const userId = 'dave';
    const held = await postChat(
      a,
      { message: 'Save a note: replicas share approvals' },
      { userId },
    );
    expect(held.events.at(-1)).toMatchObject({ type: 'finish', outcome: 'pending-approval' });
    const conversationId = (held.events[0] as { conversationId: string }).conversationId;
    const token = ofType(held.events, 'tool').find((e) => e.status === 'pending-approval')?.approval
      ?.token as string;
    const waiting = await getJson(b, `/api/conversations/${conversationId}`, userId);
    expect((waiting.body.turns as Array<{ pendingApprovals?: unknown }>)[1]).toMatchObject({
      pendingApprovals: [{ token, toolName: 'save_note' }],
    });
    const approved = await postChat(
      b,
      { conversationId, approvals: [{ token, approved: true }] },
      { userId },
    );
    expect(ofType(approved.events, 'tool').map((e) => e.summary)).toEqual([
      'save_note: running',
      expect.stringMatching(/^save_note: saved note #\d+$/),
    ]);
    expect(approved.events.at(-1)).toMatchObject({ type: 'finish', outcome: 'stop' });
    const notes = await run.query<{ title: string }>('select title from notes where user_id = $1', [
      userId,
    ]);
    expect(notes).toEqual([{ title: 'replicas share approvals' }]);
    // Decided once: replica A no longer finds it.
    const replay = await postChat(
      a,
      { conversationId, approvals: [{ token, approved: true }] },
      { userId },
    );
    expect(replay.error?.code).toBe('approval_not_found');
  });

  it('answers on both replicas from a document ingested while they run', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'docs-chat-replicas-ingest-'));
    try {
      await mkdir(join(folder, 'zoo'));
      writeFileSync(
        join(folder, 'zoo', 'quokka.md'),
        '# Quokkas\n\nThe quokka protocol retries every request exactly seven times before giving up.\n',
      );
      const ingest = await run.cli(['ingest', join(folder, 'zoo')]);
      expect(ingest.stderr).toMatch(/checked 1 files: 1 embedded/);
      expect(ingest.code).toBe(0);
      for (const url of [b, a]) {
        await eventually(async () => {
          const health = await getJson(url, '/healthz');
          return health.body.documents === 5 ? true : undefined;
        }, `replica ${url} indexes the new document`);
        const answer = await postChat(
          url,
          { message: 'How many times does the quokka protocol retry?' },
          { userId: 'erin' },
        );
        expect(textOf(answer.events)).toMatch(/seven times/);
        expect(ofType(answer.events, 'citations')[0]?.citations.map((c) => c.sourceId)).toContain(
          'zoo/quokka.md',
        );
      }
      // The same file again, through a replica's neighbour: stored once, nothing embedded.
      const again = await run.cli(['ingest', join(folder, 'zoo')]);
      expect(again.stderr).toMatch(/index up to date: 1 files unchanged/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('keeps one ledger: both replicas report the same usage, every call counted once', async () => {
    const turns = [
      await postChat(a, { message: 'What does ef control?' }, { userId: 'frank' }),
      await postChat(b, { message: 'What does ef control?' }, { userId: 'frank' }),
    ];
    // A turn ends once its ledger rows are stored: no waiting needed.
    const metered = turns.map((turn) => ofType(turn.events, 'usage').at(-1)?.turn);
    const usage = (await getJson(a, '/api/usage')).body as {
      byUser: Record<string, { calls: number; inputTokens: number; outputTokens: number }>;
    };
    expect(usage.byUser.frank).toMatchObject({
      inputTokens: (metered[0]?.inputTokens ?? 0) + (metered[1]?.inputTokens ?? 0),
      outputTokens: (metered[0]?.outputTokens ?? 0) + (metered[1]?.outputTokens ?? 0),
    });
    const rows = await run.query<{ calls: number }>(
      'select count(*)::int as calls from ledger where user_id = $1',
      ['frank'],
    );
    expect(usage.byUser.frank?.calls).toBe(rows[0]?.calls);
    expect((await getJson(b, '/api/usage')).body).toEqual(usage);
  });
});
