import { createServer } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { InvalidArgumentError, KeelError, TimeoutError } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { openaiAt, useMockProvider } from '../test/provider';
import { BrokenCircuitError } from './broken-circuit-error';
import { classify, createClassifier } from './classify';
import { ConcurrencyLimitError } from './concurrency-limit-error';

const env = useMockProvider();

const chat = (options?: { signal?: AbortSignal; timeout?: number }) =>
  env.openai.chat.completions
    .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, options)
    .catch((e: unknown) => e);
const message = (options?: { signal?: AbortSignal }) =>
  env.anthropic.messages
    .create(
      { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
      options,
    )
    .catch((e: unknown) => e);

describe('classify: errors thrown by the official SDKs', () => {
  it.each([
    [400, 'fatal'],
    [401, 'fatal'],
    [403, 'fatal'],
    [404, 'fatal'],
    [408, 'retryable'],
    [409, 'retryable'],
    [422, 'fatal'],
    [429, 'rate-limited'],
    [500, 'retryable'],
    [502, 'retryable'],
    [503, 'retryable'],
    [504, 'retryable'],
  ] as const)('OpenAI %i is %s', async (status, expected) => {
    env.mock.enqueue('openai.chat', { error: { status } });
    expect(classify(await chat())).toBe(expected);
  });

  it.each([
    [400, 'fatal'],
    [401, 'fatal'],
    [429, 'rate-limited'],
    [500, 'retryable'],
    [529, 'retryable'],
  ] as const)('Anthropic %i is %s', async (status, expected) => {
    env.mock.enqueue('anthropic.messages', { error: { status } });
    expect(classify(await message())).toBe(expected);
  });

  it("does not retry OpenAI's insufficient_quota 429", async () => {
    env.mock.enqueue('openai.chat', { error: { status: 429, code: 'insufficient_quota' } });
    expect(classify(await chat())).toBe('fatal');
  });

  it("does not retry Anthropic's spend-limit 429", () => {
    const error = new Anthropic.RateLimitError(
      429,
      {
        type: 'error',
        error: {
          type: 'rate_limit_error',
          message: 'Spend limit reached',
          details: { error_code: 'enforced_spend_limit_reached' },
        },
      },
      'Spend limit reached',
      new Headers(),
    );
    expect(classify(error)).toBe('fatal');
  });

  it('obeys x-should-retry in both directions', async () => {
    env.mock.enqueue(
      'openai.chat',
      { error: { status: 503, shouldRetry: false } },
      { error: { status: 400, shouldRetry: true } },
    );
    expect(classify(await chat())).toBe('fatal');
    expect(classify(await chat())).toBe('retryable');
  });

  it('treats SDK aborts as aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(classify(await chat({ signal: controller.signal }))).toBe('aborted');
    expect(classify(await message({ signal: controller.signal }))).toBe('aborted');
  });

  it('retries connection resets, refusals, SDK timeouts and broken bodies', async () => {
    env.mock.enqueue('openai.chat', { text: 'x', faults: { resetAfterBytes: 0 } });
    expect(classify(await chat())).toBe('retryable');
    env.mock.enqueue('openai.chat', {
      text: 'a long enough answer',
      faults: { resetAfterBytes: 20 },
    });
    const terminated = await chat();
    expect((terminated as Error).message).toBe('terminated');
    expect(classify(terminated)).toBe('retryable');
    env.mock.enqueue('openai.chat', { text: 'x', faults: { delayMs: 300 } });
    expect(classify(await chat({ timeout: 50 }))).toBe('retryable');
    // On a loaded machine the client can give up before its request reaches the mock: drop
    // the delayed reply instead of leaving it queued for the next request.
    env.mock.reset();

    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    const refused = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect((refused as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
    expect(classify(refused)).toBe('retryable');
    const dead = openaiAt(`http://127.0.0.1:${port}/v1`);
    const viaSdk = await dead.chat.completions
      .create({ model: 'x', messages: [] })
      .catch((e: unknown) => e);
    expect(classify(viaSdk)).toBe('retryable');
  });
});

describe('classify: other errors', () => {
  it('knows fetch aborts, DOM timeouts and Keel errors', () => {
    expect(classify(new DOMException('x', 'AbortError'))).toBe('aborted');
    expect(classify(new DOMException('x', 'TimeoutError'))).toBe('retryable');
    expect(classify(new TimeoutError({ timeoutMs: 5 }))).toBe('retryable');
    expect(classify(new BrokenCircuitError({ retryAfterMs: 100 }))).toBe('rate-limited');
    expect(
      classify(new ConcurrencyLimitError({ reason: 'queue-full', maxConcurrent: 1, limit: 0 })),
    ).toBe('retryable');
    expect(classify(new InvalidArgumentError({ argument: 'x', message: 'bad' }))).toBe('fatal');
    expect(classify(new KeelError({ name: 'Other', message: 'x' }))).toBe('fatal');
  });

  it('is fatal for programming errors and odd values', () => {
    for (const value of [
      new TypeError('x is not a function'),
      new Error('boom'),
      'string',
      null,
      undefined,
      42,
      { status: 'nope' },
    ]) {
      expect(classify(value)).toBe('fatal');
    }
  });

  it('reads a status from plain objects (statusCode too), e.g. from other HTTP clients', () => {
    expect(classify({ status: 502 })).toBe('retryable');
    expect(classify({ statusCode: 429 })).toBe('rate-limited');
    expect(classify({ statusCode: 418 })).toBe('fatal');
  });

  it('walks cause chains and AggregateErrors for network codes', () => {
    const nested = new Error('outer', {
      cause: new Error('middle', {
        cause: Object.assign(new Error('inner'), { code: 'ECONNRESET' }),
      }),
    });
    expect(classify(nested)).toBe('retryable');
    const aggregate = new TypeError('fetch failed', {
      cause: new AggregateError([
        Object.assign(new Error('v6'), { code: 'ENETUNREACH' }),
        Object.assign(new Error('v4'), { code: 'ECONNREFUSED' }),
      ]),
    });
    expect(classify(aggregate)).toBe('retryable');
    const cyclic: { cause?: unknown } = {};
    cyclic.cause = cyclic;
    expect(classify(cyclic)).toBe('fatal');
  });

  it('lets users extend and override the table', () => {
    class QueueFull extends Error {}
    const custom = createClassifier({
      statuses: { 409: 'fatal', 425: 'retryable' },
      rules: [(e) => (e instanceof QueueFull ? 'rate-limited' : undefined)],
    });
    expect(custom({ status: 409 })).toBe('fatal');
    expect(custom({ status: 425 })).toBe('retryable');
    expect(custom(new QueueFull())).toBe('rate-limited');
    expect(custom({ status: 503 })).toBe('retryable');
    expect(classify({ status: 409 })).toBe('retryable');
  });
});
