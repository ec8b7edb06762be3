import { describe, expect, it, vi } from 'vitest';
import { ofType, postChat, textOf } from './sse-client';
import { useMockProvider, useTestApps } from './start-test-app';

const startApp = useTestApps();
const start = (env: Record<string, string>) => startApp({ env });
const provider = useMockProvider();

const openai = () => ({
  DOCS_CHAT_PROVIDER: 'auto',
  OPENAI_API_KEY: 'test-key-not-real',
  OPENAI_BASE_URL: provider.mock.openaiBaseURL,
  DOCS_CHAT_OPENAI_MODEL: 'gpt-4o-mini',
});

describe('with a real model (the mock provider)', () => {
  it('OpenAI-compatible: streams the model text, fences retrieved chunks, bills the ledger', async () => {
    const { url, app, logs } = await start(openai());
    provider.mock.enqueue('openai.chat', {
      chunks: ['Hybrid search fuses ', 'BM25 and vectors ', '[corpus/guide/retrieval.md#0].'],
      usage: { inputTokens: 900, outputTokens: 12 },
    });
    const { events } = await postChat(url, { message: 'How does hybrid search work?' });
    expect(events[0]).toMatchObject({
      type: 'meta',
      mode: 'openai-compatible',
      model: 'gpt-4o-mini',
    });
    expect(textOf(events)).toBe(
      'Hybrid search fuses BM25 and vectors [corpus/guide/retrieval.md#0].',
    );
    expect(ofType(events, 'citations')[0]?.citations[0]?.sourceId).toBe(
      'corpus/guide/retrieval.md',
    );
    const sent = JSON.stringify(provider.mock.requests[0]?.body);
    expect(sent).toMatch(/<untrusted-[0-9a-f]{16} source=\\"corpus\/guide\/retrieval\.md#0\\"/);
    expect(sent).toContain('"name":"search_docs"');
    expect(ofType(events, 'usage').at(-1)?.turn).toMatchObject({
      inputTokens: 900,
      outputTokens: 12,
    });
    await app.observability.flush();
    const usage = await app.ledger.report();
    expect(Object.keys(usage.byModel)).toEqual(['openai-compatible:gpt-4o-mini']);
    expect(logs.join('\n')).not.toContain('test-key-not-real');
  });

  it('runs the tools the model asks for, then answers with what they found', async () => {
    const { url } = await start(openai());
    provider.mock.enqueue(
      'openai.chat',
      { toolCalls: [{ id: 'call_1', name: 'search_docs', input: { query: 'HNSW ef' } }] },
      { text: 'A larger ef gives higher recall [corpus/notes.txt#0].' },
    );
    const { events } = await postChat(url, { message: 'What does ef do?' });
    expect(ofType(events, 'tool').map((e) => e.summary)).toEqual([
      'search_docs: running',
      expect.stringMatching(/^search_docs: \d results$/),
    ]);
    const toolResult = JSON.stringify(provider.mock.requests[1]?.body);
    expect(toolResult).toContain('A larger ef gives higher recall');
    expect(ofType(events, 'citations')[0]?.citations.map((c) => c.sourceId)).toEqual([
      'corpus/notes.txt',
    ]);
  });

  it('falls back to the offline answerer when the provider keeps failing', async () => {
    const { url, app } = await start(openai());
    const breakerState = () =>
      /keel_breaker_state\{[^}]*"openai-compatible"[^}]*\} (\d)/.exec(
        app.observability.metrics.prometheus(),
      )?.[1];
    expect(breakerState()).toBe('0');
    provider.mock.respondWith('openai.chat', { error: { status: 503, message: 'overloaded' } });
    const { events } = await postChat(url, { message: 'How does hybrid search work?' });
    expect(textOf(events)).toContain('The configured model is unavailable');
    expect(events.at(-1)).toMatchObject({
      type: 'finish',
      outcome: 'stop',
      answeredBy: 'keel-extractive',
    });
    expect(provider.mock.requests.length).toBeGreaterThanOrEqual(3);
    // The provider's breaker reports its state (closed before, open after the failures).
    expect(breakerState()).toBe('2');
  });

  it('a client disconnect aborts the upstream request', async () => {
    const { url } = await start(openai());
    provider.mock.enqueue('openai.chat', {
      chunks: Array.from({ length: 200 }, (_, i) => `w${i} `),
      faults: { tokensPerSecond: 20 },
    });
    const controller = new AbortController();
    await postChat(
      url,
      { message: 'Tell me everything' },
      {
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'text') controller.abort();
        },
      },
    );
    await vi.waitFor(() => expect(provider.mock.requests[0]?.disconnectedAt).toBeDefined(), {
      timeout: 30_000,
      interval: 5,
    });
  });

  it('Anthropic: answers through the Messages API', async () => {
    const { url } = await start({
      DOCS_CHAT_PROVIDER: 'anthropic',
      ANTHROPIC_API_KEY: 'test-key-not-real',
      ANTHROPIC_BASE_URL: provider.mock.anthropicBaseURL,
    });
    provider.mock.enqueue('anthropic.messages', {
      chunks: ['Budgets cap ', 'spend [corpus/guide/budgets.md#0].'],
    });
    const { events } = await postChat(url, { message: 'What is a budget?' });
    expect(events[0]).toMatchObject({ mode: 'anthropic', model: 'claude-haiku-4-5' });
    expect(textOf(events)).toBe('Budgets cap spend [corpus/guide/budgets.md#0].');
    expect(ofType(events, 'usage').at(-1)?.turn.costUsd).toBeGreaterThan(0);
  });
});
