import type { ChatModel, StreamPart } from '@keel/core';
import { createFakeChatModel, createFakeClock } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { createObservability } from './create-observability';
import { instrument } from './instrument';
import { memorySink } from './log-sink';
import { createTracer } from './tracer';

const request = {
  messages: [{ role: 'user' as const, content: 'Hi' }],
  maxTokens: 50,
  metadata: { userId: 'u1', feature: 'chat' },
};

function setup(model: ChatModel, options: { recordContent?: boolean; cost?: boolean } = {}) {
  const clock = createFakeClock();
  const tracer = createTracer({ clock });
  const logs = memorySink();
  const obs = createObservability({ tracer, logger: logs, clock, recordContent: true });
  const wrapped = instrument(model, {
    instrumentation: obs,
    clock,
    ...(options.recordContent ? { recordContent: true } : {}),
    ...(options.cost
      ? { cost: (usage, modelId) => (modelId === 'm' ? usage.outputTokens * 0.001 : undefined) }
      : {}),
  });
  return { clock, tracer, logs, obs, wrapped };
}

async function drain(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('instrument', () => {
  it('records a generate call with usage, cost and the request parameters', async () => {
    const model = createFakeChatModel(
      { text: 'Hello', usage: { inputTokens: 10, outputTokens: 5 } },
      { modelId: 'm' },
    );
    const { tracer, logs, wrapped } = setup(model, { cost: true });
    const result = await wrapped.generate(request);
    expect(result.text).toBe('Hello');
    expect(wrapped.provider).toBe(model.provider);
    expect(logs.records[0]).toMatchObject({
      event: 'model-call',
      operation: 'generate',
      outcome: 'ok',
      tokens_in: 10,
      tokens_out: 5,
      cost_usd: 0.005,
      attempts: 1,
      user_id: 'u1',
      finish_reason: 'stop',
    });
    expect(logs.records[0]).not.toHaveProperty('output'); // content not handed over by default
    expect(tracer.finishedSpans()[0]?.attributes['gen_ai.request.max_tokens']).toBe(50);
  });

  it('hands content over only with recordContent', async () => {
    const model = createFakeChatModel({ text: 'Hello' });
    const { logs, wrapped } = setup(model, { recordContent: true });
    await wrapped.generate(request);
    expect(logs.records[0]).toMatchObject({
      output: 'Hello',
      request: { messages: [{ role: 'user' }] },
    });
  });

  it('records a failed generate and rethrows the error', async () => {
    const model = createFakeChatModel({ error: new TypeError('boom') });
    const { logs, wrapped } = setup(model);
    await expect(wrapped.generate(request)).rejects.toThrow('boom');
    expect(logs.records[0]).toMatchObject({
      outcome: 'error',
      error_type: 'TypeError',
      error_message: 'boom',
    });
  });

  it('records an aborted generate as an abort', async () => {
    const model = createFakeChatModel({ text: 'late', delayMs: 1_000 });
    const { logs, wrapped } = setup(model);
    const controller = new AbortController();
    controller.abort();
    await expect(wrapped.generate(request, { signal: controller.signal })).rejects.toThrow();
    expect(logs.records[0]).toMatchObject({ outcome: 'abort' });
  });

  it('passes a stream through unchanged and records usage and time to first token', async () => {
    let now = 0;
    const clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => {} };
    const parts: StreamPart[] = [
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      {
        type: 'usage',
        usage: {
          inputTokens: 7,
          outputTokens: 2,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        },
      },
      { type: 'finish', reason: 'stop' },
    ];
    const model: ChatModel = {
      provider: 'acme',
      modelId: 'm',
      generate: () => Promise.reject(new Error('unused')),
      async *stream() {
        now += 120;
        for (const part of parts) {
          yield part;
          now += 10;
        }
      },
    };
    const logs = memorySink();
    const tracer = createTracer({ clock });
    const obs = createObservability({ tracer, logger: logs, clock });
    const wrapped = instrument(model, { instrumentation: obs, clock, recordContent: true });
    expect(await drain(wrapped.stream(request))).toEqual(parts);
    expect(logs.records[0]).toMatchObject({
      operation: 'stream',
      outcome: 'ok',
      ttft_ms: 120,
      tokens_in: 7,
      tokens_out: 2,
      finish_reason: 'stop',
      latency_ms: 160,
    });
    expect(tracer.finishedSpans()[0]?.events.map((e) => e.name)).toEqual(['first-token']);
  });

  it('records a stream that fails after it began as an error with the error part', async () => {
    const model = createFakeChatModel({
      chunks: ['a', 'b'],
      streamError: { afterParts: 1, error: new RangeError('lost') },
    });
    const { logs, wrapped } = setup(model);
    const parts = await drain(wrapped.stream(request));
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'error' });
    expect(logs.records[0]).toMatchObject({
      outcome: 'error',
      error_type: 'RangeError',
      error_message: 'lost',
    });
  });

  it('records a stream that fails before its first part, rethrowing from next()', async () => {
    const model = createFakeChatModel({ error: new Error('down') });
    const { logs, wrapped } = setup(model);
    await expect(drain(wrapped.stream(request))).rejects.toThrow('down');
    expect(logs.records[0]).toMatchObject({ outcome: 'error', error_message: 'down' });
  });

  it('records a stream the consumer left early as an abort, once', async () => {
    const model = createFakeChatModel({ chunks: ['a', 'b', 'c'] });
    const { logs, wrapped } = setup(model);
    for await (const part of wrapped.stream(request)) if (part.type === 'text-delta') break;
    expect(logs.records).toHaveLength(1);
    expect(logs.records[0]).toMatchObject({ outcome: 'abort' });
  });

  it('never lets instrumentation or pricing failures break the call', async () => {
    const model = createFakeChatModel({ text: 'fine' });
    const broken = instrument(model, {
      instrumentation: {
        startModelCall() {
          throw new Error('tracing down');
        },
      },
    });
    await expect(broken.generate(request)).resolves.toMatchObject({ text: 'fine' });
    const throwingEnd = instrument(model, {
      instrumentation: {
        startModelCall: () => ({
          end: () => {
            throw new Error('x');
          },
        }),
      },
      cost: () => {
        throw new Error('no price');
      },
    });
    await expect(drain(throwingEnd.stream(request))).resolves.toHaveLength(3);
  });
});

describe('instrument with a throwing event hook', () => {
  it('streams every part although the first-token event throws', async () => {
    const model = createFakeChatModel({ text: 'fine' });
    const ended: unknown[] = [];
    const wrapped = instrument(model, {
      instrumentation: {
        startModelCall: () => ({
          event() {
            throw new Error('event failed');
          },
          end: (result) => ended.push(result),
        }),
      },
    });
    const parts = await drain(wrapped.stream(request));
    expect(parts.map((part) => part.type)).toContain('finish');
    expect(ended).toHaveLength(1);
  });
});
