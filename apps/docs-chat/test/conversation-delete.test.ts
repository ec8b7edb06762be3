/**
 * DELETE /api/conversations/:id, on the embedded database and (with DATABASE_URL) on
 * PostgreSQL: the caller's conversation goes with its turns, the approvals it waits for and
 * the memory drawn from it (facts stated in it, its summary), while the caller's other
 * conversations and facts stay; another user's or an unknown id is not found; a conversation
 * whose turn is running, here or on another replica, is refused with 409.
 */
import { randomUUID } from 'node:crypto';
import { stateEngineUrl } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSchema } from './postgres-schema';
import { ofType, postChat } from './sse-client';
import { startTestApp, type TestApp } from './start-test-app';

const serverUrl = stateEngineUrl('DATABASE_URL');

interface ErrorBody {
  error: { code: string; message: string };
}

/** The scenarios on one engine: `env` is added to the app's environment. */
function deletingConversations(env: () => Record<string, string>) {
  let test: TestApp;

  beforeAll(async () => {
    // A history window this small folds a conversation's first turn into its summary at once.
    test = await startTestApp({ env: { DOCS_CHAT_HISTORY_TOKENS: '40', ...env() } });
  });
  afterAll(async () => {
    await test?.close();
  });

  const remove = (userId: string, conversationId: string) =>
    fetch(`${test.url}/api/conversations/${encodeURIComponent(conversationId)}`, {
      method: 'DELETE',
      headers: { 'x-user-id': userId },
    });
  const read = (userId: string, conversationId: string) =>
    fetch(`${test.url}/api/conversations/${encodeURIComponent(conversationId)}`, {
      headers: { 'x-user-id': userId },
    });
  const statements = async (userId: string) => {
    const response = await fetch(`${test.url}/api/memory`, { headers: { 'x-user-id': userId } });
    const { facts } = (await response.json()) as {
      facts: Array<{ id: string; statement: string }>;
    };
    return facts;
  };
  const count = async (sql: string, values: unknown[]) =>
    (await test.app.db.query<{ n: number }>(`select count(*)::int as n from ${sql}`, values))
      .rows[0]?.n;

  /** Says `message` as `userId` (in `conversationId`, or a new one); returns the conversation. */
  async function say(userId: string, message: string, conversationId?: string): Promise<string> {
    const { events } = await postChat(
      test.url,
      { message, ...(conversationId && { conversationId }) },
      { userId },
    );
    expect(ofType(events, 'finish')[0]?.outcome).toBe('stop');
    return ofType(events, 'meta')[0]?.conversationId as string;
  }

  it("deletes the caller's conversation with its turns, and forgets the facts and summary drawn from it", async () => {
    const kept = await say('rita', 'My editor is Helix.');
    const deleted = await say('rita', 'My dog is called Biscuit.');
    await say('rita', 'I live in Porto.', deleted);
    const before = await statements('rita');
    expect(before.map((fact) => fact.statement).sort()).toEqual([
      'The user lives in Porto.',
      "The user's dog is called Biscuit.",
      "The user's editor is Helix.",
    ]);
    expect(await count('keel_memory_summaries where conversation_id = $1', [deleted])).toBe(1);

    const response = await remove('rita', deleted);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: deleted,
      turns: 4,
      forgotten: { facts: 2, summaries: 1 },
    });

    // Gone from the API, the tables, the recall index; the other conversation is untouched.
    const gone = await read('rita', deleted);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as ErrorBody).error.code).toBe('not_found');
    expect(await count('turns where conversation_id = $1', [deleted])).toBe(0);
    expect(await count('conversations where id = $1', [deleted])).toBe(0);
    expect(await count('keel_memory_summaries where conversation_id = $1', [deleted])).toBe(0);
    const after = await statements('rita');
    expect(after.map((fact) => fact.statement)).toEqual(["The user's editor is Helix."]);
    for (const fact of before.filter((f) => !after.some((a) => a.id === f.id))) {
      expect(test.app.memory.index.has(fact.id)).toBe(false);
    }
    expect((await read('rita', kept)).status).toBe(200);

    // A new turn cannot bring it back under its id: it starts a conversation of its own.
    const again = await postChat(
      test.url,
      { message: 'Where do I live?', conversationId: deleted },
      { userId: 'rita' },
    );
    expect(again.status).toBe(404);
    expect(again.error?.code).toBe('not_found');
    expect(again.error?.message).toMatch(/omit conversationId to start one/);
    expect((await remove('rita', deleted)).status).toBe(404);
  });

  it("answers 404 for another user's conversation and leaves it and its memory alone", async () => {
    const sams = await say('sam', 'My cat is called Miso.');
    const refused = await remove('tess', sams);
    expect(refused.status).toBe(404);
    const { error } = (await refused.json()) as ErrorBody;
    expect(error.code).toBe('not_found');
    expect(error.message).toBe(`No conversation ${sams} for this user`);
    expect((await read('sam', sams)).status).toBe(200);
    expect((await statements('sam')).map((fact) => fact.statement)).toEqual([
      "The user's cat is called Miso.",
    ]);
  });

  it('refuses a caller without x-user-id, since every such caller shares one id', async () => {
    const { events } = await postChat(
      test.url,
      { message: 'How do budgets work?' },
      { userId: '' },
    );
    const shared = ofType(events, 'meta')[0]?.conversationId as string;
    const refused = await fetch(`${test.url}/api/conversations/${shared}`, { method: 'DELETE' });
    expect(refused.status).toBe(400);
    const { error } = (await refused.json()) as ErrorBody;
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/send x-user-id naming you/);
    expect((await fetch(`${test.url}/api/conversations/${shared}`)).status).toBe(200);
  });

  it('answers 404 for an unknown id', async () => {
    for (const id of [randomUUID(), 'not-a-conversation']) {
      const refused = await remove('uma', id);
      expect(refused.status).toBe(404);
      expect(((await refused.json()) as ErrorBody).error.code).toBe('not_found');
    }
  });

  it('refuses with 409 while a turn of the conversation runs, and deletes it once the turn ends', async () => {
    const conversationId = await say('vic', 'What is ef?');
    // The turn holds its conversation's lock from before its first event until after `finish`.
    const turn = test.app.engine.turn({ userId: 'vic', conversationId, message: 'And budgets?' });
    expect((await turn.next()).value).toMatchObject({ type: 'meta', conversationId });

    const refused = await remove('vic', conversationId);
    expect(refused.status).toBe(409);
    const { error } = (await refused.json()) as ErrorBody;
    expect(error.code).toBe('conversation_busy');
    expect(error.message).toMatch(
      /is busy .*; wait for the turn's finish event \(or cancel it\), then delete it again/,
    );
    // Refused whole: the turn goes on and stores its answer.
    let finish: unknown;
    for await (const event of turn) if (event.type === 'finish') finish = event;
    expect(finish).toMatchObject({ outcome: 'stop' });
    const view = (await (await read('vic', conversationId)).json()) as { turns: unknown[] };
    expect(view.turns).toHaveLength(4);

    expect((await remove('vic', conversationId)).status).toBe(200);
    expect((await read('vic', conversationId)).status).toBe(404);
  });

  it('drops the approvals its last turn waits for, so deciding one finds no conversation', async () => {
    const held = await postChat(
      test.url,
      { message: 'Save a note: check the HNSW ef setting' },
      { userId: 'wes' },
    );
    expect(held.events.at(-1)).toMatchObject({ type: 'finish', outcome: 'pending-approval' });
    const conversationId = ofType(held.events, 'meta')[0]?.conversationId as string;
    const token = ofType(held.events, 'tool').find((e) => e.status === 'pending-approval')?.approval
      ?.token as string;
    expect(await count('approvals where token = $1', [token])).toBe(1);

    expect((await remove('wes', conversationId)).status).toBe(200);
    expect(await count('approvals where token = $1', [token])).toBe(0);
    const decided = await postChat(
      test.url,
      { conversationId, approvals: [{ token, approved: true }] },
      { userId: 'wes' },
    );
    expect(decided.status).toBe(404);
    expect(decided.error?.code).toBe('not_found');
  });

  return {
    /** The running app, for engine-specific tests. */
    app: () => test,
    remove,
    say,
  };
}

describe('DELETE /api/conversations/:id (embedded database)', () => {
  deletingConversations(() => ({}));
});

describe.skipIf(!serverUrl)('DELETE /api/conversations/:id (PostgreSQL)', () => {
  const schema = useSchema(serverUrl);
  const scenarios = deletingConversations(() => ({ DATABASE_URL: schema.url }));

  it("refuses with 409 while another replica's turn holds the conversation's lease", async () => {
    const conversationId = await scenarios.say('xan', 'What is ef?');
    const { db } = scenarios.app().app;
    await db.query(
      `insert into conversation_leases (conversation_id, holder, expires_at)
       values ($1, 'another-replica', now() + interval '1 minute')`,
      [conversationId],
    );
    const refused = await scenarios.remove('xan', conversationId);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('conversation_busy');
    expect(
      (await db.query('select 1 from conversations where id = $1', [conversationId])).rowCount,
    ).toBe(1);

    // The other replica's turn ends: its lease goes, and the delete goes through.
    await db.query('delete from conversation_leases where conversation_id = $1', [conversationId]);
    expect((await scenarios.remove('xan', conversationId)).status).toBe(200);
    expect(
      (
        await db.query('select 1 from conversation_leases where conversation_id = $1', [
          conversationId,
        ])
      ).rowCount,
    ).toBe(0);
  });
});
