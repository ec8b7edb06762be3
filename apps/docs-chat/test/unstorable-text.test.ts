/**
 * Text the database cannot store (NUL, unpaired UTF-16 surrogates): what a person sends is
 * refused with a 400 before the turn does any work; what a model sends is stored cleaned, so
 * the conversation is never lost after its answer streamed.
 */
import { type MockProvider, startMockProvider } from '@keel/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ChatError } from '../src/chat-error';
import { ofType, postChat, textOf } from './sse-client';
import { startTestApp, type TestApp, useTestApps } from './start-test-app';

const NUL = '\u0000';
const LONE_HIGH = '\uD83D';
const LONE_LOW = '\uDE00';

let test: TestApp;
let mock: MockProvider;
const startApp = useTestApps();

beforeAll(async () => {
  [test, mock] = await Promise.all([startTestApp(), startMockProvider()]);
});
afterEach(() => {
  mock.reset();
  vi.restoreAllMocks();
});
afterAll(async () => {
  await Promise.all([test.close(), mock.close()]);
});

const get = async (path: string, userId: string) => {
  const response = await fetch(`${test.url}${path}`, { headers: { 'x-user-id': userId } });
  return { status: response.status, body: await response.json() };
};

/** What the user has in the database: ledger calls and conversations are checked by the tests. */
const calls = async (userId: string) => (await test.app.ledger.report()).byUser[userId]?.calls ?? 0;

describe('a question the database cannot store', () => {
  for (const [what, bad] of [
    ['a NUL', `What is ef?${NUL} Tell me`],
    ['an unpaired high surrogate', `What is ef? ${LONE_HIGH}`],
    ['an unpaired low surrogate', `${LONE_LOW}What is ef?`],
  ] as const) {
    it(`is refused with 400 unstorable_text before any work, for ${what}`, async () => {
      const search = vi.spyOn(test.app.knowledge, 'search');
      const user = `nul-${what.length}-${bad.length}`;
      const { status, error, events } = await postChat(
        test.url,
        { message: bad },
        { userId: user },
      );
      expect(status).toBe(400);
      expect(events).toEqual([]);
      expect(error?.code).toBe('unstorable_text');
      expect(error?.message).toMatch(/"message" contains .* remove it and send the text again/);
      expect(error?.fields?.message).toMatch(/\(U\+(0000|D83D|DE00)\) at index \d+/);
      // No retrieval, no model call, no ledger row.
      expect(search).not.toHaveBeenCalled();
      await test.app.observability.flush();
      expect(await calls(user)).toBe(0);
    });
  }

  it('leaves the conversation it was sent to as it was', async () => {
    const first = await postChat(test.url, { message: 'What is ef?' }, { userId: 'nina' });
    const conversationId = (first.events[0] as { conversationId: string }).conversationId;
    const before = await get(`/api/conversations/${conversationId}`, 'nina');
    const refused = await postChat(
      test.url,
      { message: `and${NUL}then?`, conversationId },
      { userId: 'nina' },
    );
    expect(refused.status).toBe(400);
    expect(refused.error?.code).toBe('unstorable_text');
    const after = await get(`/api/conversations/${conversationId}`, 'nina');
    expect(after).toEqual(before);
    expect(after.status).toBe(200);
    // And the conversation goes on.
    const next = await postChat(
      test.url,
      { message: 'And budgets?', conversationId },
      { userId: 'nina' },
    );
    expect(next.events.at(-1)).toMatchObject({ type: 'finish', outcome: 'stop' });
  });

  it('keeps text with paired surrogates (emoji) as sent', async () => {
    const message = 'What is ef? 😀';
    const { events } = await postChat(test.url, { message }, { userId: 'olga' });
    expect(events.at(-1)).toMatchObject({ type: 'finish', outcome: 'stop' });
    const conversationId = (events[0] as { conversationId: string }).conversationId;
    const view = await get(`/api/conversations/${conversationId}`, 'olga');
    expect(view.body.turns[0].text).toBe(message);
  });

  it('is refused the same way from the CLI path (the engine `docs-chat ask` runs)', async () => {
    const search = vi.spyOn(test.app.knowledge, 'search');
    for (const request of [
      { userId: 'cli', feature: 'cli', message: `budgets${NUL}` },
      { userId: `cli${NUL}`, feature: 'cli', message: 'budgets' },
      { userId: 'cli', feature: 'cli', message: `budgets${LONE_HIGH}` },
    ]) {
      const error = await test.app.engine
        .turn(request)
        .next()
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      expect(ChatError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'unstorable_text', status: 400 });
    }
    expect(search).not.toHaveBeenCalled();
  });
});

describe('an approval the database cannot store', () => {
  it('is refused with 400 and the call still waits for a decision', async () => {
    const held = await postChat(
      test.url,
      { message: 'Save a note: NUL in a reason' },
      { userId: 'pia' },
    );
    const conversationId = (held.events[0] as { conversationId: string }).conversationId;
    const token = ofType(held.events, 'tool').find((e) => e.status === 'pending-approval')?.approval
      ?.token as string;
    const refused = await postChat(
      test.url,
      { conversationId, approvals: [{ token, approved: false, reason: `no${NUL}thanks` }] },
      { userId: 'pia' },
    );
    expect(refused.status).toBe(400);
    expect(refused.error).toMatchObject({
      code: 'unstorable_text',
      fields: { 'approvals.0.reason': expect.stringContaining('U+0000') },
    });
    const decided = await postChat(
      test.url,
      { conversationId, approvals: [{ token, approved: false, reason: 'no thanks' }] },
      { userId: 'pia' },
    );
    expect(ofType(decided.events, 'tool').at(-1)).toMatchObject({
      toolName: 'save_note',
      status: 'denied',
    });
  });
});

describe('what a model sends that the database cannot store', () => {
  const openaiCompatible = () =>
    startApp({
      env: {
        DOCS_CHAT_PROVIDER: 'openai',
        OPENAI_BASE_URL: mock.openaiBaseURL,
        DOCS_CHAT_OPENAI_MODEL: 'gpt-4o-mini',
      },
    });

  it('a NUL in the answer is stored as U+FFFD; the conversation is kept', async () => {
    const { url } = await openaiCompatible();
    mock.enqueue('openai.chat', { chunks: ['Hybrid', NUL, ' search', LONE_HIGH, '.'] });
    const { events } = await postChat(url, { message: 'How does hybrid search work?' });
    expect(ofType(events, 'error')).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'finish', outcome: 'stop' });
    // The stream shows what the model sent (JSON escapes both); the stored text is cleaned.
    expect(textOf(events)).toBe(`Hybrid${NUL} search${LONE_HIGH}.`);
    const conversationId = (events[0] as { conversationId: string }).conversationId;
    const response = await fetch(`${url}/api/conversations/${conversationId}`, {
      headers: { 'x-user-id': 'alice' },
    });
    expect(response.status).toBe(200);
    const view = (await response.json()) as { turns: { text: string; outcome: string }[] };
    expect(view.turns[1]).toMatchObject({ text: 'Hybrid\uFFFD search\uFFFD.', outcome: 'stop' });
  });

  it('save_note arguments with a NUL fail validation: nothing waits, nothing is saved', async () => {
    const { url, app } = await openaiCompatible();
    mock.enqueue(
      'openai.chat',
      {
        toolCalls: [
          { id: 'call_1', name: 'save_note', input: { title: `a${NUL}b`, body: 'the body' } },
        ],
      },
      { text: 'I could not save that note.' },
    );
    const { events } = await postChat(url, { message: 'Save a note about ef' });
    expect(ofType(events, 'tool').map((e) => e.status)).toEqual(['running', 'failed']);
    expect(ofType(events, 'tool').some((e) => e.approval)).toBe(false);
    // The model was told what to fix.
    expect(JSON.stringify(mock.requests[1]?.body)).toContain('must not contain NUL');
    expect(events.at(-1)).toMatchObject({ type: 'finish', outcome: 'stop' });
    expect(await app.notes.list('alice')).toEqual([]);
  });
});
