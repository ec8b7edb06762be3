import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Adapter,
  drain,
  fixture,
  iterate,
  PROVIDER_FIXTURES,
  parsedOneByOne,
  splitAt,
} from './__fixtures__/fixtures';
import { collect } from './collect';
import { fromOpenAIChat } from './from-openai-chat';

const servers: [string, Record<string, unknown>][] = [
  [
    'vllm-chat-reasoning.sse',
    {
      text: 'Bonjour ! Ça va très bien, merci. 🌍\n"Merci" à vous.',
      reasoning: 'The user greets me in French;\nanswer in kind.',
      toolCalls: [],
      usage: { inputTokens: 12, outputTokens: 52 },
      finishReason: 'stop',
      providerFinishReason: 'stop',
    },
  ],
  [
    'ollama-chat-thinking.sse',
    {
      text: 'Autumn moonlight—\na worm digs silently\ninto the chestnut.',
      reasoning: 'Okay, the user wants a haiku <3 lines>.',
      toolCalls: [],
      usage: { inputTokens: 14, outputTokens: 31 },
      finishReason: 'stop',
      providerFinishReason: 'stop',
    },
  ],
  [
    'llamacpp-server-chat-tools.sse',
    {
      text: 'Let me check the weather in Paris.',
      reasoning: '',
      toolCalls: [
        {
          toolCallId: 'DQ8pN3v0YfZ3kHq0wSxq6a1Jb2cR9mTe',
          toolName: 'get_weather',
          input: { city: 'Paris' },
        },
      ],
      usage: { inputTokens: 180, outputTokens: 24 },
      finishReason: 'tool-calls',
      providerFinishReason: 'tool_calls',
    },
  ],
  [
    'llama-cpp-python-chat.sse',
    {
      text: 'Café au lait ☕ and a 🥐\n"tab"\there.',
      reasoning: '',
      toolCalls: [],
      usage: { inputTokens: 0, outputTokens: 0 }, // it reports none
      finishReason: 'length',
      providerFinishReason: 'length',
    },
  ],
  [
    'azure-openai-chat-filters.sse',
    {
      text: 'Private endpoints keep traffic on Azure’s backbone.',
      reasoning: '',
      toolCalls: [],
      usage: { inputTokens: 18, outputTokens: 9 },
      finishReason: 'stop',
      providerFinishReason: 'stop',
    },
  ],
];

describe.each(servers)('%s', (name, expected) => {
  it('adapts to its text, reasoning, tool calls, usage and finish reason', async () => {
    const result = await collect(fromOpenAIChat(iterate([fixture(name)])));
    expect(result).toMatchObject({ ...expected, errors: [] });
  });
});

const fixtures: ReadonlyArray<[string, Adapter]> = [
  ...servers.map(([name]): [string, Adapter] => [name, fromOpenAIChat]),
  ...PROVIDER_FIXTURES,
];

describe.each(fixtures)('%s, layouts learned', (name, adapt) => {
  it('gives exactly the parts of JSON.parse on every event, split anywhere', async () => {
    const bytes = fixture(name);
    const parsed = await drain(adapt(iterate(await parsedOneByOne(bytes))));
    expect(parsed.at(-1)?.type).toBe('finish');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(bytes.length), { maxLength: 48 }), async (offsets) => {
        expect(await drain(adapt(iterate(splitAt(bytes, offsets))))).toEqual(parsed);
      }),
      { numRuns: 40 },
    );
  });
});
