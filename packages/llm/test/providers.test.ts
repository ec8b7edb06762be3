import { InvalidArgumentError } from '@keel/core';
import { estimateCost } from '@keel/tokens';
import { describe, expect, it } from 'vitest';
import { MissingApiKeyError } from '../src/index';
import { ANTHROPIC_KEY, ask, bodyOf, OPENAI_KEY, useMock } from './helpers';

const env = useMock();

const weatherTool = {
  name: 'get_weather',
  description: 'Current weather in a city',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('OpenAI Chat Completions', () => {
  it('generates text with usage, cost and the response identity', async () => {
    env.mock.enqueue('openai.chat', {
      text: 'Hello there.',
      usage: { inputTokens: 12, outputTokens: 3 },
      model: 'gpt-4o-mini-2024-07-18',
    });
    const result = await env.openai().generate({ ...ask('Hi'), metadata: { userId: 'u1' } });
    expect(result.text).toBe('Hello there.');
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toMatchObject({ inputTokens: 12, outputTokens: 3 });
    expect(result.costUsd).toBeCloseTo(estimateCost(result.usage, 'gpt-4o-mini').total, 12);
    expect(result.responseModelId).toBe('gpt-4o-mini-2024-07-18');
    expect(result.responseId).toMatch(/^chatcmpl-/);
    expect(result.attempts).toBe(1);
    expect(result.cached).toBe(false);
    const [request] = env.mock.requests;
    expect(request?.body).toMatchObject({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      user: 'u1',
    });
  });

  it('maps every message kind, tools and tool choice to the wire', async () => {
    env.mock.enqueue('openai.chat', {
      toolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }],
    });
    const result = await env.openai().generate({
      system: 'Be brief.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather?' },
            {
              type: 'image',
              source: {
                type: 'base64',
                mediaType: 'image/png',
                data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB',
              },
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            {
              type: 'tool-call',
              toolCallId: 'c1',
              toolName: 'get_weather',
              input: { city: 'Bergen' },
            },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'c1',
              toolName: 'get_weather',
              output: { celsius: 4 },
            },
          ],
        },
        { role: 'user', content: 'And Oslo?' },
      ],
      tools: [weatherTool],
      toolChoice: { type: 'tool', toolName: 'get_weather' },
      maxTokens: 50,
      temperature: 0.2,
      stop: ['END'],
    });
    expect(result.finishReason).toBe('tool-calls');
    expect(result.toolCalls).toEqual([
      expect.objectContaining({ toolName: 'get_weather', input: { city: 'Oslo' } }),
    ]);
    expect(env.mock.requests[0]?.body).toMatchObject({
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather?' },
            {
              type: 'image_url',
              image_url: { url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB' },
            },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'c1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Bergen"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: '{"celsius":4}' },
        { role: 'user', content: 'And Oslo?' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', parameters: weatherTool.inputSchema },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      max_tokens: 50,
      temperature: 0.2,
      stop: ['END'],
    });
  });

  it('sends max_completion_tokens to OpenAI itself and max_tokens to compatible servers', async () => {
    await env
      .openai({ maxTokensField: 'max_completion_tokens' })
      .generate({ ...ask('Hi'), maxTokens: 7 });
    await env.openai().generate({ ...ask('Hi'), maxTokens: 7 });
    expect(
      env.mock.requests.map((r) => [
        (r.body as Record<string, unknown>).max_completion_tokens,
        (r.body as Record<string, unknown>).max_tokens,
      ]),
    ).toEqual([
      [7, undefined],
      [undefined, 7],
    ]);
  });

  it('streams parts in order, ending with usage and one finish', async () => {
    env.mock.enqueue('openai.chat', {
      chunks: ['Hel', 'lo'],
      usage: { inputTokens: 9, outputTokens: 2 },
    });
    const stream = env.openai().stream(ask('Hi'));
    const types: string[] = [];
    for await (const part of stream) types.push(part.type);
    expect(types).toEqual(['text-delta', 'text-delta', 'usage', 'finish']);
    const summary = await stream.result;
    expect(summary).toMatchObject({
      finishReason: 'stop',
      usage: { inputTokens: 9, outputTokens: 2 },
      attempts: 1,
    });
    expect(summary.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(summary.costUsd).toBeGreaterThan(0);
  });

  it('works against an OpenAI-compatible server without a key and prices unknown models when told', async () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const model = env.openai({
        model: 'llama3.1',
        apiKey: undefined,
        provider: 'ollama',
        prices: { input: 0, output: 0 },
      });
      expect(model.provider).toBe('ollama');
      const result = await model.generate(ask('Hi'));
      expect(result.text.length).toBeGreaterThan(0);
      expect(result.costUsd).toBe(0);
      const unpriced = await env
        .openai({ model: 'llama3.1', apiKey: undefined })
        .generate(ask('Hi'));
      expect(unpriced.costUsd).toBeUndefined();
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });
});

describe('OpenAI Responses API', () => {
  it('generates text and tool calls with instructions and function tools', async () => {
    env.mock.enqueue('openai.responses', {
      reasoning: 'Need the weather.',
      toolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }],
      usage: { inputTokens: 40, cacheReadTokens: 32, outputTokens: 12, reasoningTokens: 5 },
    });
    const model = env.openai({ model: 'gpt-4o', api: 'responses' });
    const result = await model.generate({
      system: 'Use tools.',
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            {
              type: 'tool-call',
              toolCallId: 'c0',
              toolName: 'get_weather',
              input: { city: 'Rome' },
            },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'c0', toolName: 'get_weather', output: 'sunny' },
          ],
        },
      ],
      tools: [weatherTool],
      toolChoice: 'required',
      maxTokens: 100,
    });
    expect(result.toolCalls).toEqual([
      expect.objectContaining({ toolName: 'get_weather', input: { city: 'Oslo' } }),
    ]);
    expect(result.reasoning).toBe('Need the weather.');
    expect(result.usage).toMatchObject({
      inputTokens: 40,
      cacheReadTokens: 32,
      reasoningTokens: 5,
    });
    expect(result.responseId).toMatch(/^resp_/);
    expect(env.mock.requests[0]?.body).toMatchObject({
      instructions: 'Use tools.',
      input: [
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: 'Checking.' },
        { type: 'function_call', call_id: 'c0', name: 'get_weather', arguments: '{"city":"Rome"}' },
        { type: 'function_call_output', call_id: 'c0', output: 'sunny' },
      ],
      tools: [{ type: 'function', name: 'get_weather' }],
      tool_choice: 'required',
      max_output_tokens: 100,
    });
  });

  it('sends a tool choice only with tools, as every API requires', async () => {
    const request = { ...ask('Hi'), tools: [], toolChoice: 'auto' as const };
    await env.openai().generate(request);
    await env.openai({ api: 'responses' }).generate(request);
    await env.anthropic().generate(request);
    for (const index of [0, 1, 2])
      expect(bodyOf(env.mock, index)).not.toHaveProperty('tool_choice');
  });

  it('refuses stop sequences, which the Responses API does not have', async () => {
    await expect(
      env.openai({ api: 'responses' }).generate({ ...ask('Hi'), stop: ['x'] }),
    ).rejects.toThrow(/no stop sequences/);
    expect(env.mock.requests).toHaveLength(0);
  });
});

describe('Anthropic Messages', () => {
  it('generates with thinking, tool calls and cache usage priced at cache rates', async () => {
    env.mock.enqueue('anthropic.messages', {
      reasoning: 'Weather lookup.',
      text: 'Let me check.',
      toolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }],
      usage: { inputTokens: 2257, cacheReadTokens: 2048, cacheWriteTokens: 188, outputTokens: 40 },
    });
    const result = await env.anthropic().generate({
      system: 'Be brief.',
      ...ask('Weather?'),
      tools: [weatherTool],
      metadata: { userId: 'u7' },
    });
    expect(result.text).toBe('Let me check.');
    expect(result.reasoning).toBe('Weather lookup.');
    expect(result.reasoningSignature).toEqual(expect.any(String));
    expect(result.toolCalls[0]).toMatchObject({ toolName: 'get_weather', input: { city: 'Oslo' } });
    expect(result.usage).toMatchObject({
      inputTokens: 2257,
      cacheReadTokens: 2048,
      cacheWriteTokens: 188,
    });
    expect(result.costUsd).toBeCloseTo(estimateCost(result.usage, 'claude-haiku-4-5').total, 12);
    expect(result.responseId).toMatch(/^msg_/);
    const body = bodyOf(env.mock);
    expect(body).toMatchObject({ system: 'Be brief.', metadata: { user_id: 'u7' }, stream: true });
    expect(body.max_tokens).toBeGreaterThan(1000);
  });

  it('puts cache breakpoints on tools, system and pinned history, with the 1-hour TTL priced', async () => {
    env.mock.enqueue('anthropic.messages', {
      text: 'ok',
      usage: { inputTokens: 5000, cacheWriteTokens: 4000, outputTokens: 2 },
    });
    const model = env.anthropic({ promptCaching: { ttl: '1h', pinnedMessages: 2 } });
    const result = await model.generate({
      system: 'Long stable instructions.',
      messages: [
        { role: 'user', content: 'Context document.' },
        { role: 'assistant', content: 'Understood.' },
        { role: 'user', content: 'Question?' },
      ],
      tools: [weatherTool],
    });
    const body = bodyOf(env.mock);
    const breakpoint = { type: 'ephemeral', ttl: '1h' };
    expect(body.system).toEqual([
      { type: 'text', text: 'Long stable instructions.', cache_control: breakpoint },
    ]);
    expect(body.tools).toEqual([
      expect.objectContaining({ name: 'get_weather', cache_control: breakpoint }),
    ]);
    expect(body.messages).toEqual([
      { role: 'user', content: 'Context document.' },
      {
        role: 'assistant',
        content: [{ type: 'text', text: 'Understood.', cache_control: breakpoint }],
      },
      { role: 'user', content: 'Question?' },
    ]);
    expect(result.costUsd).toBeCloseTo(
      estimateCost(result.usage, 'claude-haiku-4-5', { cacheWriteTtl: '1h' }).total,
      12,
    );
    expect(result.costUsd).toBeGreaterThan(estimateCost(result.usage, 'claude-haiku-4-5').total);
  });

  it('leaves out the empty text, unsigned thinking and empty messages Anthropic refuses', async () => {
    await env.anthropic().generate({
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Thought of another provider, unsigned.' },
            { type: 'text', text: '' },
            {
              type: 'tool-call',
              toolCallId: 'c1',
              toolName: 'get_weather',
              input: { city: 'Oslo' },
            },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'c1',
              toolName: 'get_weather',
              output: 'service down',
              isError: true,
            },
          ],
        },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'Try again?' },
      ],
      tools: [weatherTool],
    });
    expect(bodyOf(env.mock).messages).toEqual([
      { role: 'user', content: 'Weather in Oslo?' },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'c1', name: 'get_weather', input: { city: 'Oslo' } }],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'c1', content: 'service down', is_error: true },
        ],
      },
      { role: 'user', content: 'Try again?' },
    ]);
  });

  it('refuses a temperature above 1, which Anthropic does not take', async () => {
    const error = await env
      .anthropic()
      .generate({ ...ask('Hi'), temperature: 1.5 })
      .catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ argument: 'request.temperature' });
    expect(env.mock.requests).toHaveLength(0);
  });

  it('can turn prompt caching off per call', async () => {
    await env
      .anthropic({ promptCaching: true })
      .generate({ system: 'S', ...ask('Hi') }, { promptCaching: false });
    expect(bodyOf(env.mock).system).toBe('S');
  });
});

describe('API keys', () => {
  it('names the variable to set when a key is missing, and never echoes a key', async () => {
    const saved = {
      openai: process.env.OPENAI_API_KEY,
      anthropic: process.env.ANTHROPIC_API_KEY,
      base: process.env.OPENAI_BASE_URL,
    };
    delete process.env.OPENAI_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    delete process.env.OPENAI_BASE_URL;
    try {
      const { createOpenAIModel, createAnthropicModel } = await import('../src/index');
      expect(() => createOpenAIModel({ model: 'gpt-4o' })).toThrow(MissingApiKeyError);
      expect(() => createOpenAIModel({ model: 'gpt-4o' })).toThrow(/OPENAI_API_KEY/);
      expect(() => createAnthropicModel({ model: 'claude-haiku-4-5' })).toThrow(
        /ANTHROPIC_API_KEY/,
      );
      process.env.ANTHROPIC_API_KEY = ANTHROPIC_KEY;
      expect(createAnthropicModel({ model: 'claude-haiku-4-5' }).provider).toBe('anthropic');
    } finally {
      for (const [name, value] of [
        ['OPENAI_API_KEY', saved.openai],
        ['ANTHROPIC_API_KEY', saved.anthropic],
        ['OPENAI_BASE_URL', saved.base],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('keeps the key out of errors, results and the model object', async () => {
    env.mock.enqueue('openai.chat', {
      error: { status: 401, message: 'Incorrect API key provided.' },
    });
    const model = env.openai({ retry: false });
    const error = await model.generate(ask('Hi')).catch((caught: unknown) => caught);
    const seen = [
      JSON.stringify(error),
      String(error),
      (error as Error).stack,
      JSON.stringify(model),
    ].join('\n');
    expect(seen).not.toContain(OPENAI_KEY);
    expect(seen).not.toContain(OPENAI_KEY.slice(-8));
  });
});
