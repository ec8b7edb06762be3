import Anthropic from '@anthropic-ai/sdk';
import { InvalidArgumentError } from '@keel/core';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import {
  anthropicBody,
  anthropicClient,
  anthropicHeaders,
  chatBody,
  openaiClient,
  rawPost,
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

describe('provider errors and retry headers', () => {
  it('answers OpenAI errors in its shape with retry-after, retry-after-ms and x-should-retry', async () => {
    env.mock.enqueue('openai.chat', {
      error: { status: 429, retryAfter: 3, retryAfterMs: 2500, shouldRetry: true },
    });
    const error = (await openaiClient(env.mock)
      .chat.completions.create(chatBody())
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.error).toEqual({
      message: 'Rate limit reached for requests. Please try again later.',
      type: 'requests',
      param: null,
      code: 'rate_limit_exceeded',
    });
    expect(error.headers?.get('retry-after')).toBe('3');
    expect(error.headers?.get('retry-after-ms')).toBe('2500');
    expect(error.headers?.get('x-should-retry')).toBe('true');
    expect(error.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(error.requestID).toBe(env.mock.requests[0]?.requestId);
  });

  it("answers OpenAI's insufficient_quota 429 with its own type and message", async () => {
    env.mock.enqueue('openai.chat', { error: { status: 429, code: 'insufficient_quota' } });
    const error = (await openaiClient(env.mock)
      .chat.completions.create(chatBody())
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.error).toMatchObject({
      type: 'insufficient_quota',
      code: 'insufficient_quota',
      message: expect.stringContaining('exceeded your current quota'),
    });
  });

  it('answers Anthropic errors in its shape with the request id', async () => {
    env.mock.enqueue(
      'anthropic.messages',
      { error: { status: 529 } },
      { error: { status: 429, retryAfter: 12 } },
    );
    const anthropic = anthropicClient(env.mock);
    const overloaded = (await anthropic.messages
      .create(anthropicBody)
      .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(overloaded.status).toBe(529);
    expect(overloaded.error).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
      request_id: env.mock.requests[0]?.requestId,
    });
    expect(overloaded.requestID).toBe(env.mock.requests[0]?.requestId);
    const limited = (await anthropic.messages
      .create(anthropicBody)
      .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect(limited.headers?.get('retry-after')).toBe('12');
    expect(limited.headers?.get('anthropic-ratelimit-requests-remaining')).toBe('0');
  });

  it("drives the SDK's own retry: waits retry-after-ms, then succeeds, and the log shows the gap", async () => {
    env.mock.enqueue(
      'openai.chat',
      { error: { status: 503, retryAfterMs: 120 } },
      { text: 'recovered' },
    );
    const completion = await openaiClient(env.mock, { maxRetries: 1 }).chat.completions.create(
      chatBody(),
    );
    expect(completion.choices[0]?.message.content).toBe('recovered');
    const [first, second] = env.mock.requests;
    expect(first?.status).toBe(503);
    expect(second?.headers['x-stainless-retry-count']).toBe('1');
    expect(
      (second?.timings.receivedAt ?? 0) - (first?.timings.endedAt ?? 0),
    ).toBeGreaterThanOrEqual(100);
  });

  it('stops the SDK from retrying with x-should-retry: false', async () => {
    env.mock.enqueue(
      'anthropic.messages',
      { error: { status: 500, shouldRetry: false } },
      { text: 'never reached' },
    );
    const error = await anthropicClient(env.mock, { maxRetries: 2 })
      .messages.create(anthropicBody)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect(env.mock.requests).toHaveLength(1);
  });
});

describe('headers', () => {
  it('sends OpenAI request ids and rate-limit headers in its format', async () => {
    const { headers } = await rawPost(`${env.mock.openaiBaseURL}/chat/completions`, chatBody());
    expect(headers.get('x-request-id')).toBe(env.mock.requests[0]?.requestId);
    expect(headers.get('openai-version')).toBe('2020-10-01');
    expect(headers.get('x-ratelimit-limit-requests')).toBe('10000');
    expect(headers.get('x-ratelimit-remaining-requests')).toBe('9999');
    expect(headers.get('x-ratelimit-reset-requests')).toMatch(/^(\d+ms|(\d+h)?(\d+m)?\d+s)$/);
  });

  it('sends Anthropic request ids and rate-limit headers with RFC 3339 resets', async () => {
    const { headers } = await rawPost(
      `${env.mock.anthropicBaseURL}/v1/messages`,
      anthropicBody,
      anthropicHeaders,
    );
    expect(headers.get('request-id')).toBe(env.mock.requests[0]?.requestId);
    expect(headers.get('anthropic-ratelimit-requests-limit')).toBe('10000');
    expect(headers.get('anthropic-ratelimit-tokens-reset')).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
  });

  it('lets a script override or add headers', async () => {
    env.mock.enqueue('openai.chat', {
      text: 'x',
      headers: { 'x-ratelimit-remaining-tokens': '7', 'x-custom': 'yes' },
    });
    const { headers } = await rawPost(`${env.mock.openaiBaseURL}/chat/completions`, chatBody());
    expect(headers.get('x-ratelimit-remaining-tokens')).toBe('7');
    expect(headers.get('x-custom')).toBe('yes');
  });
});

describe('request log', () => {
  it('records route, redacted headers, parsed body, status and ordered timings', async () => {
    await openaiClient(env.mock).chat.completions.create(chatBody());
    const [record] = env.mock.requests;
    expect(record).toMatchObject({
      index: 0,
      route: 'openai.chat',
      method: 'POST',
      path: '/v1/chat/completions',
      body: chatBody(),
      stream: false,
      status: 200,
      clientDisconnected: false,
      reset: false,
      stalled: false,
    });
    expect(record?.headers.authorization).toBe('Bearer [redacted]…cdef');
    expect(JSON.stringify(record)).not.toContain('sk-test-0123456789abcdef');
    const {
      receivedAt,
      headersSentAt = 0,
      firstByteAt = 0,
      endedAt = 0,
    } = record?.timings ?? { receivedAt: 0 };
    expect(receivedAt).toBeLessThanOrEqual(headersSentAt);
    expect(headersSentAt).toBeLessThanOrEqual(firstByteAt);
    expect(firstByteAt).toBeLessThanOrEqual(endedAt);
    expect(record?.bytesWritten).toBeGreaterThan(100);
  });

  it('redacts x-api-key too, keeping only the last four characters of long keys', async () => {
    await rawPost(`${env.mock.anthropicBaseURL}/v1/messages`, anthropicBody, {
      ...anthropicHeaders,
      'x-api-key': 'sk-ant-api-secret-value-9876',
    });
    expect(env.mock.requests[0]?.headers['x-api-key']).toBe('[redacted]…9876');
  });

  it('reset() clears the log, queues and responders', async () => {
    env.mock.enqueue('openai.chat', { text: 'queued' });
    env.mock.respondWith('openai.responses', { text: 'always' });
    await rawPost(`${env.mock.openaiBaseURL}/embeddings`, {
      model: 'text-embedding-3-small',
      input: 'x',
    });
    env.mock.reset();
    expect(env.mock.requests).toHaveLength(0);
    expect(env.mock.pending('openai.chat')).toBe(0);
    const response = await openaiClient(env.mock).responses.create({
      model: 'gpt-4.1',
      input: 'q',
    });
    expect(response.output_text).not.toBe('always');
  });
});

describe('malformed requests get the real APIs’ answers', () => {
  const post = (path: string, body: unknown, headers: Record<string, string>) =>
    rawPost(`${env.mock.url}${path}`, body, headers);

  it('401 without an OpenAI key', async () => {
    const { status, text } = await post('/v1/chat/completions', chatBody(), {});
    expect(status).toBe(401);
    expect(JSON.parse(text).error).toMatchObject({
      type: 'invalid_request_error',
      code: null,
      message: expect.stringContaining("You didn't provide an API key"),
    });
  });

  it('401 without an Anthropic key, 400 without anthropic-version', async () => {
    const missingKey = await post('/v1/messages', anthropicBody, {
      'anthropic-version': '2023-06-01',
    });
    expect(missingKey.status).toBe(401);
    expect(JSON.parse(missingKey.text)).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error', message: 'x-api-key header is required' },
    });
    const missingVersion = await post('/v1/messages', anthropicBody, { 'x-api-key': 'k' });
    expect(missingVersion.status).toBe(400);
    expect(JSON.parse(missingVersion.text).error).toEqual({
      type: 'invalid_request_error',
      message: 'anthropic-version: header is required',
    });
  });

  it('400 for a body that is not JSON, and the log keeps the raw text', async () => {
    const openai = await post('/v1/chat/completions', '{"model": "gpt', {
      authorization: 'Bearer k',
    });
    expect(openai.status).toBe(400);
    expect(JSON.parse(openai.text).error.message).toMatch(
      /^We could not parse the JSON body of your request/,
    );
    expect(env.mock.requests[0]?.body).toBe('{"model": "gpt');
    const anthropic = await post('/v1/messages', '[1, 2]', anthropicHeaders);
    expect(anthropic.status).toBe(400);
    expect(JSON.parse(anthropic.text).error.type).toBe('invalid_request_error');
  });

  it.each([
    [
      '/v1/chat/completions',
      { model: 'gpt-4o' },
      "Missing required parameter: 'messages'.",
      'messages',
      'missing_required_parameter',
    ],
    [
      '/v1/chat/completions',
      { model: 'gpt-4o', messages: 'hi' },
      "Invalid type for 'messages': expected an array of objects, but got a string instead.",
      'messages',
      'invalid_type',
    ],
    [
      '/v1/embeddings',
      { model: 'text-embedding-3-small' },
      "Missing required parameter: 'input'.",
      'input',
      'missing_required_parameter',
    ],
    [
      '/v1/responses',
      { input: 'x' },
      "Missing required parameter: 'model'.",
      'model',
      'missing_required_parameter',
    ],
  ])('400 from %s for %j', async (path, body, message, param, code) => {
    const { status, text } = await post(path, body, { authorization: 'Bearer k' });
    expect(status).toBe(400);
    expect(JSON.parse(text)).toEqual({
      error: { message, type: 'invalid_request_error', param, code },
    });
  });

  it.each([
    [{ model: 'claude-haiku-4-5', messages: [] }, 'max_tokens: Field required'],
    [
      { model: 'claude-haiku-4-5', max_tokens: '10', messages: [] },
      'max_tokens: Input should be a valid integer',
    ],
    [{ max_tokens: 10, messages: [] }, 'model: Field required'],
  ])('400 from Anthropic for %j', async (body, message) => {
    const { status, text } = await post('/v1/messages', body, anthropicHeaders);
    expect(status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message },
    });
  });

  it('404 for unknown paths and for other methods, in the matching provider shape', async () => {
    const unknown = await post('/v1/completions-typo', {}, { authorization: 'Bearer k' });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text).error.message).toBe('Invalid URL (POST /v1/completions-typo)');
    const get = await fetch(`${env.mock.url}/v1/messages`);
    expect(get.status).toBe(404);
    expect(await get.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect(env.mock.requests.map((r) => r.route)).toEqual([null, 'anthropic.messages']);
  });

  it('413 when the body is larger than the limit', async () => {
    const small = await startMockProvider({ maxBodyBytes: 1024 });
    try {
      const { status, text } = await rawPost(
        `${small.url}/v1/messages`,
        { ...anthropicBody, pad: 'x'.repeat(2048) },
        anthropicHeaders,
      );
      expect(status).toBe(413);
      expect(JSON.parse(text).error.type).toBe('request_too_large');
    } finally {
      await small.close();
    }
  });
});
