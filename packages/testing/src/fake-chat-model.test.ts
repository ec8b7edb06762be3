import { type ChatRequest, InvalidArgumentError, type StreamPart } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { createFakeChatModel } from './fake-chat-model';
import { createFakeClock } from './fake-clock';

const request: ChatRequest = {
  messages: [{ role: 'user', content: 'What is the weather in Oslo?' }],
};

async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

describe('createFakeChatModel', () => {
  it('answers scripted steps in order with normalised results and records every call', async () => {
    const model = createFakeChatModel(
      [
        {
          toolCalls: [{ id: 'c1', name: 'get_weather', input: { city: 'Oslo' } }],
          usage: { inputTokens: 40, outputTokens: 12 },
        },
        { text: 'It is 4 °C.', usage: { inputTokens: 60, cacheReadTokens: 40, outputTokens: 6 } },
      ],
      { provider: 'openai', modelId: 'gpt-4o-mini' },
    );
    expect(model).toMatchObject({ provider: 'openai', modelId: 'gpt-4o-mini' });
    const first = await model.generate(request);
    expect(first).toMatchObject({
      text: '',
      toolCalls: [{ toolCallId: 'c1', toolName: 'get_weather', input: { city: 'Oslo' } }],
      finishReason: 'tool-calls',
      usage: {
        inputTokens: 40,
        outputTokens: 12,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
      },
      responseModelId: 'gpt-4o-mini',
    });
    const second = await model.generate(request);
    expect(second).toMatchObject({
      text: 'It is 4 °C.',
      finishReason: 'stop',
      usage: { cacheReadTokens: 40 },
    });
    expect(model.calls.map((c) => c.method)).toEqual(['generate', 'generate']);
    expect(model.calls[0]?.request).toBe(request);
    expect(model.pending()).toBe(0);
  });

  it('streams reasoning, text, tool-call start/deltas/complete, usage and exactly one finish', async () => {
    const model = createFakeChatModel([
      {
        reasoning: 'Need data',
        chunks: ['Let ', 'me check.'],
        toolCalls: [{ id: 't1', name: 'lookup', input: { id: 'abcdefghijkl' } }],
      },
    ]);
    const parts = await collect(model.stream(request));
    expect(parts.map((p) => p.type)).toEqual([
      'reasoning-delta',
      'reasoning-delta',
      'text-delta',
      'text-delta',
      'tool-call-start',
      'tool-call-delta',
      'tool-call-delta',
      'tool-call-delta',
      'tool-call',
      'usage',
      'finish',
    ]);
    const deltas = parts.filter((p) => p.type === 'tool-call-delta').map((p) => p.inputTextDelta);
    expect(deltas.join('')).toBe('{"id":"abcdefghijkl"}');
    expect(parts.at(-3)).toEqual({
      type: 'tool-call',
      toolCallId: 't1',
      toolName: 'lookup',
      input: { id: 'abcdefghijkl' },
    });
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'tool-calls' });
  });

  it('reports a scripted cost with the usage, and refuses a bad one', async () => {
    const model = createFakeChatModel([
      { text: 'a', usage: { inputTokens: 5, outputTokens: 1 }, costUsd: 0.25 },
      { text: 'b', costUsd: 0.5 },
      { text: 'c' },
    ]);
    const request: ChatRequest = { messages: [{ role: 'user', content: 'Hi' }] };
    expect((await model.generate(request)).costUsd).toBe(0.25);
    const parts: StreamPart[] = [];
    for await (const part of model.stream(request)) parts.push(part);
    expect(parts.find((part) => part.type === 'usage')).toMatchObject({ costUsd: 0.5 });
    expect((await model.generate(request)).costUsd).toBeUndefined();
    expect(() => createFakeChatModel([{ text: 'x', costUsd: -1 }])).toThrow(
      /steps\[0\]\.costUsd must be a finite number of USD >= 0, got -1/,
    );
  });

  it('answers unscripted calls from the request, forcing a required tool', async () => {
    const model = createFakeChatModel();
    expect((await model.generate(request)).text).toBe(
      'This is a mock answer to "What is the weather in Oslo?".',
    );
    const forced = await model.generate({
      ...request,
      tools: [
        {
          name: 'get_weather',
          description: 'd',
          inputSchema: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
          },
        },
      ],
      toolChoice: 'required',
    });
    expect(forced.toolCalls).toEqual([
      { toolCallId: 'fake-call-1', toolName: 'get_weather', input: { city: 'mock' } },
    ]);
  });

  it('uses a function script for every call, with the call index', async () => {
    const model = createFakeChatModel((req, index) => ({
      text: `#${index}: ${String(req.messages[0]?.content)}`,
    }));
    expect((await model.generate(request)).text).toBe('#0: What is the weather in Oslo?');
    expect((await model.generate(request)).text).toBe('#1: What is the weather in Oslo?');
  });

  it('throws a scripted error from generate and from the first next() of a stream', async () => {
    const failure = new Error('provider down');
    const model = createFakeChatModel([{ error: failure }, { error: failure }]);
    await expect(model.generate(request)).rejects.toBe(failure);
    const iterator = model.stream(request)[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toBe(failure);
  });

  it('reports a mid-stream failure as an error part, then finish: error', async () => {
    const failure = new Error('connection lost');
    const model = createFakeChatModel([
      { chunks: ['a', 'b', 'c'], streamError: { afterParts: 2, error: failure } },
    ]);
    const parts = await collect(model.stream(request));
    expect(parts).toEqual([
      { type: 'text-delta', text: 'a' },
      { type: 'text-delta', text: 'b' },
      { type: 'error', error: failure },
      { type: 'finish', reason: 'error' },
    ]);
  });

  it('ends an aborted stream with finish: abort, and refuses calls with an aborted signal', async () => {
    const clock = createFakeClock();
    const controller = new AbortController();
    const model = createFakeChatModel([{ chunks: ['a', 'b', 'c'], delayMs: 100 }], { clock });
    const parts: StreamPart[] = [];
    const reading = (async () => {
      for await (const part of model.stream(request, { signal: controller.signal })) {
        parts.push(part);
        if (part.type === 'text-delta') controller.abort();
      }
    })();
    await clock.advance(100);
    await reading;
    expect(parts).toEqual([
      { type: 'text-delta', text: 'a' },
      { type: 'finish', reason: 'abort' },
    ]);
    await expect(model.generate(request, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('keeps invalid JSON arguments as raw text, as a real model might send them', async () => {
    const model = createFakeChatModel([{ toolCalls: [{ name: 'f', arguments: '{"city": "Os' }] }]);
    const result = await model.generate(request);
    expect(result.toolCalls[0]?.input).toBe('{"city": "Os');
  });

  it('rejects unservable steps when they are scripted', () => {
    expect(() => createFakeChatModel([{ usage: { outputTokens: -2 } }])).toThrow(
      InvalidArgumentError,
    );
    expect(() => createFakeChatModel([{ delayMs: -1 }])).toThrow(
      /steps\[0\]\.delayMs must be a finite number of milliseconds from 0 to 2147483647/,
    );
    expect(() => createFakeChatModel({ streamError: { afterParts: 1.5, error: 1 } })).toThrow(
      /script\.streamError\.afterParts/,
    );
  });
});
