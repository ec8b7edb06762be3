/**
 * The provider tool objects through the official SDKs, over the real wire protocols served by
 * @keel/testing's mock provider: the SDKs' types accept them, the bodies carry them unchanged,
 * and the dispatcher reads what comes back. The mock answers a forced call with the smallest
 * input the sent schema accepts, which ignores the constraints strict mode cannot express
 * (lengths, some formats): the dispatcher must catch those and say what to fix.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { ToolCall } from '@keel/core';
import { type MockProvider, startMockProvider } from '@keel/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from './define-tool';
import { toAnthropicTool, toOpenAIChatTool, toOpenAIResponsesTool } from './provider-tools';
import { createToolbox } from './toolbox';

const findFlights = defineTool({
  name: 'find_flights',
  description: 'Find flights between two airports.',
  input: z.object({
    from: z.string().length(3),
    to: z.string().length(3),
    date: z.iso.date(),
    cabin: z.enum(['economy', 'business']).optional(),
    passengers: z.number().int().min(1).max(9).default(1),
  }),
  effect: 'read',
  run: async ({ from, to, passengers }) => ({ from, to, passengers, flights: [] }),
});
const toolbox = createToolbox([findFlights]);
const valid = { from: 'OSL', to: 'FCO', date: '2026-12-01' };

async function dispatchExpecting(call: ToolCall, outcome: 'ok' | 'correctable') {
  const result = await toolbox.dispatch(call);
  if (result.status !== 'done') throw new Error('expected a result');
  if (outcome === 'ok') {
    expect(result.record.outcome).toBe('ok');
    expect(result.part.output).toMatchObject({ from: 'OSL', to: 'FCO', passengers: 1 });
  } else {
    expect(result.record.failure).toBe('invalid-arguments');
    expect(result.part.output).toMatch(/exactly 3 characters|Invalid ISO date/);
  }
}

let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  await mock.close();
});

describe('official SDKs', () => {
  it('OpenAI Chat Completions sends the strict tool; the dispatcher reads its calls', async () => {
    const openai = new OpenAI({ apiKey: 'test', baseURL: mock.openaiBaseURL, maxRetries: 0 });
    const tool: OpenAI.Chat.Completions.ChatCompletionFunctionTool = toOpenAIChatTool(findFlights);
    // A strict-mode model sends every key, null for the optional ones it leaves out.
    mock.enqueue('openai.chat', {
      toolCalls: [{ name: 'find_flights', input: { ...valid, cabin: null, passengers: null } }],
    });
    for (const outcome of ['ok', 'correctable'] as const) {
      const completion = await openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Oslo to Rome on 2026-12-01' }],
        tools: [tool],
        tool_choice: { type: 'function', function: { name: 'find_flights' } },
      });
      expect(mock.requests.at(-1)?.body).toMatchObject({
        tools: [JSON.parse(JSON.stringify(tool))],
      });
      const toolCall = completion.choices[0]?.message.tool_calls?.[0];
      if (toolCall?.type !== 'function') throw new Error('expected a function call');
      await dispatchExpecting(
        {
          toolCallId: toolCall.id,
          toolName: toolCall.function.name,
          input: toolCall.function.arguments,
        },
        outcome,
      );
    }
  });

  it('OpenAI Responses sends the flat tool with strict set; the dispatcher reads its calls', async () => {
    const openai = new OpenAI({ apiKey: 'test', baseURL: mock.openaiBaseURL, maxRetries: 0 });
    const tool: OpenAI.Responses.FunctionTool = toOpenAIResponsesTool(findFlights);
    mock.enqueue('openai.responses', {
      toolCalls: [{ name: 'find_flights', input: { ...valid, cabin: null, passengers: null } }],
    });
    for (const outcome of ['ok', 'correctable'] as const) {
      const response = await openai.responses.create({
        model: 'gpt-4o-mini',
        input: 'Oslo to Rome on 2026-12-01',
        tools: [tool],
        tool_choice: { type: 'function', name: 'find_flights' },
      });
      expect(mock.requests.at(-1)?.body).toMatchObject({
        tools: [JSON.parse(JSON.stringify(tool))],
      });
      const call = response.output.find((item) => item.type === 'function_call');
      if (call?.type !== 'function_call') throw new Error('expected a function call');
      await dispatchExpecting(
        { toolCallId: call.call_id, toolName: call.name, input: call.arguments },
        outcome,
      );
    }
  });

  it('Anthropic Messages sends input_schema, strict or not; the dispatcher reads its calls', async () => {
    const anthropic = new Anthropic({
      apiKey: 'test',
      baseURL: mock.anthropicBaseURL,
      maxRetries: 0,
    });
    mock.enqueue('anthropic.messages', { toolCalls: [{ name: 'find_flights', input: valid }] });
    const cases = [
      [toAnthropicTool(findFlights), 'ok'],
      [toAnthropicTool(findFlights, { strict: true }), 'correctable'],
    ] as const;
    for (const [tool, outcome] of cases) {
      const typed: Anthropic.Messages.Tool = tool;
      const message = await anthropic.messages.create({
        model: 'claude-haiku-4-5',
        max_tokens: 256,
        messages: [{ role: 'user', content: 'Oslo to Rome on 2026-12-01' }],
        tools: [typed],
        tool_choice: { type: 'tool', name: 'find_flights' },
      });
      expect(mock.requests.at(-1)?.body).toMatchObject({
        tools: [JSON.parse(JSON.stringify(tool))],
      });
      const use = message.content.find((block) => block.type === 'tool_use');
      if (use?.type !== 'tool_use') throw new Error('expected a tool_use block');
      await dispatchExpecting(
        { toolCallId: use.id, toolName: use.name, input: use.input },
        outcome,
      );
    }
  });
});
