import { appendFileSync, cpSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DataDirLockedError } from '../src/data-dir-locked-error';
import { ofType, postChat, textOf } from './sse-client';
import { FIXTURE_CORPUS, useMockProvider, useTestApps } from './start-test-app';

const start = useTestApps();
const provider = useMockProvider();
const openai = () => ({
  DOCS_CHAT_PROVIDER: 'openai',
  OPENAI_API_KEY: 'test-key-not-real',
  OPENAI_BASE_URL: provider.mock.openaiBaseURL,
  DOCS_CHAT_OPENAI_MODEL: 'gpt-4o-mini',
});

describe('per-user limits', () => {
  it('answers 429 with Retry-After past the per-user request rate, other users unaffected', async () => {
    const { url } = await start({ env: { DOCS_CHAT_RATE_LIMIT_RPM: '2' } });
    expect((await postChat(url, { message: 'budgets?' })).status).toBe(200);
    expect((await postChat(url, { message: 'budgets?' })).status).toBe(200);
    const third = await postChat(url, { message: 'budgets?' });
    expect(third.status).toBe(429);
    expect(third.error?.code).toBe('rate_limited');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await postChat(url, { message: 'budgets?' }, { userId: 'bob' })).status).toBe(200);
  });

  it('offline: many turns are never refused by the token budget (nothing bills them), only by the rate', async () => {
    // A daily budget smaller than one turn's prompt: offline turns do not spend it.
    const { url, app } = await start({
      env: {
        DOCS_CHAT_USER_DAILY_TOKENS: '200',
        DOCS_CHAT_MAX_OUTPUT_TOKENS: '200',
        DOCS_CHAT_RATE_LIMIT_RPM: '8',
      },
    });
    let conversationId: string | undefined;
    const outcomes: string[] = [];
    let refused: Awaited<ReturnType<typeof postChat>> | undefined;
    for (let turn = 0; turn < 30 && !refused; turn++) {
      const answered = await postChat(url, {
        message: turn % 2 ? 'And how is it kept?' : 'How do budgets work?',
        ...(conversationId && { conversationId }),
      });
      if (answered.status !== 200) refused = answered;
      else {
        conversationId ??= (answered.events[0] as { conversationId: string }).conversationId;
        outcomes.push(String(ofType(answered.events, 'finish')[0]?.outcome));
      }
    }
    expect(outcomes.length).toBeGreaterThanOrEqual(8);
    expect(new Set(outcomes)).toEqual(new Set(['stop']));
    expect(refused?.status).toBe(429);
    expect(refused?.error?.code).toBe('rate_limited');
    await app.observability.flush();
    const used = (await app.ledger.report()).byUser.alice;
    expect((used?.inputTokens ?? 0) + (used?.outputTokens ?? 0)).toBeGreaterThan(200);
    expect(used?.costUsd).toBe(0);
  });

  it('a provider turn the budget cannot start is a 429 with Retry-After until 00:00 UTC, and no stream', async () => {
    const { url, app } = await start({
      env: {
        ...openai(),
        DOCS_CHAT_USER_DAILY_TOKENS: '1500',
        DOCS_CHAT_MAX_OUTPUT_TOKENS: '1024',
      },
    });
    // 1,500 a day covers the output allowance but not the prompt on top of it. Midnight is
    // measured before the request: the server's wait is counted from a later instant.
    const midnight = Math.ceil((86_400_000 - (Date.now() % 86_400_000)) / 1_000);
    const refused = await postChat(url, { message: 'How do budgets work?' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(refused.events).toEqual([]);
    expect(refused.error).toMatchObject({
      code: 'budget_exceeded',
      message: expect.stringMatching(/usage limit.*resets at 00:00 UTC/),
    });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(midnight);
    expect(provider.mock.requests).toEqual([]);
    await app.observability.flush();
    expect((await app.ledger.report()).total.calls).toBe(0);
  });

  it('the budget remembers billable calls across a restart, and not offline ones', async () => {
    const billed = await start({ env: openai(), keepData: true });
    provider.mock.enqueue('openai.chat', {
      text: 'Budgets cap spend.',
      usage: { inputTokens: 900, outputTokens: 12 },
    });
    expect((await postChat(billed.url, { message: 'How do budgets work?' })).status).toBe(200);
    await billed.close();
    const offline = await start({ dataDir: billed.dataDir, keepData: true });
    for (const message of ['What is ef?', 'How does hybrid search rank chunks?']) {
      expect((await postChat(offline.url, { message })).status).toBe(200);
    }
    await offline.app.observability.flush();
    const today = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000);
    expect(await offline.app.ledger.spentSince('alice', today)).toMatchObject({ tokens: 912 });
    await offline.close();
    // Reopened with a daily limit the billed answer has nearly used up (the ledger remembers it).
    const limited = await start({
      dataDir: billed.dataDir,
      env: { ...openai(), DOCS_CHAT_USER_DAILY_TOKENS: '1012', DOCS_CHAT_MAX_OUTPUT_TOKENS: '200' },
    });
    const refused = await postChat(limited.url, { message: 'And the ledger?' });
    expect(refused.status).toBe(429);
    expect(refused.error?.code).toBe('budget_exceeded');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('a budget spent mid-turn ends the turn with outcome budget-exceeded, its text kept and stored', async () => {
    const { url, app } = await start({
      env: {
        ...openai(),
        DOCS_CHAT_USER_DAILY_TOKENS: '20000',
        DOCS_CHAT_MAX_OUTPUT_TOKENS: '1024',
      },
    });
    // The first call bills more than the day allows: the second is refused by the budget.
    provider.mock.enqueue('openai.chat', {
      chunks: ['Let me look that up. '],
      toolCalls: [{ id: 'call_1', name: 'search_docs', input: { query: 'budgets' } }],
      usage: { inputTokens: 25_000, outputTokens: 10 },
    });
    const { status, events } = await postChat(url, { message: 'How do budgets work?' });
    expect(status).toBe(200);
    expect(provider.mock.requests).toHaveLength(1);
    expect(ofType(events, 'error')).toEqual([]);
    expect(textOf(events)).toBe('Let me look that up. ');
    const finish = events.at(-1);
    expect(finish).toMatchObject({ type: 'finish', outcome: 'budget-exceeded' });
    const conversationId = (events[0] as { conversationId: string }).conversationId;
    const view = await app.conversations.view(conversationId, 'alice');
    expect(view?.turns[1]).toMatchObject({
      text: 'Let me look that up. ',
      outcome: 'budget-exceeded',
      usage: { inputTokens: 25_000, outputTokens: 10 },
    });
  });
});

describe('cancellation', () => {
  it('a client that goes away cancels the turn; the partial answer and its usage are kept', async () => {
    const { url, app } = await start({ env: { DOCS_CHAT_OFFLINE_PACE_MS: '40' } });
    const controller = new AbortController();
    let conversationId = '';
    let texts = 0;
    await postChat(
      url,
      { message: 'How does hybrid search rank chunks?' },
      {
        signal: controller.signal,
        onEvent(event) {
          if (event.type === 'meta') conversationId = event.conversationId;
          if (event.type === 'text' && ++texts === 3) controller.abort();
        },
      },
    );
    // The server notices the disconnect on its own time; wait for it to settle the turn.
    const view = await vi.waitFor(
      async () => {
        const settled = await app.conversations.view(conversationId, 'alice');
        expect(settled?.turns[1]?.outcome).not.toBe('streaming');
        return settled;
      },
      { timeout: 30_000, interval: 20 },
    );
    const answer = view?.turns[1];
    expect(answer?.outcome).toBe('cancelled');
    expect(answer?.text.length).toBeGreaterThan(0);
    expect(answer?.text.length).toBeLessThan(200);
    await app.observability.flush();
    const usage = await app.ledger.report();
    expect(usage.byUser.alice?.calls).toBe(2);
  });
});

describe('operator routes and early disconnects', () => {
  it('needs the admin token for /api/usage and /metrics when one is set', async () => {
    const { url } = await start({ env: { DOCS_CHAT_ADMIN_TOKEN: 'let-me-in' } });
    for (const path of ['/api/usage', '/metrics']) {
      const refused = await fetch(`${url}${path}`, { headers: { authorization: 'Bearer wrong' } });
      expect(refused.status).toBe(401);
      expect((await refused.json()).error.code).toBe('unauthorized');
      const allowed = await fetch(`${url}${path}`, {
        headers: { authorization: 'Bearer let-me-in' },
      });
      expect(allowed.status).toBe(200);
    }
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('a client leaving while its turn waits for the conversation is a cancel, not a server error', async () => {
    const { url, logs } = await start({ env: { DOCS_CHAT_OFFLINE_PACE_MS: '30' } });
    const first = await postChat(url, { message: 'What is ef?' });
    const conversationId = (first.events[0] as { conversationId: string }).conversationId;
    // The second turn is sent once the first is answering (it holds the conversation), and
    // left once the server has read it and opened its stream: it is then waiting its turn.
    let answering = () => {};
    const holding = new Promise<void>((resolve) => {
      answering = resolve;
    });
    const slow = postChat(
      url,
      { message: 'How does hybrid search rank chunks?', conversationId },
      { onEvent: (event) => event.type === 'text' && answering() },
    );
    await holding;
    const controller = new AbortController();
    const waiting = postChat(
      url,
      { message: 'Budgets?', conversationId },
      { signal: controller.signal },
    ).catch((error: unknown) => error);
    await vi.waitFor(
      async () => expect((await (await fetch(`${url}/healthz`)).json()).openStreams).toBe(2),
      { timeout: 30_000, interval: 5 },
    );
    controller.abort();
    await waiting;
    expect((await slow).events.at(-1)).toMatchObject({ type: 'finish', outcome: 'stop' });
    const records = await vi.waitFor(
      () => {
        const parsed = logs.map((line) => JSON.parse(line));
        expect(parsed.filter((r) => r.event === 'http-request').map((r) => r.status)).toContain(
          499,
        );
        return parsed;
      },
      { timeout: 30_000, interval: 20 },
    );
    expect(records.filter((r) => r.event === 'http-error')).toEqual([]);
  });
});

describe('persistence and ingestion', () => {
  it('keeps conversations and the ledger across a restart, and refuses a second process', async () => {
    const first = await start({ keepData: true });
    const { events } = await postChat(first.url, { message: 'What is ef?' });
    const conversationId = (events[0] as { conversationId: string }).conversationId;
    await expect(start({ dataDir: first.dataDir })).rejects.toSatisfy(
      DataDirLockedError.isInstance,
    );
    const before = await first.app.ledger.report();
    await first.close();
    const second = await start({ dataDir: first.dataDir });
    const view = await second.app.conversations.view(conversationId, 'alice');
    expect(view?.turns.map((turn) => turn.text)).toEqual(['What is ef?', textOf(events)]);
    expect(await second.app.ledger.report()).toEqual(before);
    const next = await postChat(second.url, { message: 'And recall?', conversationId });
    expect(ofType(next.events, 'usage').at(-1)?.conversation.inputTokens).toBeGreaterThan(
      view?.usage.inputTokens ?? 0,
    );
  });

  it('re-ingests only changed files and drops deleted ones', async () => {
    const corpus = mkdtempSync(join(tmpdir(), 'docs-chat-corpus-'));
    cpSync(FIXTURE_CORPUS, corpus, { recursive: true });
    try {
      const { app } = await start({ env: { DOCS_CHAT_CORPUS: corpus }, listen: false });
      expect((await app.knowledge.count()).documents).toBe(4);
      expect(await app.ingestCorpus()).toMatchObject({
        scanned: 4,
        changed: 0,
        unchanged: 4,
        chunks: 0,
      });
      appendFileSync(
        join(corpus, 'guide', 'budgets.md'),
        '\nBudgets also cap tokens per minute.\n',
      );
      unlinkSync(join(corpus, 'notes.txt'));
      expect(await app.ingestCorpus()).toMatchObject({
        scanned: 3,
        changed: 1,
        unchanged: 2,
        removed: 1,
      });
      expect(await app.knowledge.sourceIds()).not.toContain(expect.stringContaining('notes.txt'));
      const hits = await app.knowledge.search('tokens per minute', { k: 1 });
      expect(hits[0]?.chunk.sourceId).toMatch(/guide\/budgets\.md$/);
      expect((await app.knowledge.document(hits[0]?.chunk.sourceId as string))?.text).toContain(
        'tokens per minute',
      );
    } finally {
      rmSync(corpus, { recursive: true, force: true });
    }
  });
});
