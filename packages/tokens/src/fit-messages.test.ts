import { describe, expect, it } from 'vitest';
import { countMessageTokens } from './count-message-tokens';
import { fitMessages } from './fit-messages';
import type { ChatMessage } from './message-counter';

const turn = (n: number): ChatMessage[] => [
  { role: 'user', content: `Question number ${n}: what happened in the story so far?` },
  { role: 'assistant', content: `Answer number ${n}: a long and winding explanation of events.` },
];

const history: ChatMessage[] = [
  { role: 'system', content: 'You are a helpful assistant.' },
  ...turn(1),
  ...turn(2),
  { role: 'user', content: 'Weather in Oslo?' },
  {
    role: 'assistant',
    content: [
      { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: { city: 'Oslo' } },
    ],
  },
  {
    role: 'tool',
    content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'weather', output: { tempC: 4 } }],
  },
  { role: 'assistant', content: 'It is 4°C in Oslo.' },
  ...turn(3),
];

async function tokensOf(messages: ChatMessage[]): Promise<number> {
  return (await countMessageTokens(messages, { model: 'gpt-4o' })).tokens;
}

describe('fitMessages', () => {
  it('keeps everything that fits', async () => {
    const result = await fitMessages(history, { model: 'gpt-4o' });
    expect(result.messages).toEqual(history);
    expect(result.dropped).toEqual([]);
    expect(result.tokens).toBe(await tokensOf(history));
    expect(result.budget).toBe(128_000);
  });

  it('drops the oldest messages first and reports them', async () => {
    const full = await tokensOf(history);
    const result = await fitMessages(history, { model: 'gpt-4o', maxTokens: full - 1 });
    expect(result.droppedIndices).toEqual([1]);
    expect(result.dropped).toEqual([history[1]]);
    expect(result.messages[0]).toBe(history[0]);
    expect(result.tokens).toBe(await tokensOf(result.messages));
    expect(result.tokens).toBeLessThanOrEqual(full - 1);
  });

  it('never separates a tool call from its result', async () => {
    const fromCall = await tokensOf([history[0] as ChatMessage, ...history.slice(6)]);
    const result = await fitMessages(history, { model: 'gpt-4o', maxTokens: fromCall - 1 });
    // Keeping the call (index 6) without its result (index 7) would fit; they go together.
    expect(result.droppedIndices).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(result.messages.some((message) => message.role === 'tool')).toBe(false);
  });

  it('sliding-window drops whole turns, so history opens with a user message', async () => {
    const full = await tokensOf(history);
    const result = await fitMessages(history, {
      model: 'gpt-4o',
      maxTokens: full - 1,
      strategy: 'sliding-window',
    });
    expect(result.droppedIndices).toEqual([1, 2]);
    expect(result.messages[1]?.role).toBe('user');
  });

  it('keeps pinned messages and reserves room for the reply', async () => {
    const pinned = history[3] as ChatMessage;
    const result = await fitMessages(history, {
      model: 'gpt-4o',
      maxTokens: 150,
      reserveOutput: 50,
      isPinned: (message) => message === pinned,
    });
    expect(result.messages).toContain(pinned);
    expect(result.messages[0]).toBe(history[0]);
    expect(result.tokens).toBeLessThanOrEqual(100);
    expect(result.budget).toBe(100);
  });

  it('says so when system and pinned messages alone do not fit', async () => {
    await expect(fitMessages(history, { model: 'gpt-4o', maxTokens: 10 })).rejects.toThrow(
      /System and pinned messages alone take \d+ tokens, more than the 10 available/,
    );
  });

  it('works with the Anthropic estimate and rejects bad options', async () => {
    const result = await fitMessages(history, { model: 'claude-haiku-4-5', maxTokens: 120 });
    expect(result.tokens).toBeLessThanOrEqual(120);
    expect(result.dropped.length).toBeGreaterThan(0);
    await expect(
      fitMessages(history, { model: 'gpt-4o', strategy: 'newest' as 'drop-oldest' }),
    ).rejects.toThrow(/strategy/);
    await expect(fitMessages(history, { model: 'gpt-4o', reserveOutput: -1 })).rejects.toThrow(
      /reserveOutput/,
    );
  });
});
