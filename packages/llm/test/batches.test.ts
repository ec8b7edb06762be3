import type Anthropic from '@anthropic-ai/sdk';
import { InvalidArgumentError } from '@keel/core';
import { estimateCost } from '@keel/tokens';
import { describe, expect, it } from 'vitest';
import {
  type AnthropicBatchOptions,
  BATCH_DISCOUNTS,
  type BatchRecord,
  type BatchStore,
  createAnthropicBatches,
  createMemoryBatchStore,
  MalformedBatchLineError,
  UnknownBatchError,
} from '../src/index';
import { ANTHROPIC_KEY, ask, bodyOf, useMock } from './helpers';

const env = useMock();

const batches = (options: Partial<AnthropicBatchOptions> = {}) =>
  createAnthropicBatches({
    model: 'claude-haiku-4-5',
    apiKey: ANTHROPIC_KEY,
    baseURL: env.mock.anthropicBaseURL,
    polling: { firstDelayMs: 1, maxDelayMs: 2 },
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });

/** A store that keeps records only as JSON text, as a file or Redis would. */
function jsonStore(): BatchStore & { text: Map<string, string> } {
  const text = new Map<string, string>();
  return {
    text,
    save: async (record) => void text.set(record.id, JSON.stringify(record)),
    load: async (id) => {
      const saved = text.get(id);
      return saved === undefined ? undefined : (JSON.parse(saved) as BatchRecord);
    },
    delete: async (id) => void text.delete(id),
  };
}

const retrieves = () =>
  env.mock.requests.filter((r) => r.method === 'GET' && /batches\/[^/]+$/.test(r.path)).length;

describe('Anthropic Message Batches', () => {
  it('submits the requests a live call would send, polls until the batch ends and answers in order', async () => {
    env.mock.planBatches({ pollsBeforeEnd: 3 });
    env.mock.enqueue('anthropic.messages', { text: 'Paris' }, { text: 'Rome' });
    const schema = {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    };
    const results = await batches().run([
      { ...ask('Capital of France?'), maxTokens: 50 },
      { ...ask('Capital of Italy?'), system: 'Be brief.' },
      { ...ask('A city as JSON'), responseFormat: { type: 'json', schema } },
    ]);
    expect(results.map((item) => [item.index, item.customId, item.status])).toEqual([
      [0, 'request-0', 'succeeded'],
      [1, 'request-1', 'succeeded'],
      [2, 'request-2', 'succeeded'],
    ]);
    const answers = results.map((item) => (item.status === 'succeeded' ? item.result : undefined));
    expect(answers[0]).toMatchObject({ text: 'Paris', finishReason: 'stop' });
    expect(answers[1]?.text).toBe('Rome');
    expect(JSON.parse(answers[2]?.text ?? '')).toEqual({ city: expect.any(String) });
    expect(answers[0]?.responseId).toMatch(/^msg_/);
    expect(retrieves()).toBeGreaterThanOrEqual(4);

    const created = bodyOf(env.mock) as { requests: Array<{ custom_id: string; params: object }> };
    env.mock.reset();
    await env.anthropic().generate({ ...ask('Capital of France?'), maxTokens: 50 });
    const { stream: _stream, ...live } = bodyOf(env.mock);
    expect(created.requests[0]?.params).toEqual(live);
    expect(created.requests[2]?.params).toMatchObject({
      tool_choice: { type: 'tool', name: 'json_response' },
    });
  });

  it('prices every answer at the batch discount, from usage normalised as a live call', async () => {
    const [item] = await batches().run([ask('Hello')]);
    if (item?.status !== 'succeeded') throw new Error('expected an answer');
    const { usage, cost, costUsd } = item.result;
    expect(usage.inputTokens).toBeGreaterThan(0);
    const live = await env.anthropic().generate(ask('Hello'));
    expect(usage).toEqual(live.usage);
    const standard = estimateCost(usage, 'claude-haiku-4-5');
    expect(BATCH_DISCOUNTS.anthropic).toBe(0.5);
    expect(cost?.nanoUsd.total).toBe(standard.nanoUsd.total / 2);
    expect(costUsd).toBe(cost?.total);
  });

  it('returns an errored or expired item as data beside the answered ones', async () => {
    env.mock.planBatches({ expireFrom: 2 });
    env.mock.enqueue(
      'anthropic.messages',
      { text: 'fine' },
      { error: { status: 400, message: 'prompt is too long' } },
    );
    const results = await batches().run([ask('a'), ask('b'), ask('c')]);
    expect(results.map((item) => item.status)).toEqual(['succeeded', 'errored', 'expired']);
    expect(results[1]).toMatchObject({
      error: { type: 'invalid_request_error', message: 'prompt is too long' },
    });
    expect(results[2]).toMatchObject({ error: { type: 'expired', message: /expired/ } });
  });

  it('resumes a batch after a restart from its stored id, then forgets it', async () => {
    env.mock.planBatches({ pollsBeforeEnd: 2 });
    const store = jsonStore();
    const { id, size } = await batches({ store }).submit([ask('one'), ask('two')]);
    expect(size).toBe(2);
    expect(JSON.parse(store.text.get(id) ?? '')).toMatchObject({
      id,
      provider: 'anthropic',
      items: [{ customId: 'request-0' }, { customId: 'request-1' }],
    });
    const restarted = batches({ store });
    const results = await restarted.resume(id);
    expect(results.map((item) => item.status)).toEqual(['succeeded', 'succeeded']);
    expect(store.text.has(id)).toBe(false);
    await expect(restarted.resume(id)).rejects.toSatisfy(UnknownBatchError.isInstance);
    await expect(batches().resume(id)).rejects.toThrow(/not in the batch store/);
  });

  it('stops waiting on abort and keeps the batch resumable', async () => {
    env.mock.planBatches({ pollsBeforeEnd: 1_000 });
    const store = createMemoryBatchStore();
    const client = batches({ store, polling: { firstDelayMs: 5, maxDelayMs: 10 } });
    const { id } = await client.submit([ask('slow')]);
    const controller = new AbortController();
    const waiting = client.resume(id, { signal: controller.signal });
    while (retrieves() < 2) await new Promise((resolve) => setTimeout(resolve, 2));
    controller.abort(new Error('shutting down'));
    await expect(waiting).rejects.toThrow('shutting down');
    expect(await store.load(id)).toBeDefined();
    env.mock.planBatches({ pollsBeforeEnd: 0 });
    expect((await client.resume(id)).map((item) => item.status)).toEqual(['succeeded']);
  });

  it('refuses an empty batch and a request a live call would refuse, before sending', async () => {
    await expect(batches().submit([])).rejects.toSatisfy(InvalidArgumentError.isInstance);
    await expect(batches().submit([{ ...ask('hot'), temperature: 1.5 }])).rejects.toSatisfy(
      InvalidArgumentError.isInstance,
    );
    expect(env.mock.requests).toHaveLength(0);
  });

  it('throws a typed error for a result line the batch never had', async () => {
    const ended = { id: 'msgbatch_1', processing_status: 'ended' };
    const client = {
      messages: {
        batches: {
          create: async () => ended,
          retrieve: async () => ended,
          results: async () =>
            (async function* lines() {
              yield { custom_id: 'request-9', result: { type: 'canceled' } };
            })(),
        },
      },
    } as unknown as Anthropic;
    const fake = createAnthropicBatches({ model: 'claude-haiku-4-5', client });
    const { id } = await fake.submit([ask('one')]);
    const error = await fake.resume(id).catch((e: unknown) => e);
    expect(MalformedBatchLineError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ batchId: 'msgbatch_1', line: 1 });
  });
});
