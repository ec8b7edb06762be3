import type { Message } from '@keel/core';
import { createFakeChatModel } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { createMemory } from './create-memory';
import { extractiveSummary } from './extractive-summary';
import { createLocalMemoryStore } from './local-memory-store';

const context = { tenantId: 'acme', userId: 'u1', conversationId: 'c1' };
const say = (i: number): Message => ({
  role: i % 2 === 0 ? 'user' : 'assistant',
  content: `Message ${i}: the retry budget for service ${i} is ten percent. More detail follows here.`,
});
const conversation = (length: number) => Array.from({ length }, (_, i) => say(i));

describe('history', () => {
  it('sends everything while it fits, and summarises nothing', async () => {
    const summarizer = createFakeChatModel({ text: 'unused' });
    const memory = createMemory({ store: createLocalMemoryStore(), summarizer });
    const window = await memory.history({ context, messages: conversation(4) });
    expect(window.turns.map(({ turn }) => turn)).toEqual([0, 1, 2, 3]);
    expect(window).toMatchObject({ summary: undefined, summarized: false, costUsd: 0 });
    expect(summarizer.calls).toHaveLength(0);
  });

  it('folds the oldest turns into the summary incrementally, recording what it covers', async () => {
    const summarizer = createFakeChatModel(() => ({
      text: `Summary ${summarizer.calls.length}.`,
      costUsd: 0.01,
    }));
    const memory = createMemory({
      store: createLocalMemoryStore(),
      summarizer,
      historyTokens: 200,
    });
    const first = await memory.history({ context, messages: conversation(12) });
    expect(first.summarized).toBe(true);
    expect(first.summary).toMatchObject({ text: 'Summary 1.', promptId: 'keel.memory.summary@1' });
    const through = first.summary?.throughTurn as number;
    expect(first.turns[0]?.turn).toBe(through);
    expect(first.costUsd).toBe(0.01);
    // The turns reach the summariser fenced as untrusted data.
    expect(JSON.stringify(summarizer.calls[0]?.request.messages)).toMatch(
      /<untrusted-\w+ source=\\"conversation\\" mode=\\"fence\\">/,
    );
    // One more turn that fits: no new summary.
    const next = await memory.history({ context, messages: conversation(13) });
    expect(next.summarized).toBe(false);
    expect(next.summary?.throughTurn).toBe(through);
    // Enough turns to overflow again: the summary so far goes in with the new turns only.
    const later = await memory.history({ context, messages: conversation(24) });
    expect(later.summarized).toBe(true);
    const request = summarizer.calls[1]?.request;
    const sent = JSON.stringify(request?.messages);
    expect(sent).toContain('Summary 1.');
    expect(sent).not.toContain('Message 0:');
    expect(sent).toContain(`[turn ${through}]`);
    expect(request?.metadata).toMatchObject({ feature: 'memory', userId: 'u1', tenantId: 'acme' });
  });

  it('refuses system messages in the conversation', async () => {
    const memory = createMemory({ store: createLocalMemoryStore() });
    await expect(
      memory.history({ context, messages: [{ role: 'system', content: 'Be brief.' }] }),
    ).rejects.toThrow(/send system instructions apart/);
    await expect(
      memory.history({ context: { tenantId: 'acme', userId: 'u1' } as never, messages: [] }),
    ).rejects.toThrow(/context.conversationId/);
  });
});

describe('extractiveSummary', () => {
  const turns = conversation(6).map((message, turn) => ({ turn, message }));

  it('keeps each turn’s first sentence, the same way every time', async () => {
    const summary = await extractiveSummary('', turns.slice(0, 2), 300);
    expect(summary).toBe(
      'User (turn 0): Message 0: the retry budget for service 0 is ten percent.\nAssistant (turn 1): Message 1: the retry budget for service 1 is ten percent.',
    );
    expect(await extractiveSummary('', turns.slice(0, 2), 300)).toBe(summary);
    expect(await extractiveSummary(summary, turns.slice(2, 3), 300)).toBe(
      `${summary}\nUser (turn 2): Message 2: the retry budget for service 2 is ten percent.`,
    );
  });

  it('drops the oldest lines past its token budget', async () => {
    const summary = await extractiveSummary('', turns, 40);
    expect(summary).not.toContain('turn 0');
    expect(summary).toContain('(turn 5)');
  });
});
