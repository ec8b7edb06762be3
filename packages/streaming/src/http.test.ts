/**
 * End to end over HTTP: @keel/testing's mock serves the real wire protocols (with faults), read
 * through `fetch` bodies and through the official SDKs' stream objects.
 */
import Anthropic from '@anthropic-ai/sdk';
import { createFakeClock, type MockProvider, startMockProvider } from '@keel/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { drain } from './__fixtures__/fixtures';
import { collect } from './collect';
import { fromAnthropic } from './from-anthropic';
import { fromOpenAIChat } from './from-openai-chat';
import { fromOpenAIResponses } from './from-openai-responses';
import { ProviderStreamError } from './provider-stream-error';
import { SSEEventTooLargeError } from './sse-event-too-large-error';
import { StreamParseError } from './stream-parse-error';
import { StreamTimeoutError } from './stream-timeout-error';
import { StreamTruncatedError } from './stream-truncated-error';

let mock: MockProvider;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  mock = await startMockProvider();
  openai = new OpenAI({ apiKey: 'test', baseURL: mock.openaiBaseURL, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: 'test', baseURL: mock.anthropicBaseURL, maxRetries: 0 });
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const messages = [{ role: 'user' as const, content: 'Weather in Oslo?' }];
const toolReply = {
  reasoning: 'Call the weather tool.',
  chunks: ['Checking ', 'the weather — ', 'ça va 🌍'],
  toolCalls: [
    { name: 'get_weather', input: { city: 'Oslo', days: [1, 2] } },
    { name: 'get_time', input: { tz: 'Europe/Oslo' } },
  ],
  usage: { inputTokens: 2257, cacheReadTokens: 2048, cacheWriteTokens: 188, outputTokens: 40 },
};

/** A raw streaming request, for the byte-level paths. */
async function post(
  route: 'openai' | 'anthropic',
  body: Record<string, unknown>,
  signal?: AbortSignal,
) {
  const url =
    route === 'openai'
      ? `${mock.openaiBaseURL}/chat/completions`
      : `${mock.anthropicBaseURL}/v1/messages`;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer test',
      'x-api-key': 'test',
      'anthropic-version': '2023-06-01',
    },
    body: JSON.stringify({ messages, stream: true, ...body }),
    ...(signal && { signal }),
  });
  if (!response.body) throw new Error('no body');
  return response.body;
}

/** Waits (in real time) until the mock saw the client go away. */
async function disconnected(): Promise<boolean> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (mock.requests[0]?.clientDisconnected) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

describe('with the official SDKs (one-line adoption)', () => {
  it('adapts openai.chat.completions.create({ stream: true })', async () => {
    mock.enqueue('openai.chat', {
      ...toolReply,
      reasoning: undefined,
      usage: { ...toolReply.usage, cacheWriteTokens: 0 },
    });
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const result = await collect(fromOpenAIChat(stream));
    expect(result.text).toBe('Checking the weather — ça va 🌍');
    expect(result.toolCalls.map(({ toolName, input }) => ({ toolName, input }))).toEqual([
      { toolName: 'get_weather', input: { city: 'Oslo', days: [1, 2] } },
      { toolName: 'get_time', input: { tz: 'Europe/Oslo' } },
    ]);
    expect(result.usage).toEqual({
      inputTokens: 2257,
      cacheReadTokens: 2048,
      cacheWriteTokens: 0,
      outputTokens: 40,
      reasoningTokens: 0,
    });
    expect([result.finishReason, result.providerFinishReason]).toEqual([
      'tool-calls',
      'tool_calls',
    ]);
  });

  it('adapts anthropic.messages.create({ stream: true }), cache tokens and signature included', async () => {
    mock.enqueue('anthropic.messages', toolReply);
    const stream = await anthropic.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      messages,
      stream: true,
    });
    const result = await collect(fromAnthropic(stream));
    expect(result.reasoning).toBe('Call the weather tool.');
    expect(result.reasoningSignature).toEqual(expect.any(String));
    expect(result.text).toBe('Checking the weather — ça va 🌍');
    expect(result.toolCalls).toHaveLength(2);
    expect(result.usage).toEqual({
      inputTokens: 2257,
      cacheReadTokens: 2048,
      cacheWriteTokens: 188,
      outputTokens: 40,
      reasoningTokens: 0,
    });
    expect(result.finishReason).toBe('tool-calls');
  });

  it('adapts openai.responses.create({ stream: true })', async () => {
    mock.enqueue('openai.responses', {
      ...toolReply,
      usage: { ...toolReply.usage, cacheWriteTokens: 0 },
    });
    const stream = await openai.responses.create({
      model: 'gpt-4.1',
      input: 'Weather?',
      stream: true,
    });
    const result = await collect(fromOpenAIResponses(stream));
    expect(result.reasoning).toBe('Call the weather tool.');
    expect(result.toolCalls[0]).toMatchObject({
      toolName: 'get_weather',
      input: { city: 'Oslo', days: [1, 2] },
    });
    expect(result.usage.cacheReadTokens).toBe(2048);
    expect(result.finishReason).toBe('tool-calls');
  });

  it('turns the error event the Anthropic SDK throws into a ProviderStreamError part', async () => {
    mock.enqueue('anthropic.messages', {
      chunks: ['a ', 'b ', 'c'],
      faults: { streamError: { afterEvents: 4 } },
    });
    const stream = await anthropic.messages.create({
      model: 'claude',
      max_tokens: 100,
      messages,
      stream: true,
    });
    const result = await collect(fromAnthropic(stream));
    expect(result.text).toBe('a b ');
    expect(result.finishReason).toBe('error');
    expect(result.errors[0]).toSatisfy(ProviderStreamError.isInstance);
    expect(result.errors[0]).toMatchObject({ type: 'overloaded_error', isRetryable: true });
  });

  it('turns the error the OpenAI SDK throws for an in-band error into a ProviderStreamError part', async () => {
    mock.enqueue('openai.chat', {
      chunks: ['a ', 'b ', 'c'],
      faults: { streamError: { afterEvents: 2, type: 'server_error', message: 'boom' } },
    });
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
    });
    const result = await collect(fromOpenAIChat(stream));
    expect(result.text).toBe('a ');
    expect(result.errors[0]).toMatchObject({ type: 'server_error', providerMessage: 'boom' });
  });

  it('reports a truncated SDK stream (no message_stop) as StreamTruncatedError', async () => {
    mock.enqueue('anthropic.messages', { text: 'cut short', faults: { omitTerminalEvent: true } });
    const stream = await anthropic.messages.create({
      model: 'claude',
      max_tokens: 100,
      messages,
      stream: true,
    });
    const result = await collect(fromAnthropic(stream));
    expect(result.text).toBe('cut short');
    expect(result.errors[0]).toSatisfy(StreamTruncatedError.isInstance);
  });

  it('ends with finish: abort when the caller aborts an SDK stream, and the request is cancelled', async () => {
    mock.enqueue('openai.chat', {
      text: 'one two three four five six seven eight',
      faults: { tokensPerSecond: 4 }, // 250 ms between deltas: the abort lands between two, even under load
    });
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
    });
    const controller = new AbortController();
    const parts = [];
    for await (const part of fromOpenAIChat(stream, { signal: controller.signal })) {
      parts.push(part);
      if (part.type === 'text-delta') controller.abort();
    }
    expect(parts.slice(-2)).toEqual([
      { type: 'usage', usage: expect.objectContaining({ outputTokens: 1 }) },
      { type: 'finish', reason: 'abort' },
    ]);
    expect(await disconnected()).toBe(true);
  });

  it('ends with finish: abort when the SDK stream itself is aborted through its controller', async () => {
    mock.enqueue('anthropic.messages', {
      text: 'one two three four five six',
      usage: { inputTokens: 14, outputTokens: 30 },
      faults: { tokensPerSecond: 4 }, // 250 ms between deltas: the abort lands between two, even under load
    });
    const stream = await anthropic.messages.create({
      model: 'claude',
      max_tokens: 100,
      messages,
      stream: true,
    });
    const parts = [];
    for await (const part of fromAnthropic(stream)) {
      parts.push(part);
      if (part.type === 'text-delta') stream.controller.abort();
    }
    expect(parts.slice(-2)).toEqual([
      { type: 'usage', usage: expect.objectContaining({ inputTokens: 14, outputTokens: 1 }) },
      { type: 'finish', reason: 'abort' },
    ]);
  });
});

describe('over raw fetch bodies', () => {
  it('keeps multi-byte characters whole when the server splits them across writes', async () => {
    mock.enqueue('openai.chat', { chunks: ['café ', '🌍 ', 'naïve'], faults: { splitUtf8: true } });
    const result = await collect(fromOpenAIChat(await post('openai', { model: 'gpt-4o-mini' })));
    expect(result.text).toBe('café 🌍 naïve');
    expect(result.finishReason).toBe('stop');
  });

  it('reports a stream without [DONE] as truncated', async () => {
    mock.enqueue('openai.chat', { text: 'Hello there', faults: { omitTerminalEvent: true } });
    const result = await collect(fromOpenAIChat(await post('openai', { model: 'gpt-4o-mini' })));
    expect(result.text).toBe('Hello there');
    expect(result.finishReason).toBe('error');
    expect(result.errors[0]).toSatisfy(StreamTruncatedError.isInstance);
  });

  it('reports malformed JSON as StreamParseError after the parts before it', async () => {
    mock.enqueue('anthropic.messages', {
      chunks: ['one ', 'two ', 'three'],
      faults: { malformedEvent: 4 },
    });
    const result = await collect(
      fromAnthropic(await post('anthropic', { model: 'claude', max_tokens: 100 })),
    );
    expect(result.text).toBe('one two ');
    expect(result.errors[0]).toSatisfy(StreamParseError.isInstance);
  });

  it('reports a connection reset as StreamTruncatedError with the network error as cause', async () => {
    mock.enqueue('anthropic.messages', {
      chunks: ['one ', 'two ', 'three'],
      faults: { resetAfterBytes: 900 },
    });
    const parts = await drain(
      fromAnthropic(await post('anthropic', { model: 'claude', max_tokens: 100 })),
    );
    const error = parts.find((part) => part.type === 'error')?.error;
    expect(error).toSatisfy(StreamTruncatedError.isInstance);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'error' });
  });

  it('throws SSEEventTooLargeError for a 10 MB event before any part, and cancels the body', async () => {
    mock.enqueue('openai.chat', { text: 'tail', faults: { oversizedEventBytes: 10_000_000 } });
    const body = await post('openai', { model: 'gpt-4o-mini' });
    await expect(drain(fromOpenAIChat(body))).rejects.toSatisfy(SSEEventTooLargeError.isInstance);
    expect(await disconnected()).toBe(true);
  });

  it('cancels a stalled body after the idle timeout, keeping the parts before it', async () => {
    mock.enqueue('anthropic.messages', {
      chunks: ['one ', 'two'],
      faults: { stallAfterEvents: 4 },
    });
    const clock = createFakeClock();
    const parts = fromAnthropic(await post('anthropic', { model: 'claude', max_tokens: 100 }), {
      idleTimeoutMs: 30_000,
      clock,
    });
    const first = await parts.next();
    expect(first.value).toEqual({ type: 'text-delta', text: 'one ' });
    const rest = drain(parts);
    await clock.advance(30_000);
    const tail = await rest;
    expect(tail.at(-2)).toEqual({ type: 'error', error: expect.any(StreamTimeoutError) });
    expect(tail.at(-1)).toEqual({ type: 'finish', reason: 'error' });
    expect((tail.at(-2) as { error: StreamTimeoutError }).error.phase).toBe('idle');
    expect(await disconnected()).toBe(true);
  });

  it('aborts with the usage known so far and an estimate of the output received', async () => {
    mock.enqueue('anthropic.messages', {
      text: 'alpha beta gamma delta epsilon zeta eta theta',
      usage: { inputTokens: 300, outputTokens: 90 },
      faults: { tokensPerSecond: 4 }, // 250 ms between deltas: the abort lands between two, even under load
    });
    const controller = new AbortController();
    const parts = [];
    const source = await post('anthropic', { model: 'claude', max_tokens: 100 });
    for await (const part of fromAnthropic(source, { signal: controller.signal })) {
      parts.push(part);
      if (parts.filter((seen) => seen.type === 'text-delta').length === 3) controller.abort();
    }
    const text = parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : [])).join('');
    expect(text).toBe('alpha beta gamma');
    expect(parts.slice(-2)).toEqual([
      {
        type: 'usage',
        usage: {
          inputTokens: 300,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: Math.ceil(text.length / 4),
          reasoningTokens: 0,
        },
      },
      { type: 'finish', reason: 'abort' },
    ]);
    expect(await disconnected()).toBe(true);
  });
});
