import { type ChatModel, TimeoutError } from '@keel/core';
import { BrokenCircuitError } from '@keel/resilience';
import { StreamTimeoutError, StreamTruncatedError } from '@keel/streaming';
import { createFakeChatModel } from '@keel/testing';
import { createBudget, createCostLedger, estimateCost } from '@keel/tokens';
import { describe, expect, it } from 'vitest';
import { ask, useMock } from './helpers';

const env = useMock();

describe('retries', () => {
  it('retries a 429 after its Retry-After and reports the attempts', async () => {
    env.mock.enqueue(
      'openai.chat',
      { error: { status: 429, retryAfterMs: 150 } },
      { text: 'second time lucky' },
    );
    const result = await env.openai().generate(ask('Hi'));
    expect(result.text).toBe('second time lucky');
    expect(result.attempts).toBe(2);
    const [first, second] = env.mock.requests;
    expect(
      (second?.timings.receivedAt ?? 0) - (first?.timings.endedAt ?? 0),
    ).toBeGreaterThanOrEqual(140);
  });

  it('never lets the SDK retry on its own', async () => {
    env.mock.enqueue(
      'anthropic.messages',
      { error: { status: 529 } },
      { error: { status: 529 } },
      { error: { status: 529 } },
    );
    await expect(env.anthropic().generate(ask('Hi'))).rejects.toMatchObject({ status: 529 });
    expect(env.mock.requests).toHaveLength(3);
    expect(env.mock.requests.map((request) => request.headers['x-stainless-retry-count'])).toEqual([
      '0',
      '0',
      '0',
    ]);
  });

  it('does not retry a fatal error', async () => {
    env.mock.enqueue('openai.chat', { error: { status: 400, message: 'bad request' } });
    await expect(env.openai().generate(ask('Hi'))).rejects.toMatchObject({ status: 400 });
    expect(env.mock.requests).toHaveLength(1);
  });
});

describe('broken streams', () => {
  it('reports a reset mid-stream as an error part, bills what arrived, and does not retry', async () => {
    env.mock.enqueue('openai.chat', {
      chunks: ['one ', 'two ', 'three ', 'four'],
      faults: { resetAfterEvents: 3 },
    });
    const stream = env.openai().stream(ask('Count'));
    const parts = [];
    for await (const part of stream) parts.push(part);
    expect(parts.filter((part) => part.type === 'text-delta').length).toBeGreaterThan(0);
    expect(parts.at(-3)?.type).toBe('error');
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'error' });
    const summary = await stream.result;
    expect(summary.finishReason).toBe('error');
    expect(summary.usage.inputTokens).toBeGreaterThan(0);
    expect(summary.usage.outputTokens).toBeGreaterThan(0);
    // The bill of what arrived is the last usage part, just before the finish.
    expect(parts.at(-2)).toEqual({ type: 'usage', usage: summary.usage, costUsd: summary.costUsd });
    expect(env.mock.requests).toHaveLength(1);
  });

  it('rejects generate on a reset, so a half answer is never taken for a whole one', async () => {
    env.mock.enqueue('anthropic.messages', {
      chunks: ['a', 'b', 'c'],
      faults: { resetAfterEvents: 4 },
    });
    await expect(env.anthropic().generate(ask('Hi'))).rejects.toThrow();
  });

  it('reports a stream that ends without its terminal event as truncated', async () => {
    env.mock.enqueue('anthropic.messages', {
      text: 'cut short',
      faults: { omitTerminalEvent: true },
    });
    const error = await env
      .anthropic()
      .generate(ask('Hi'))
      .catch((caught: unknown) => caught);
    expect(StreamTruncatedError.isInstance(error)).toBe(true);
  });
});

describe('timeouts', () => {
  it('retries a first byte that comes too late', async () => {
    env.mock.enqueue(
      'openai.chat',
      { text: 'late', faults: { delayMs: 2_000 } },
      { text: 'on time' },
    );
    const result = await env.openai({ timeouts: { firstByteMs: 300 } }).generate(ask('Hi'));
    expect(result.text).toBe('on time');
    expect(result.attempts).toBe(2);
  });

  it('fails with a TimeoutError when every first byte is late', async () => {
    env.mock.respondWith('openai.chat', { text: 'late', faults: { delayMs: 2_000 } });
    const error = await env
      .openai({ retry: false, timeouts: { firstByteMs: 200 } })
      .generate(ask('Hi'))
      .catch((caught: unknown) => caught);
    expect(TimeoutError.isInstance(error)).toBe(true);
  });

  it('ends a stalled stream with an idle timeout', async () => {
    env.mock.enqueue('anthropic.messages', {
      chunks: ['a', 'b', 'c'],
      faults: { stallAfterEvents: 4 },
    });
    const stream = env.anthropic({ timeouts: { idleMs: 300 } }).stream(ask('Hi'));
    const parts = [];
    for await (const part of stream) parts.push(part);
    const error = parts.find((part) => part.type === 'error');
    expect(error && StreamTimeoutError.isInstance(error.error)).toBe(true);
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'error' });
  });

  it('fails with a TimeoutError when the total deadline passes before the first byte', async () => {
    env.mock.enqueue('anthropic.messages', { text: 'late', faults: { delayMs: 3_000 } });
    const error = await env
      .anthropic({ timeouts: { totalMs: 200 } })
      .generate(ask('Hi'))
      .catch((caught: unknown) => caught);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(env.mock.requests).toHaveLength(1);
  });

  it('ends a stream at the total deadline with a TimeoutError, not an abort', async () => {
    env.mock.enqueue('openai.chat', {
      text: 'one two three four five six',
      faults: { tokensPerSecond: 5 },
    });
    const stream = env.openai({ timeouts: { totalMs: 500 } }).stream(ask('Hi'));
    const parts = [];
    for await (const part of stream) parts.push(part);
    const error = parts.find((part) => part.type === 'error');
    expect(error && TimeoutError.isInstance(error.error)).toBe(true);
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'error' });
    expect((await stream.result).finishReason).toBe('error');
  });
});

describe('fallback and the breaker', () => {
  it('falls back to another model before the first byte', async () => {
    env.mock.respondWith('openai.chat', { error: { status: 503 } });
    env.mock.enqueue('anthropic.messages', {
      text: 'from claude',
      usage: { inputTokens: 10, outputTokens: 2 },
    });
    const model = env.openai({ retry: false, fallbacks: [env.anthropic()] });
    const result = await model.generate(ask('Hi'));
    expect(result.text).toBe('from claude');
    expect(result.provider).toBe('anthropic');
    expect(result.modelId).toBe('claude-haiku-4-5');
    expect(result.attempts).toBe(2);
    expect(result.costUsd).toBeGreaterThan(0);
  });

  it("charges a fallback's answer to the budget at the answering model's price", async () => {
    env.mock.respondWith('openai.chat', { error: { status: 503 } });
    env.mock.enqueue('anthropic.messages', {
      text: 'from claude',
      usage: { inputTokens: 1_000, outputTokens: 500 },
    });
    const budget = createBudget({ scope: 'app', maxCostUsd: 10 });
    const model = env.openai({ model: 'gpt-4o', retry: false, fallbacks: [env.anthropic()] });
    const result = await model.generate(ask('Hi'), { budget });
    const expected = estimateCost(result.usage, 'claude-haiku-4-5').total;
    expect(result.costUsd).toBeCloseTo(expected, 9);
    expect(estimateCost(result.usage, 'gpt-4o').total).not.toBeCloseTo(expected, 6);
    expect(budget.snapshot()).toMatchObject({ reservedUsd: 0, inFlight: 0 });
    expect(budget.snapshot().spentUsd).toBeCloseTo(expected, 9);
  });

  it('prices a Keel fallback as it prices itself, in the result, the budget and the ledger', async () => {
    env.mock.respondWith('openai.chat', { error: { status: 503 } });
    env.mock.enqueue('anthropic.messages', {
      text: 'from claude',
      usage: { inputTokens: 1_000, outputTokens: 1_000 },
    });
    const prices = { input: 100, output: 100 };
    const claude = env.anthropic({ prices });
    const budget = createBudget({ scope: 'app', maxCostUsd: 10 });
    const ledger = createCostLedger();
    const model = env.openai({
      retry: { maxAttempts: 2, baseDelayMs: 1 },
      fallbacks: [claude],
      budget,
      ledger,
    });
    const result = await model.generate(ask('Hi'));
    expect(result.attempts).toBe(3);
    const expected = estimateCost(result.usage, 'claude-haiku-4-5', { prices }).total;
    expect(result.usage).toMatchObject({ inputTokens: 1_000, outputTokens: 1_000 });
    expect(result.costUsd).toBeCloseTo(expected, 9);
    expect(expected).toBeCloseTo(0.2, 9);
    expect(budget.snapshot().spentUsd).toBeCloseTo(expected, 9);
    expect(ledger.snapshot().total.cost.total).toBeCloseTo(expected, 9);
  });

  it('records a fallback that shares the ledger once', async () => {
    env.mock.respondWith('openai.chat', { error: { status: 503 } });
    env.mock.enqueue('anthropic.messages', { text: 'from claude' });
    const ledger = createCostLedger();
    const claude = env.anthropic({ ledger });
    const model = env.openai({ retry: false, fallbacks: [claude], ledger });
    const result = await model.generate(ask('Hi'));
    const { total } = ledger.snapshot();
    expect(total.calls).toBe(1);
    expect(total.cost.total).toBeCloseTo(result.costUsd ?? Number.NaN, 9);
  });

  it('settles the budget and the result when a fallback stream fails to close', async () => {
    env.mock.respondWith('openai.chat', { error: { status: 503 } });
    const backup: ChatModel = {
      provider: 'other',
      modelId: 'other-model',
      generate: () => Promise.reject(new Error('unused')),
      stream: () => ({
        [Symbol.asyncIterator]: () => ({
          next: async () => ({ done: false, value: { type: 'text-delta', text: 'hi' } }),
          return: () => Promise.reject(new Error('cannot close')),
        }),
      }),
    };
    const budget = createBudget({ scope: 'user:1', maxTokens: 100_000 });
    const stream = env.openai({ retry: false, fallbacks: [backup] }).stream(ask('Hi'), { budget });
    for await (const part of stream) if (part.type === 'text-delta') break;
    const summary = await stream.result;
    expect(summary).toMatchObject({ finishReason: 'abort', modelId: 'other-model' });
    expect(budget.snapshot()).toMatchObject({ reservedTokens: 0, inFlight: 0 });
    expect(budget.snapshot().spentTokens).toBeGreaterThan(0);
  });

  it('never falls back once output started', async () => {
    env.mock.enqueue('openai.chat', { chunks: ['a', 'b', 'c'], faults: { resetAfterEvents: 2 } });
    const backup = createFakeChatModel({ text: 'backup' });
    const stream = env.openai({ fallbacks: [backup] }).stream(ask('Hi'));
    const parts = [];
    for await (const part of stream) parts.push(part);
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'error' });
    expect(backup.calls).toHaveLength(0);
  });

  it('opens the breaker after consecutive failures and then fails fast', async () => {
    env.mock.respondWith('openai.chat', { error: { status: 500 } });
    const model = env.openai({ retry: false, breaker: { strategy: { consecutiveFailures: 2 } } });
    await expect(model.generate(ask('1'))).rejects.toMatchObject({ status: 500 });
    await expect(model.generate(ask('2'))).rejects.toMatchObject({ status: 500 });
    const error = await model.generate(ask('3')).catch((caught: unknown) => caught);
    expect(BrokenCircuitError.isInstance(error)).toBe(true);
    expect(env.mock.requests).toHaveLength(2);
  });
});

describe('cancellation', () => {
  it('aborts the HTTP request mid-stream and bills what was received', async () => {
    env.mock.enqueue('openai.chat', {
      text: Array.from({ length: 200 }, (_, index) => `word${index}`).join(' '),
      faults: { tokensPerSecond: 50 },
    });
    const controller = new AbortController();
    const stream = env.openai().stream(ask('Tell me a long story'), { signal: controller.signal });
    const parts = [];
    for await (const part of stream) {
      parts.push(part);
      if (parts.filter((p) => p.type === 'text-delta').length === 3) {
        controller.abort();
      }
    }
    expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: 'abort' });
    const summary = await stream.result;
    expect(summary.finishReason).toBe('abort');
    expect(summary.usage.inputTokens).toBeGreaterThan(0);
    expect(summary.usage.outputTokens).toBeGreaterThan(0);
    expect(summary.costUsd).toBeGreaterThan(0);
    await expect.poll(() => env.mock.requests[0]?.clientDisconnected).toBe(true);
    // Cut mid-stream, not read to the end: the mock had 200 words left to send at 50 a second.
    expect(env.mock.requests[0]?.eventsWritten).toBeLessThan(100);
  });

  it('cancels the upstream and bills what arrived when the consumer stops reading', async () => {
    env.mock.enqueue('anthropic.messages', {
      text: 'a b c d e f g h i j k l',
      faults: { tokensPerSecond: 20 },
    });
    const stream = env.anthropic().stream(ask('Hi'));
    for await (const part of stream) if (part.type === 'text-delta') break;
    const summary = await stream.result;
    expect(summary.finishReason).toBe('abort');
    expect(summary.usage.inputTokens).toBeGreaterThan(0);
    await expect.poll(() => env.mock.requests[0]?.clientDisconnected).toBe(true);
  });

  it('ends with finish: abort when aborted before the first byte', async () => {
    env.mock.enqueue('anthropic.messages', { text: 'slow', faults: { delayMs: 5_000 } });
    const controller = new AbortController();
    const stream = env.anthropic().stream(ask('Hi'), { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const parts = [];
    for await (const part of stream) parts.push(part);
    expect(parts).toEqual([{ type: 'finish', reason: 'abort' }]);
    expect((await stream.result).usage.inputTokens).toBe(0);
  });

  it('ends with finish: abort, not a throw, when the signal is already aborted', async () => {
    env.mock.enqueue('openai.chat', { text: 'never sent' });
    const budget = createBudget({ scope: 'user:1', maxTokens: 100_000 });
    const controller = new AbortController();
    controller.abort();
    const stream = env.openai().stream(ask('Hi'), { signal: controller.signal, budget });
    const parts = [];
    for await (const part of stream) parts.push(part);
    expect(parts).toEqual([{ type: 'finish', reason: 'abort' }]);
    const summary = await stream.result;
    expect(summary).toMatchObject({ finishReason: 'abort', usage: { inputTokens: 0 } });
    expect(summary.error).toBeUndefined();
    expect(budget.snapshot()).toMatchObject({ spentTokens: 0, reservedTokens: 0, inFlight: 0 });
    expect(env.mock.requests).toHaveLength(0);
  });

  it('rejects generate with the abort reason', async () => {
    env.mock.enqueue('openai.chat', { text: 'slow', faults: { delayMs: 5_000 } });
    const error = await env
      .openai()
      .generate(ask('Hi'), { signal: AbortSignal.timeout(100) })
      .catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('TimeoutError');
  });
});
