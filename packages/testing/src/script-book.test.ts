import Anthropic from '@anthropic-ai/sdk';
import { InvalidArgumentError } from '@keel/core';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import {
  anthropicBody,
  anthropicClient,
  chatBody,
  openaiClient,
  useMockProvider,
} from '../test/helpers';
import { startMockProvider } from './index';

const env = useMockProvider({ reset: true });

describe('scripts', () => {
  it('answers queued replies in order, then falls back to the default answer', async () => {
    env.mock.enqueue('openai.chat', { text: 'one' }, { text: 'two' });
    expect(env.mock.pending('openai.chat')).toBe(2);
    const openai = openaiClient(env.mock);
    const answers = [];
    for (let i = 0; i < 3; i++)
      answers.push((await openai.chat.completions.create(chatBody())).choices[0]?.message.content);
    expect(answers).toEqual(['one', 'two', 'This is a mock answer to "Hello there".']);
    expect(env.mock.pending('openai.chat')).toBe(0);
  });

  it('keeps queues per route', async () => {
    env.mock.enqueue('anthropic.messages', { text: 'from the anthropic queue' });
    const completion = await openaiClient(env.mock).chat.completions.create(chatBody());
    expect(completion.choices[0]?.message.content).not.toBe('from the anthropic queue');
    expect(env.mock.pending('anthropic.messages')).toBe(1);
  });

  it('passes the parsed request and per-route call index to a responder', async () => {
    const seen: unknown[] = [];
    env.mock.respondWith('openai.chat', ({ body, callIndex, headers, route }) => {
      seen.push({ route, callIndex, auth: headers.authorization });
      const messages = body.messages as Array<{ content: string }>;
      return { text: `echo #${callIndex}: ${messages.at(-1)?.content}` };
    });
    const openai = openaiClient(env.mock);
    const first = await openai.chat.completions.create(
      chatBody({ messages: [{ role: 'user', content: 'ping' }] }),
    );
    const second = await openai.chat.completions.create(
      chatBody({ messages: [{ role: 'user', content: 'pong' }] }),
    );
    expect([first, second].map((c) => c.choices[0]?.message.content)).toEqual([
      'echo #0: ping',
      'echo #1: pong',
    ]);
    expect(seen).toEqual([
      { route: 'openai.chat', callIndex: 0, auth: 'Bearer [redacted]…cdef' },
      { route: 'openai.chat', callIndex: 1, auth: 'Bearer [redacted]…cdef' },
    ]);
    env.mock.respondWith('openai.chat', undefined);
    const third = await openai.chat.completions.create(chatBody());
    expect(third.choices[0]?.message.content).toMatch(/^This is a mock answer/);
  });

  it('lets a queued one-shot responder run asynchronously', async () => {
    env.mock.enqueue('openai.chat', async () => ({ text: await Promise.resolve('async answer') }));
    const completion = await openaiClient(env.mock).chat.completions.create(chatBody());
    expect(completion.choices[0]?.message.content).toBe('async answer');
  });

  it('answers 500 in the provider shape, naming the route, when a responder throws', async () => {
    env.mock.enqueue('anthropic.messages', () => {
      throw new Error('fixture missing');
    });
    const error = await anthropicClient(env.mock)
      .messages.create(anthropicBody)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect((error as Error).message).toContain(
      'keel-mock: the script for anthropic.messages failed: fixture missing',
    );
  });

  it('answers 500 when a responder returns a reply that cannot be served', async () => {
    env.mock.enqueue('openai.chat', () => ({ usage: { inputTokens: -1 } }));
    const error = await openaiClient(env.mock)
      .chat.completions.create(chatBody())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as Error).message).toContain(
      'usage.inputTokens must be a whole number >= 0, got -1',
    );
  });

  it('loads a scenario at start: arrays queue, single replies answer every call', async () => {
    const scripted = await startMockProvider({
      scenario: { 'openai.chat': [{ text: 'first' }], 'anthropic.messages': { text: 'always' } },
    });
    try {
      const openai = openaiClient(scripted);
      expect((await openai.chat.completions.create(chatBody())).choices[0]?.message.content).toBe(
        'first',
      );
      const anthropic = anthropicClient(scripted);
      for (let i = 0; i < 2; i++) {
        expect((await anthropic.messages.create(anthropicBody)).content).toEqual([
          { type: 'text', text: 'always' },
        ]);
      }
    } finally {
      await scripted.close();
    }
  });

  it('rejects unknown routes and unservable replies when they are queued', () => {
    expect(() => env.mock.enqueue('openai.chats' as never, { text: 'x' })).toThrow(
      InvalidArgumentError,
    );
    expect(() => env.mock.enqueue('openai.chats' as never, { text: 'x' })).toThrow(
      /Unknown mock route "openai.chats"; use one of openai.chat,/,
    );
    const bad: Array<[unknown, RegExp]> = [
      [{ text: 5 }, /replies\[0\]\.text must be a string, got 5/],
      [{ finishReason: 'done' }, /finishReason must be one of/],
      [{ toolCalls: [{ input: {} }] }, /toolCalls\[0\]\.name must be a non-empty string/],
      [
        { usage: { inputTokens: 10, cacheReadTokens: 20 } },
        /usage\.inputTokens must be at least cacheReadTokens \+ cacheWriteTokens/,
      ],
      [
        { error: { status: 200 } },
        /error\.status must be an HTTP error status from 400 to 599, got 200/,
      ],
      [
        { faults: { stallAfterEvents: 1.5 } },
        /faults\.stallAfterEvents must be a whole number >= 0/,
      ],
      [{ faults: { tokensPerSecond: 0 } }, /faults\.tokensPerSecond must be a finite number > 0/],
      [{ embeddings: [[1, 'x']] }, /embeddings must be an array of number arrays/],
      [null, /replies\[0\] must be a reply object/],
    ];
    for (const [reply, message] of bad)
      expect(() => env.mock.enqueue('openai.chat', reply as never)).toThrow(message);
    expect(env.mock.pending('openai.chat')).toBe(0);
  });
});
