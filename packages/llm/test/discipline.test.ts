import {
  type CallObserver,
  type Instrumentation,
  InvalidArgumentError,
  type ModelCallEnd,
  type ModelCallStart,
} from '@keel/core';
import { BudgetExceededError, createBudget, createCostLedger } from '@keel/tokens';
import { describe, expect, it } from 'vitest';
import { ContextOverflowError, createMemoryCache } from '../src/index';
import { responseCacheKey } from '../src/response-cache';
import { ask, useMock } from './helpers';

const env = useMock();

function recorder() {
  const calls: Array<{ start: ModelCallStart; end?: ModelCallEnd; events: string[] }> = [];
  const instrumentation: Instrumentation = {
    startModelCall(start): CallObserver<ModelCallEnd> {
      const call: (typeof calls)[number] = { start, events: [] };
      calls.push(call);
      return {
        event: (name) => call.events.push(name),
        end: (end) => {
          call.end = end;
        },
      };
    },
  };
  return { calls, instrumentation };
}

describe('token discipline', () => {
  it('refuses a request larger than the context window before any network call', async () => {
    const huge = 'lorem ipsum dolor sit amet '.repeat(30_000);
    const error = await env
      .openai()
      .generate(ask(huge))
      .catch((caught: unknown) => caught);
    expect(ContextOverflowError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ model: 'gpt-4o-mini', contextWindow: 128_000 });
    expect((error as ContextOverflowError).inputTokens).toBeGreaterThan(128_000);
    expect(env.mock.requests).toHaveLength(0);
  });

  it('counts the output room asked for against the window', async () => {
    const error = await env
      .anthropic()
      .generate({ ...ask('lorem ipsum '.repeat(60_000)), maxTokens: 64_000 })
      .catch((caught: unknown) => caught);
    expect(ContextOverflowError.isInstance(error)).toBe(true);
    expect((error as ContextOverflowError).maxOutputTokens).toBe(64_000);
  });

  it("reserves the worst case from the caller's budget and settles the real usage", async () => {
    env.mock.enqueue('openai.chat', { text: 'ok', usage: { inputTokens: 20, outputTokens: 5 } });
    const budget = createBudget({ scope: 'user:1', maxTokens: 10_000 });
    const model = env.openai();
    await model.generate({ ...ask('Hi'), maxTokens: 100 }, { budget });
    expect(budget.snapshot()).toMatchObject({ spentTokens: 25, reservedTokens: 0, inFlight: 0 });
    const error = await model
      .generate({ ...ask('Hi'), maxTokens: 10_000 }, { budget })
      .catch((caught: unknown) => caught);
    expect(BudgetExceededError.isInstance(error)).toBe(true);
    expect(env.mock.requests).toHaveLength(1);
  });

  it('releases the reservation when the call fails before the provider answered', async () => {
    env.mock.enqueue('openai.chat', { error: { status: 400 } });
    const budget = createBudget({ scope: 'app', maxCostUsd: 1 });
    await expect(env.openai({ budget }).generate(ask('Hi'))).rejects.toMatchObject({ status: 400 });
    expect(budget.snapshot()).toMatchObject({ spentUsd: 0, reservedUsd: 0, inFlight: 0 });
  });

  it('records every call in the ledger by user, feature and model', async () => {
    env.mock.respondWith('openai.chat', {
      text: 'ok',
      usage: { inputTokens: 100, outputTokens: 10 },
    });
    const ledger = createCostLedger();
    const model = env.openai({ ledger });
    await model.generate({ ...ask('a'), metadata: { userId: 'u1', feature: 'search' } });
    await model.generate({ ...ask('b'), metadata: { userId: 'u2', feature: 'search' } });
    const snapshot = ledger.snapshot();
    expect(snapshot.total.calls).toBe(2);
    expect(Object.keys(snapshot.byUser).sort()).toEqual(['u1', 'u2']);
    expect(snapshot.byFeature.search?.usage.inputTokens).toBe(200);
  });

  it('rejects malformed requests with the argument named', async () => {
    const model = env.openai();
    await expect(model.generate({ messages: [] })).rejects.toThrow(/request.messages/);
    await expect(model.generate({ ...ask('Hi'), maxTokens: -1 })).rejects.toThrow(
      /request.maxTokens/,
    );
    await expect(model.generate({ ...ask('Hi'), temperature: 9 })).rejects.toThrow(
      /request.temperature/,
    );
    await expect(
      model.generate({ messages: [{ role: 'wizard', content: 'x' }] } as never),
    ).rejects.toThrow(/role/);
    expect(env.mock.requests).toHaveLength(0);
  });
});

describe('malformed requests', () => {
  it('names the bad message with a typed error, before anything is sent', async () => {
    const model = env.openai({ model: 'my-local-model', baseURL: env.mock.openaiBaseURL });
    for (const message of [null, { role: 'bogus', content: 'x' }, { role: 'user', content: 42 }]) {
      const error = await model
        .generate({ messages: [ask('Hi').messages[0], message] } as never)
        .catch((caught: unknown) => caught);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ argument: 'request.messages[1]' });
    }
    expect(env.mock.requests).toHaveLength(0);
  });
});

describe('response cache', () => {
  it('serves a repeated request from the cache, free, and bypasses it on request', async () => {
    env.mock.respondWith('openai.chat', {
      text: 'cached answer',
      usage: { inputTokens: 10, outputTokens: 2 },
    });
    const model = env.openai({ cache: createMemoryCache() });
    const first = await model.generate({ ...ask('Hi'), metadata: { promptId: 'greet@1' } });
    const second = await model.generate({
      ...ask('Hi'),
      metadata: { promptId: 'greet@1', userId: 'other' },
    });
    expect(first.cached).toBe(false);
    expect(second).toMatchObject({
      text: 'cached answer',
      cached: true,
      costUsd: 0,
      usage: { inputTokens: 0 },
    });
    expect(env.mock.requests).toHaveLength(1);
    await model.generate({ ...ask('Hi'), metadata: { promptId: 'greet@2' } });
    await model.generate({ ...ask('Hi'), metadata: { promptId: 'greet@1' } }, { cache: false });
    expect(env.mock.requests).toHaveLength(3);
  });

  it('answers from the provider when the cache store fails', async () => {
    env.mock.enqueue('openai.chat', { text: 'fresh' });
    const broken = {
      get: () => Promise.reject(new Error('redis down')),
      set: () => Promise.reject(new Error('redis down')),
    };
    const result = await env.openai({ cache: broken }).generate(ask('Hi'));
    expect(result).toMatchObject({ text: 'fresh', cached: false });
  });

  it('never caches an error', async () => {
    env.mock.enqueue('openai.chat', { error: { status: 400 } }, { text: 'fine' });
    const model = env.openai({ cache: createMemoryCache() });
    await expect(model.generate(ask('Hi'))).rejects.toMatchObject({ status: 400 });
    expect((await model.generate(ask('Hi'))).text).toBe('fine');
  });

  it('keys on everything that decides the answer', () => {
    const base = { ...ask('Hi'), temperature: 0 };
    const target = { provider: 'openai', modelId: 'gpt-4o', baseURL: 'https://api.openai.com/v1' };
    const key = responseCacheKey(target, base);
    expect(responseCacheKey(target, { temperature: 0, ...ask('Hi') })).toBe(key);
    expect(responseCacheKey(target, { ...base, temperature: 1 })).not.toBe(key);
    expect(responseCacheKey({ ...target, modelId: 'gpt-4o-mini' }, base)).not.toBe(key);
    expect(responseCacheKey({ ...target, baseURL: 'http://localhost:8000/v1' }, base)).not.toBe(
      key,
    );
    expect(responseCacheKey(target, { ...base, responseFormat: { type: 'json' } })).not.toBe(key);
    expect(responseCacheKey(target, { ...base, providerOptions: { seed: 1 } })).not.toBe(key);
    const withFile = (byte: number) =>
      responseCacheKey(target, {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'bytes', data: new Uint8Array(8).fill(byte) } },
            ],
          },
        ],
      });
    expect(withFile(1)).toBe(withFile(1));
    expect(withFile(1)).not.toBe(withFile(2));
  });

  it('evicts the least recently used entry and expires old ones', async () => {
    let now = 0;
    const clock = { now: () => now, setTimeout, clearTimeout };
    const cache = createMemoryCache({ maxEntries: 2, ttlMs: 1_000, clock });
    const answer = { text: 'x' } as never;
    cache.set('a', answer);
    cache.set('b', answer);
    cache.get('a');
    cache.set('c', answer);
    expect([cache.get('a'), cache.get('b'), cache.get('c')].map(Boolean)).toEqual([
      true,
      false,
      true,
    ]);
    now = 1_000;
    expect(cache.get('a')).toBeUndefined();
    expect(() => createMemoryCache({ maxEntries: 0 })).toThrow(/maxEntries/);
  });
});

describe('instrumentation', () => {
  it('reports provider, model, tokens, cost, timing, attempts and outcome, without content by default', async () => {
    env.mock.enqueue(
      'openai.chat',
      { error: { status: 429, retryAfterMs: 10 } },
      { text: 'hi', usage: { inputTokens: 30, cacheReadTokens: 10, outputTokens: 4 } },
    );
    const { calls, instrumentation } = recorder();
    await env
      .openai({ instrumentation })
      .generate({ ...ask('secret question'), metadata: { promptId: 'p@1', feature: 'f' } });
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.start).toMatchObject({
      operation: 'generate',
      provider: 'openai',
      requestModel: 'gpt-4o-mini',
      metadata: { promptId: 'p@1' },
    });
    expect(call?.start.request).toBeUndefined();
    expect(call?.end).toMatchObject({
      outcome: 'ok',
      attempts: 2,
      finishReason: 'stop',
      usage: { inputTokens: 30, cacheReadTokens: 10, outputTokens: 4 },
    });
    expect(call?.end?.costUsd).toBeGreaterThan(0);
    expect(call?.end?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(call?.end?.output).toBeUndefined();
    expect(JSON.stringify(calls)).not.toContain('secret question');
  });

  it('records content only when asked, and errors by type', async () => {
    env.mock.enqueue('openai.chat', { text: 'answer' }, { error: { status: 400 } });
    const { calls, instrumentation } = recorder();
    const model = env.openai({ instrumentation, recordContent: true });
    await model.generate(ask('question'));
    await model.generate(ask('again')).catch(() => {});
    expect(calls[0]?.start.request?.messages).toEqual(ask('question').messages);
    expect(calls[0]?.end?.output).toBe('answer');
    expect(calls[1]?.end).toMatchObject({ outcome: 'error', errorType: 'BadRequestError' });
  });

  it('survives instrumentation that throws', async () => {
    const model = env.openai({
      instrumentation: {
        startModelCall() {
          throw new Error('broken exporter');
        },
      },
    });
    expect((await model.generate(ask('Hi'))).text.length).toBeGreaterThan(0);
  });
});
