/**
 * One truth for usage and cost: the page's meter (the `usage` events), the stored turn (and so
 * a reload), the ledger and GET /api/usage carry the same figures, the ones the model reported
 * with its usage; for a cancelled turn too, and at $0 where the model's own price is $0.
 */
import { countTokens } from '@keel/tokens';
import { describe, expect, it, vi } from 'vitest';
import type { App } from '../src/app';
import type { UsageTotals } from '../src/chat-events';
import { ofType, postChat } from './sse-client';
import { useMockProvider, useTestApps } from './start-test-app';

const start = useTestApps();
const provider = useMockProvider();

interface TurnView {
  turnId: string;
  role: string;
  outcome?: string;
  usage?: UsageTotals;
}

/** The conversation as a reload reads it, over HTTP. */
async function reload(url: string, conversationId: string, userId: string) {
  const response = await fetch(`${url}/api/conversations/${conversationId}`, {
    headers: { 'x-user-id': userId },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { turns: TurnView[]; usage: UsageTotals };
}

/** The user's ledger totals, over HTTP (GET /api/usage). */
async function ledgerOf(url: string, app: App, userId: string) {
  await app.observability.flush();
  const response = await fetch(`${url}/api/usage`);
  const report = (await response.json()) as {
    byUser: Record<string, UsageTotals & { calls: number }>;
  };
  return report.byUser[userId];
}

/** Tokens and dollars only, for comparing a ledger row with a turn. */
const figures = ({ inputTokens, outputTokens, costUsd }: UsageTotals) => ({
  inputTokens,
  outputTokens,
  costUsd,
});

/** Waits until the server has stored the turn (a cancelled one ends on the server's time). */
async function settled(url: string, conversationId: string, userId: string) {
  return vi.waitFor(
    async () => {
      const view = await reload(url, conversationId, userId);
      expect(view.turns.at(-1)?.outcome).not.toBe('streaming');
      return view;
    },
    { timeout: 30_000, interval: 20 },
  );
}

/** Asks, and cancels once `texts` text events have arrived. */
async function askAndCancel(url: string, message: string, userId: string, texts = 3) {
  const controller = new AbortController();
  let conversationId = '';
  let seen = 0;
  await postChat(
    url,
    { message },
    {
      userId,
      signal: controller.signal,
      onEvent(event) {
        if (event.type === 'meta') conversationId = event.conversationId;
        if (event.type === 'text' && ++seen === texts) controller.abort();
      },
    },
  );
  return conversationId;
}

/** The start of today, UTC: where the daily budget starts counting. */
const today = () => new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000);

describe('offline mode', () => {
  it('a turn: each model call is metered as it ends; meter, stored turn, reload and ledger agree', async () => {
    const { url, app } = await start();
    const question = 'How does hybrid search rank chunks?';
    const { events } = await postChat(url, { message: question }, { userId: 'ulla' });
    const meters = ofType(events, 'usage');
    // One at the end of each model call (search_docs, then the answer) and the turn's last.
    expect(meters).toHaveLength(3);
    // The search step reads the question, and nothing else of the ~thousands-token prompt.
    expect(meters[0]?.turn.inputTokens).toBe(await countTokens(question));
    expect(meters[1]?.turn.outputTokens).toBeGreaterThan(meters[0]?.turn.outputTokens ?? 0);
    const meter = meters.at(-1) as (typeof meters)[number];
    expect(meter.turn).toEqual(meters[1]?.turn);
    const conversationId = (events[0] as { conversationId: string }).conversationId;
    const view = await reload(url, conversationId, 'ulla');
    expect(view.turns[1]?.usage).toEqual(meter.turn);
    expect(view.usage).toEqual(meter.conversation);
    expect(await ledgerOf(url, app, 'ulla')).toEqual({ calls: 2, ...meter.turn, costUsd: 0 });
    // Nothing bills the offline answerer: it is not on the daily budget.
    expect(await app.ledger.spentSince('ulla', today())).toEqual({ tokens: 0, costUsd: 0 });
  });

  it('a cancelled turn stores what the ledger billed, and a reload shows it', async () => {
    const { url, app } = await start({ env: { DOCS_CHAT_OFFLINE_PACE_MS: '40' } });
    const conversationId = await askAndCancel(url, 'How does hybrid search rank chunks?', 'vera');
    const view = await settled(url, conversationId, 'vera');
    const answer = view.turns[1] as TurnView;
    expect(answer.outcome).toBe('cancelled');
    // The answer's words that arrived are billed, not 0.
    expect(answer.usage?.outputTokens).toBeGreaterThan(0);
    const ledger = await ledgerOf(url, app, 'vera');
    expect(ledger?.calls).toBe(2);
    expect(answer.usage).toEqual(figures(ledger as UsageTotals));
    expect(view.usage).toEqual(answer.usage);
  });

  it('a turn resumed after an approval counts each model call once, as the ledger does', async () => {
    const { url, app } = await start();
    const held = await postChat(url, { message: 'Save a note: count me once' }, { userId: 'wim' });
    const conversationId = (held.events[0] as { conversationId: string }).conversationId;
    const token = ofType(held.events, 'tool').find((e) => e.status === 'pending-approval')?.approval
      ?.token as string;
    const approved = await postChat(
      url,
      { conversationId, approvals: [{ token, approved: true }] },
      { userId: 'wim' },
    );
    expect(approved.events.at(-1)).toMatchObject({ type: 'finish', outcome: 'stop' });
    const view = await reload(url, conversationId, 'wim');
    const ledger = await ledgerOf(url, app, 'wim');
    expect(ledger?.calls).toBe(2);
    expect(view.usage).toEqual(figures(ledger as UsageTotals));
    expect(ofType(approved.events, 'usage').at(-1)?.turn).toEqual(view.turns[1]?.usage);
  });
});

describe('a real model (the mock provider)', () => {
  const openai = (key = true) => ({
    DOCS_CHAT_PROVIDER: 'openai',
    ...(key && { OPENAI_API_KEY: 'test-key-not-real' }),
    OPENAI_BASE_URL: provider.mock.openaiBaseURL,
    DOCS_CHAT_OPENAI_MODEL: 'gpt-4o-mini',
  });

  it('OPENAI_BASE_URL without a key: the model prices a turn at $0, and so do the page and the store', async () => {
    const { url, app } = await start({ env: openai(false) });
    provider.mock.enqueue('openai.chat', {
      chunks: ['Hybrid search ', 'fuses BM25 and vectors.'],
      usage: { inputTokens: 900, outputTokens: 12 },
    });
    const { events } = await postChat(url, { message: 'How does hybrid search work?' });
    const expected = { inputTokens: 900, outputTokens: 12, costUsd: 0 };
    expect(ofType(events, 'usage').map((e) => e.turn)).toEqual([expected, expected]);
    const conversationId = (events[0] as { conversationId: string }).conversationId;
    expect((await reload(url, conversationId, 'alice')).turns[1]?.usage).toEqual(expected);
    expect(await ledgerOf(url, app, 'alice')).toEqual({ calls: 1, ...expected });
  });

  it('a priced turn with a tool call: meter, stored turn, reload and ledger carry the same dollars', async () => {
    const { url, app } = await start({ env: openai() });
    provider.mock.enqueue(
      'openai.chat',
      {
        toolCalls: [{ id: 'call_1', name: 'search_docs', input: { query: 'ef' } }],
        usage: { inputTokens: 1_200, outputTokens: 20 },
      },
      {
        text: 'A larger ef gives higher recall [corpus/notes.txt#0].',
        usage: { inputTokens: 2_400, outputTokens: 15, cacheReadTokens: 1_024 },
      },
    );
    const { events } = await postChat(url, { message: 'What does ef do?' }, { userId: 'xena' });
    const meter = ofType(events, 'usage').at(-1)?.turn as UsageTotals;
    expect(meter).toMatchObject({ inputTokens: 3_600, outputTokens: 35 });
    expect(meter.costUsd).toBeGreaterThan(0);
    const ledger = await ledgerOf(url, app, 'xena');
    expect(ledger?.calls).toBe(2);
    expect(ledger?.inputTokens).toBe(meter.inputTokens);
    expect(ledger?.outputTokens).toBe(meter.outputTokens);
    expect(ledger?.costUsd).toBeCloseTo(meter.costUsd, 12);
    const conversationId = (events[0] as { conversationId: string }).conversationId;
    expect((await reload(url, conversationId, 'xena')).turns[1]?.usage).toEqual(meter);
  });

  it('a cancelled turn stores the usage and cost the ledger recorded for it', async () => {
    const { url, app } = await start({ env: openai() });
    provider.mock.enqueue('openai.chat', {
      chunks: Array.from({ length: 200 }, (_, i) => `word${i} `),
      faults: { tokensPerSecond: 40 },
    });
    const conversationId = await askAndCancel(url, 'Tell me everything', 'yuri', 5);
    const view = await settled(url, conversationId, 'yuri');
    const answer = view.turns[1] as TurnView;
    expect(answer.outcome).toBe('cancelled');
    const ledger = await ledgerOf(url, app, 'yuri');
    expect(ledger?.calls).toBe(1);
    expect(ledger?.outputTokens).toBeGreaterThan(0);
    expect(ledger?.costUsd).toBeGreaterThan(0);
    expect(answer.usage).toEqual(figures(ledger as UsageTotals));
    expect(view.usage).toEqual(answer.usage);
  });

  it('a turn the offline answerer took over is billed once, as the meter shows it', async () => {
    const { url, app } = await start({ env: openai(false) });
    provider.mock.respondWith('openai.chat', { error: { status: 503, message: 'overloaded' } });
    const { events } = await postChat(url, { message: 'How does hybrid search work?' });
    expect(events.at(-1)).toMatchObject({ type: 'finish', answeredBy: 'keel-extractive' });
    const meter = ofType(events, 'usage').at(-1)?.turn as UsageTotals;
    expect(meter.outputTokens).toBeGreaterThan(0);
    // Two model calls (search_docs, then the answer), each one ledger row.
    expect(await ledgerOf(url, app, 'alice')).toEqual({ calls: 2, ...meter });
    // Made through the provider's call, which spent them from the budget: they count on it
    // after a restart too, at the $0 the offline answerer costs.
    expect(await app.ledger.spentSince('alice', today())).toEqual({
      tokens: meter.inputTokens + meter.outputTokens,
      costUsd: 0,
    });
    const conversationId = (events[0] as { conversationId: string }).conversationId;
    expect((await reload(url, conversationId, 'alice')).turns[1]?.usage).toEqual(meter);
  });

  it('Anthropic: meter, stored turn and ledger agree', async () => {
    const { url, app } = await start({
      env: {
        DOCS_CHAT_PROVIDER: 'anthropic',
        ANTHROPIC_API_KEY: 'test-key-not-real',
        ANTHROPIC_BASE_URL: provider.mock.anthropicBaseURL,
      },
    });
    provider.mock.enqueue('anthropic.messages', {
      chunks: ['Budgets cap ', 'spend [corpus/guide/budgets.md#0].'],
      usage: { inputTokens: 1_500, outputTokens: 9 },
    });
    const { events } = await postChat(url, { message: 'What is a budget?' }, { userId: 'zoe' });
    const meter = ofType(events, 'usage').at(-1)?.turn as UsageTotals;
    expect(meter).toMatchObject({ inputTokens: 1_500, outputTokens: 9 });
    expect(meter.costUsd).toBeGreaterThan(0);
    expect(await ledgerOf(url, app, 'zoe')).toEqual({ calls: 1, ...meter });
    const conversationId = (events[0] as { conversationId: string }).conversationId;
    expect((await reload(url, conversationId, 'zoe')).turns[1]?.usage).toEqual(meter);
  });
});
