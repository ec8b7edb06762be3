import { describe, expect, it } from 'vitest';
import { chatBody, openaiClient, rawPost, sseData, useMockProvider } from '../../test/helpers';

const env = useMockProvider();

describe('OpenAI Chat Completions', () => {
  it('answers an unscripted request deterministically from the request', async () => {
    const openai = openaiClient(env.mock);
    const first = await openai.chat.completions.create(chatBody());
    const second = await openai.chat.completions.create(chatBody());
    expect(first.choices[0]?.message.content).toBe('This is a mock answer to "Hello there".');
    expect(second.choices[0]?.message.content).toBe(first.choices[0]?.message.content);
    expect(first).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', refusal: null } }],
      usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) },
    });
    expect(first.id).toMatch(/^chatcmpl-/);
  });

  it('returns scripted text, usage with cached and reasoning tokens, and the reported model', async () => {
    env.mock.enqueue('openai.chat', {
      text: 'Scripted.',
      model: 'gpt-4o-mini-2024-07-18',
      usage: { inputTokens: 2006, cacheReadTokens: 1920, outputTokens: 300, reasoningTokens: 256 },
    });
    const completion = await openaiClient(env.mock).chat.completions.create(chatBody());
    expect(completion.choices[0]?.message.content).toBe('Scripted.');
    expect(completion.model).toBe('gpt-4o-mini-2024-07-18');
    expect(completion.usage).toEqual({
      prompt_tokens: 2006,
      completion_tokens: 300,
      total_tokens: 2306,
      prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 256,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    });
  });

  it('returns parallel tool calls with content null and finish_reason tool_calls', async () => {
    env.mock.enqueue('openai.chat', {
      toolCalls: [
        { id: 'call_a', name: 'get_weather', input: { city: 'Oslo' } },
        { name: 'get_time', input: { tz: 'Europe/Oslo' } },
      ],
    });
    const completion = await openaiClient(env.mock).chat.completions.create(chatBody());
    const message = completion.choices[0]?.message;
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(message?.content).toBeNull();
    expect(message?.tool_calls).toEqual([
      {
        id: 'call_a',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
      },
      {
        id: expect.stringMatching(/^call_/),
        type: 'function',
        function: { name: 'get_time', arguments: '{"tz":"Europe/Oslo"}' },
      },
    ]);
  });

  it('streams text and parallel tool calls that the SDK reassembles, with the include_usage chunk', async () => {
    env.mock.enqueue('openai.chat', {
      text: 'Checking both.',
      toolCalls: [
        { name: 'get_weather', input: { city: 'Oslo', units: 'metric' } },
        { name: 'get_time', input: { tz: 'Europe/Oslo' } },
      ],
      usage: { inputTokens: 50, outputTokens: 30 },
    });
    const stream = openaiClient(env.mock).chat.completions.stream(
      chatBody({ stream_options: { include_usage: true } }) as never,
    );
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('Checking both.');
    expect(
      final.choices[0]?.message.tool_calls?.map(
        (c) => c.type === 'function' && [c.function.name, JSON.parse(c.function.arguments)],
      ),
    ).toEqual([
      ['get_weather', { city: 'Oslo', units: 'metric' }],
      ['get_time', { tz: 'Europe/Oslo' }],
    ]);
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.usage).toMatchObject({ prompt_tokens: 50, completion_tokens: 30 });
  });

  it('frames the stream as the API does: role first, fragments by index, usage chunk, [DONE]', async () => {
    env.mock.enqueue('openai.chat', {
      chunks: ['Hel', 'lo'],
      toolCalls: [{ id: 'call_1', name: 'f', arguments: '{"a":1}' }],
    });
    const { headers, text } = await rawPost(
      `${env.mock.openaiBaseURL}/chat/completions`,
      chatBody({ stream: true, stream_options: { include_usage: true } }),
    );
    expect(headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const data = sseData(text);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && 'usage' in c)).toBe(true);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    expect(chunks.slice(1, 3).map((c) => c.choices[0].delta.content)).toEqual(['Hel', 'lo']);
    expect(chunks[3].choices[0].delta.tool_calls).toEqual([
      { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } },
    ]);
    expect(chunks[4].choices[0].delta.tool_calls).toEqual([
      { index: 0, function: { arguments: '{"a":1}' } },
    ]);
    expect(chunks.at(-2).choices[0].finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: expect.any(Number) },
    });
  });

  it('sends no usage chunk and no usage fields without include_usage', async () => {
    const { text } = await rawPost(
      `${env.mock.openaiBaseURL}/chat/completions`,
      chatBody({ stream: true }),
    );
    const chunks = sseData(text)
      .slice(0, -1)
      .map((d) => JSON.parse(d));
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
  });

  it.each([
    ['length', 'length'],
    ['content-filter', 'content_filter'],
  ] as const)('maps finish reason %s to %s', async (finishReason, expected) => {
    env.mock.enqueue('openai.chat', { text: 'cut', finishReason });
    const completion = await openaiClient(env.mock).chat.completions.create(chatBody());
    expect(completion.choices[0]?.finish_reason).toBe(expected);
  });

  it('calls a forced tool by default with input that satisfies its schema', async () => {
    const completion = await openaiClient(env.mock).chat.completions.create(
      chatBody({
        tools: [
          {
            type: 'function',
            function: { name: 'noop', parameters: { type: 'object', properties: {} } },
          },
          {
            type: 'function',
            function: {
              name: 'search',
              parameters: {
                type: 'object',
                properties: {
                  query: { type: 'string' },
                  limit: { type: 'integer', minimum: 1 },
                  mode: { enum: ['fast', 'deep'] },
                },
                required: ['query', 'limit', 'mode'],
              },
            },
          },
        ],
        tool_choice: { type: 'function', function: { name: 'search' } },
      }) as never,
    );
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('search');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({
      query: 'mock',
      limit: 1,
      mode: 'fast',
    });
  });

  it('answers structured-output requests with JSON matching the schema', async () => {
    const completion = await openaiClient(env.mock).chat.completions.create(
      chatBody({
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'r',
            schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
          },
        },
      }) as never,
    );
    expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toEqual({ ok: false });
  });

  it('stops at max_tokens with finish_reason length when unscripted', async () => {
    const completion = await openaiClient(env.mock).chat.completions.create(
      chatBody({ max_completion_tokens: 3 }),
    );
    expect(completion.choices[0]?.message.content).toBe('This is a');
    expect(completion.choices[0]?.finish_reason).toBe('length');
  });
});
