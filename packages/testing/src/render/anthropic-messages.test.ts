import { describe, expect, it } from 'vitest';
import { anthropicClient, rawPost, useMockProvider } from '../../test/helpers';

const env = useMockProvider();

const body = (extra: Record<string, unknown> = {}) => ({
  model: 'claude-haiku-4-5',
  max_tokens: 256,
  messages: [{ role: 'user' as const, content: 'Hello Claude' }],
  ...extra,
});
const anthropicHeaders = { 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' };

describe('Anthropic Messages', () => {
  it('answers an unscripted request with a text block and end_turn', async () => {
    const message = await anthropicClient(env.mock).messages.create(body());
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      content: [{ type: 'text', text: 'This is a mock answer to "Hello Claude".' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    expect(message.id).toMatch(/^msg_/);
  });

  it('reports cache reads and writes beside input_tokens, which excludes them', async () => {
    env.mock.enqueue('anthropic.messages', {
      text: 'ok',
      usage: { inputTokens: 2257, cacheReadTokens: 2048, cacheWriteTokens: 188, outputTokens: 393 },
    });
    const message = await anthropicClient(env.mock).messages.create(body());
    expect(message.usage).toMatchObject({
      input_tokens: 21,
      cache_creation_input_tokens: 188,
      cache_read_input_tokens: 2048,
      output_tokens: 393,
    });
  });

  it('returns thinking and tool_use blocks with stop_reason tool_use', async () => {
    env.mock.enqueue('anthropic.messages', {
      reasoning: 'The user wants weather.',
      reasoningSignature: 'sig-1',
      toolCalls: [{ id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }],
    });
    const message = await anthropicClient(env.mock).messages.create(body());
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'The user wants weather.', signature: 'sig-1' },
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it('streams thinking, text and parallel tool_use that the SDK accumulates', async () => {
    env.mock.enqueue('anthropic.messages', {
      reasoning: 'Two lookups needed.',
      text: 'Looking up both.',
      toolCalls: [
        { name: 'get_weather', input: { city: 'Oslo', units: 'metric' } },
        { name: 'get_time', input: { tz: 'Europe/Oslo' } },
      ],
      usage: { inputTokens: 500, cacheReadTokens: 300, outputTokens: 40 },
    });
    const stream = anthropicClient(env.mock).messages.stream(body());
    const text: string[] = [];
    stream.on('text', (delta) => text.push(delta));
    const final = await stream.finalMessage();
    expect(text.join('')).toBe('Looking up both.');
    expect(final.content.map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use', 'tool_use']);
    expect(final.content[0]).toMatchObject({
      thinking: 'Two lookups needed.',
      signature: expect.any(String),
    });
    expect(final.content.slice(2).map((b) => b.type === 'tool_use' && b.input)).toEqual([
      { city: 'Oslo', units: 'metric' },
      { tz: 'Europe/Oslo' },
    ]);
    expect(final.usage).toMatchObject({
      input_tokens: 200,
      cache_read_input_tokens: 300,
      output_tokens: 40,
    });
    expect(final.stop_reason).toBe('tool_use');
  });

  it('frames events as the API does: message_start, blocks, ping, message_delta, message_stop', async () => {
    env.mock.enqueue('anthropic.messages', {
      chunks: ['Hi', '!'],
      toolCalls: [{ id: 'toolu_9', name: 'f', arguments: '{"a":1}' }],
    });
    const { text } = await rawPost(
      `${env.mock.anthropicBaseURL}/v1/messages`,
      body({ stream: true }),
      anthropicHeaders,
    );
    const events = text
      .split('\n\n')
      .filter(Boolean)
      .map((block) => {
        const [eventLine, dataLine] = block.split('\n');
        const data = JSON.parse(dataLine?.slice(6) ?? '');
        expect(eventLine).toBe(`event: ${data.type}`);
        return data;
      });
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[6].content_block).toEqual({
      type: 'tool_use',
      id: 'toolu_9',
      name: 'f',
      input: {},
    });
    expect(events.slice(7, 9).map((e) => e.delta)).toEqual([
      { type: 'input_json_delta', partial_json: '' },
      { type: 'input_json_delta', partial_json: '{"a":1}' },
    ]);
    expect(events[10]).toMatchObject({
      delta: { stop_reason: 'tool_use' },
      usage: { output_tokens: expect.any(Number) },
    });
  });

  it('counts tokens of a prompt', async () => {
    const counted = await anthropicClient(env.mock).messages.countTokens({
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
    env.mock.enqueue('anthropic.count_tokens', { usage: { inputTokens: 1234 } });
    const scripted = await anthropicClient(env.mock).messages.countTokens({
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(scripted).toEqual({ input_tokens: 1234 });
  });

  it('forces a tool by default when tool_choice asks for one', async () => {
    const message = await anthropicClient(env.mock).messages.create(
      body({
        tools: [
          {
            name: 'lookup',
            description: 'd',
            input_schema: {
              type: 'object',
              properties: { id: { type: 'string' } },
              required: ['id'],
            },
          },
        ],
        tool_choice: { type: 'any' },
      }),
    );
    expect(message.content).toEqual([
      {
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_/),
        name: 'lookup',
        input: { id: 'mock' },
      },
    ]);
  });
});
