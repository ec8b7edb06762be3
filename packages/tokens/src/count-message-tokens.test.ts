import type { ToolDefinition } from '@keel/core';
import { describe, expect, it, vi } from 'vitest';
import { type AnthropicTokenCountingClient, countMessageTokens } from './count-message-tokens';
import type { ChatMessage } from './message-counter';

// The OpenAI cookbook's example ("How to count tokens with tiktoken"), with the totals the
// OpenAI API reported for it.
const cookbookMessages: ChatMessage[] = [
  {
    role: 'system',
    content:
      'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.',
  },
  {
    role: 'system',
    name: 'example_user',
    content: 'New synergies will help drive top-line growth.',
  },
  {
    role: 'system',
    name: 'example_assistant',
    content: 'Things working well together will increase revenue.',
  },
  {
    role: 'system',
    name: 'example_user',
    content:
      "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
  },
  {
    role: 'system',
    name: 'example_assistant',
    content: "Let's talk later when we're less busy about how to do better.",
  },
  {
    role: 'user',
    content:
      "This late pivot means we don't have time to boil the ocean for the client deliverable.",
  },
];

const weatherTool: ToolDefinition = {
  name: 'get_current_weather',
  description: 'Get the current weather in a given location',
  inputSchema: {
    type: 'object',
    properties: {
      location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
      unit: {
        type: 'string',
        description: 'The unit of temperature to return',
        enum: ['celsius', 'fahrenheit'],
      },
    },
    required: ['location'],
  },
};
const weatherMessages: ChatMessage[] = [
  {
    role: 'system',
    content: 'You are a helpful assistant that can answer to questions about the weather.',
  },
  { role: 'user', content: "What's the weather like in San Francisco?" },
];

describe('countMessageTokens for OpenAI models', () => {
  it("matches the cookbook's totals for its example conversation", async () => {
    for (const model of ['gpt-4', 'gpt-3.5-turbo']) {
      expect(await countMessageTokens(cookbookMessages, { model })).toEqual({
        tokens: 129,
        exact: true,
        upperBound: 129,
      });
    }
    for (const model of ['gpt-4o', 'gpt-4o-mini']) {
      expect((await countMessageTokens(cookbookMessages, { model })).tokens).toBe(124);
    }
  });

  it("matches the cookbook's totals with a tool definition, and calls them estimates", async () => {
    const gpt4o = await countMessageTokens(weatherMessages, {
      model: 'gpt-4o',
      tools: [weatherTool],
    });
    expect(gpt4o).toMatchObject({ tokens: 101, exact: false });
    const gpt4 = await countMessageTokens(weatherMessages, {
      model: 'gpt-4',
      tools: [weatherTool],
    });
    expect(gpt4.tokens).toBe(105);
  });

  it('counts 3 per message, 1 per name and 3 to prime the reply', async () => {
    const one = await countMessageTokens([{ role: 'user', content: 'hi' }], { model: 'gpt-4o' });
    // 3 + "user" (1) + "hi" (1) + 3
    expect(one.tokens).toBe(8);
    const named = await countMessageTokens([{ role: 'user', name: 'bob', content: 'hi' }], {
      model: 'gpt-4o',
    });
    expect(named.tokens).toBe(one.tokens + 1 + 1);
    expect(await countMessageTokens([], { model: 'gpt-4o' })).toMatchObject({ tokens: 3 });
  });

  it('estimates images, tool calls and tool results', async () => {
    const messages: ChatMessage[] = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
        ],
      },
      {
        role: 'assistant',
        content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: { q: 'cat' } }],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'c1', toolName: 'lookup', output: { found: true } },
        ],
      },
    ];
    const count = await countMessageTokens(messages, { model: 'gpt-4o' });
    expect(count.exact).toBe(false);
    expect(count.tokens).toBeGreaterThan(765);
  });

  it('rejects malformed messages, naming the first bad one', async () => {
    await expect(
      countMessageTokens(
        [{ role: 'user', content: 'ok' }, { role: 'robot', content: 'x' } as never],
        { model: 'gpt-4o' },
      ),
    ).rejects.toThrow(/messages\[1\] must be/);
    await expect(countMessageTokens('hi' as never, { model: 'gpt-4o' })).rejects.toThrow(
      /messages must be an array/,
    );
    await expect(countMessageTokens([], { model: 'gpt-7' })).rejects.toThrow(
      /"gpt-7" is not in the @keel\/tokens catalogue/,
    );
    await expect(countMessageTokens([], { model: 'llama-3.1-8b-instruct' })).rejects.toThrow(
      /does not bundle/,
    );
  });
});

describe('countMessageTokens for Anthropic models', () => {
  it('asks the count_tokens endpoint when given a client, with the request in Anthropic form', async () => {
    const countTokens = vi.fn(async () => ({ input_tokens: 42 }));
    const client: AnthropicTokenCountingClient = { messages: { countTokens } };
    const signal = new AbortController().signal;
    const messages: ChatMessage[] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Oslo?' },
      {
        role: 'assistant',
        content: [
          {
            type: 'tool-call',
            toolCallId: 't1',
            toolName: 'get_current_weather',
            input: { location: 'Oslo' },
          },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 't1',
            toolName: 'get_current_weather',
            output: { tempC: 4 },
          },
        ],
      },
    ];
    const count = await countMessageTokens(messages, {
      model: 'claude-sonnet-4-5-20250929',
      tools: [weatherTool],
      client,
      signal,
    });
    expect(count).toEqual({ tokens: 42, exact: true, upperBound: 42 });
    expect(countTokens).toHaveBeenCalledWith(
      {
        model: 'claude-sonnet-4-5',
        system: 'Be brief.',
        messages: [
          { role: 'user', content: 'Weather in Oslo?' },
          {
            role: 'assistant',
            content: [
              {
                type: 'tool_use',
                id: 't1',
                name: 'get_current_weather',
                input: { location: 'Oslo' },
              },
            ],
          },
          {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: 't1', content: '{"tempC":4}' }],
          },
        ],
        tools: [
          {
            name: 'get_current_weather',
            description: weatherTool.description,
            input_schema: weatherTool.inputSchema,
          },
        ],
      },
      { signal },
    );
  });

  it('rejects a client that does not answer with input_tokens', async () => {
    const client = {
      messages: { countTokens: async () => ({ tokens: 3 }) },
    } as unknown as AnthropicTokenCountingClient;
    await expect(
      countMessageTokens([{ role: 'user', content: 'hi' }], { model: 'claude-haiku-4-5', client }),
    ).rejects.toThrow(/not \{ input_tokens \}/);
  });

  it('estimates without a client, marked inexact with a 30% upper bound', async () => {
    const count = await countMessageTokens(cookbookMessages, { model: 'claude-sonnet-4-5' });
    expect(count.exact).toBe(false);
    expect(count.tokens).toBeGreaterThan(124);
    expect(count.upperBound).toBe(Math.ceil(count.tokens * 1.3));
    const withTools = await countMessageTokens(cookbookMessages, {
      model: 'claude-sonnet-4-5',
      tools: [weatherTool],
    });
    expect(withTools.tokens).toBeGreaterThan(count.tokens + 346);
  });

  it('does not call the client once the signal is aborted', async () => {
    const countTokens = vi.fn(async () => ({ input_tokens: 1 }));
    const controller = new AbortController();
    controller.abort();
    await expect(
      countMessageTokens([{ role: 'user', content: 'hi' }], {
        model: 'claude-haiku-4-5',
        client: { messages: { countTokens } },
        signal: controller.signal,
      }),
    ).rejects.toThrow();
    expect(countTokens).not.toHaveBeenCalled();
  });
});
