import type Anthropic from '@anthropic-ai/sdk';
import { InvalidArgumentError } from '@keel/core';
import { estimateCost } from '@keel/tokens';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import {
  type AnthropicBatchOptions,
  BATCH_DISCOUNTS,
  BatchFailedError,
  type BatchRecord,
  type BatchStore,
  createAnthropicBatches,
  createMemoryBatchStore,
  createOpenAIBatches,
  MalformedBatchLineError,
  type OpenAIBatchOptions,
  UnknownBatchError,
} from '../src/index';
import { ANTHROPIC_KEY, ask, bodyOf, OPENAI_KEY, useMock } from './helpers';

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

const openaiBatches = (options: Partial<OpenAIBatchOptions> = {}) =>
  createOpenAIBatches({
    model: 'gpt-4o-mini',
    apiKey: OPENAI_KEY,
    baseURL: env.mock.openaiBaseURL,
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

/** The lines of the input file OpenAI received for batch `id`. */
async function inputLines(id: string): Promise<Array<{ custom_id: string; body: object }>> {
  const client = new OpenAI({ apiKey: OPENAI_KEY, baseURL: env.mock.openaiBaseURL });
  const batch = await client.batches.retrieve(id);
  const text = await (await client.files.content(batch.input_file_id)).text();
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

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

describe('OpenAI Batch API', () => {
  it('uploads the requests a live call would send, polls until the batch completes and answers in order', async () => {
    env.mock.planBatches({ pollsBeforeEnd: 2 });
    env.mock.enqueue(
      'openai.chat',
      { text: 'Paris' },
      { toolCalls: [{ name: 'lookup', input: { city: 'Rome' } }] },
    );
    const tools = [
      {
        name: 'lookup',
        description: 'Look a city up',
        inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
      },
    ];
    const client = openaiBatches();
    const { id, size } = await client.submit([
      { ...ask('Capital of France?'), maxTokens: 50, providerOptions: { seed: 7 } },
      { ...ask('Find Rome'), tools },
    ]);
    expect(size).toBe(2);
    const results = await client.resume(id);
    expect(results.map((item) => [item.index, item.customId, item.status])).toEqual([
      [0, 'request-0', 'succeeded'],
      [1, 'request-1', 'succeeded'],
    ]);
    const answers = results.map((item) => (item.status === 'succeeded' ? item.result : undefined));
    expect(answers[0]).toMatchObject({ text: 'Paris', finishReason: 'stop' });
    expect(answers[1]).toMatchObject({
      finishReason: 'tool-calls',
      toolCalls: [{ toolName: 'lookup', input: { city: 'Rome' } }],
    });
    expect(answers[0]?.responseId).toMatch(/^chatcmpl-/);

    const lines = await inputLines(id);
    expect(lines.map((line) => line.custom_id)).toEqual(['request-0', 'request-1']);
    env.mock.reset();
    // The Batch API is OpenAI's own: the limit goes in OpenAI's field, as a live call to OpenAI.
    await env.openai({ maxTokensField: 'max_completion_tokens' }).generate({
      ...ask('Capital of France?'),
      maxTokens: 50,
      providerOptions: { seed: 7 },
    });
    const { stream: _stream, stream_options: _options, ...live } = bodyOf(env.mock);
    expect(lines[0]).toEqual({
      custom_id: 'request-0',
      method: 'POST',
      url: '/v1/chat/completions',
      body: live,
    });
  });

  it('prices every answer at the batch discount, from usage normalised as a live call', async () => {
    const [item] = await openaiBatches().run([ask('Hello')]);
    if (item?.status !== 'succeeded') throw new Error('expected an answer');
    const live = await env.openai().generate(ask('Hello'));
    expect(item.result.usage).toEqual(live.usage);
    expect(BATCH_DISCOUNTS.openai).toBe(0.5);
    const standard = estimateCost(item.result.usage, 'gpt-4o-mini');
    expect(item.result.cost?.nanoUsd.total).toBe(standard.nanoUsd.total / 2);
    expect(item.result.costUsd).toBe(item.result.cost?.total);
  });

  it('returns errored and expired requests of an expired batch as data beside the answered ones', async () => {
    env.mock.planBatches({ expireFrom: 2 });
    env.mock.enqueue(
      'openai.chat',
      { text: 'fine' },
      { error: { status: 400, message: 'context too long' } },
    );
    const results = await openaiBatches().run([ask('a'), ask('b'), ask('c')]);
    expect(results.map((item) => item.status)).toEqual(['succeeded', 'errored', 'expired']);
    expect(results[1]).toMatchObject({
      error: { type: 'invalid_request_error', message: 'context too long' },
    });
    expect(results[2]).toMatchObject({ error: { type: 'expired', message: /expired/ } });
  });

  it('throws a typed error for a batch that failed as a whole, and keeps no record of it', async () => {
    env.mock.planBatches({
      failWith: { code: 'token_limit_exceeded', message: 'Enqueued token limit reached.' },
    });
    const store = createMemoryBatchStore();
    const client = openaiBatches({ store });
    const { id } = await client.submit([ask('a')]);
    const error = await client.resume(id).catch((e: unknown) => e);
    expect(BatchFailedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      batchId: id,
      failures: [{ code: 'token_limit_exceeded', message: 'Enqueued token limit reached.' }],
    });
    expect(String(error)).toMatch(/submit the requests again/);
  });

  it('resumes after a restart, and stops waiting on abort without losing the batch', async () => {
    env.mock.planBatches({ pollsBeforeEnd: 1_000 });
    const store = jsonStore();
    const { id } = await openaiBatches({ store }).submit([ask('one'), ask('two')]);
    const controller = new AbortController();
    const restarted = openaiBatches({ store, polling: { firstDelayMs: 5, maxDelayMs: 10 } });
    const waiting = restarted.resume(id, { signal: controller.signal });
    while (retrieves() < 2) await new Promise((resolve) => setTimeout(resolve, 2));
    controller.abort(new Error('deploying'));
    await expect(waiting).rejects.toThrow('deploying');
    expect(store.text.has(id)).toBe(true);
    env.mock.planBatches({ pollsBeforeEnd: 0 });
    const results = await openaiBatches({ store }).resume(id);
    expect(results.map((item) => item.status)).toEqual(['succeeded', 'succeeded']);
    expect(store.text.has(id)).toBe(false);
  });

  it('refuses an option Chat Completions does not take, before uploading anything', async () => {
    await expect(
      openaiBatches().submit([
        { ...ask('think'), providerOptions: { thinking: { budgetTokens: 2048 } } },
      ]),
    ).rejects.toThrow(/thinking/);
    expect(env.mock.requests).toHaveLength(0);
  });
});
