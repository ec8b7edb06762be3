import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeChatModel } from './fake-chat-model';
import { type MockProvider, startMockProvider } from './start-mock-provider';

let mock: MockProvider;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  mock = await startMockProvider();
  openai = new OpenAI({ apiKey: 'sk-test', baseURL: mock.openaiBaseURL, maxRetries: 0 });
  anthropic = new Anthropic({
    apiKey: 'sk-ant-test',
    baseURL: mock.anthropicBaseURL,
    maxRetries: 0,
  });
});
afterAll(() => mock.close());

const status = (promise: Promise<unknown>) =>
  promise.then(
    () => 200,
    (error: { status?: number; message?: string }) => `${error.status}: ${error.message}`,
  );

describe('the mock provider and the newer request fields', () => {
  it('streams logprobs to Chat Completions when asked, with the alternatives asked for', async () => {
    mock.enqueue('openai.chat', { chunks: ['Hi', '!'] });
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      logprobs: true,
      top_logprobs: 2,
    });
    const tokens: string[] = [];
    for await (const chunk of stream) {
      for (const entry of chunk.choices[0]?.logprobs?.content ?? []) {
        expect(entry.top_logprobs).toHaveLength(2);
        tokens.push(entry.token);
      }
    }
    expect(tokens).toEqual(['Hi', '!']);
  });

  it('refuses what OpenAI refuses: an unknown effort, top_logprobs without logprobs, a bad PDF', async () => {
    const create = (body: Record<string, unknown>) =>
      status(
        openai.chat.completions.create({
          model: 'o3-mini',
          messages: [{ role: 'user', content: 'Hi' }],
          ...body,
        } as never),
      );
    expect(await create({ reasoning_effort: 'extreme' })).toMatch(/^400: .*'extreme'/);
    expect(await create({ top_logprobs: 2 })).toMatch(/^400: .*'logprobs' must be set to true/);
    expect(await create({ parallel_tool_calls: false })).toMatch(/only allowed when 'tools'/);
    const file = {
      type: 'file',
      file: { filename: 'a.pdf', file_data: 'data:image/png;base64,AA==' },
    };
    expect(await create({ messages: [{ role: 'user', content: [file] }] })).toMatch(
      /^400: .*Invalid file data/,
    );
  });

  it('refuses what Anthropic refuses about thinking, media types and tools', async () => {
    const create = (body: Record<string, unknown>) =>
      status(
        anthropic.messages.create({
          model: 'claude-haiku-4-5',
          max_tokens: 4_000,
          messages: [{ role: 'user', content: 'Hi' }],
          ...body,
        } as never),
      );
    const thinking = { type: 'enabled', budget_tokens: 2_000 };
    expect(await create({ thinking: { type: 'enabled', budget_tokens: 500 } })).toMatch(
      /greater than or equal to 1024/,
    );
    expect(await create({ thinking, max_tokens: 2_000 })).toMatch(/`max_tokens` must be greater/);
    expect(await create({ thinking, temperature: 0.5 })).toMatch(
      /`temperature` may only be set to 1/,
    );
    expect(await create({ thinking, tools: [], tool_choice: { type: 'any' } })).toMatch(
      /forces tool use/,
    );
    const svg = {
      type: 'image',
      source: { type: 'base64', media_type: 'image/svg+xml', data: 'AA==' },
    };
    expect(await create({ messages: [{ role: 'user', content: [svg] }] })).toMatch(/media_type/);
    expect(await create({ tools: [{ type: 'web_search_20990101', name: 'web_search' }] })).toMatch(
      /does not match any of the expected tags/,
    );
    expect(await create({ thinking })).toBe(200);
  });

  it('streams scripted server tools and citations in the Messages API shapes', async () => {
    mock.enqueue('anthropic.messages', {
      serverToolCalls: [
        {
          name: 'web_search',
          input: { query: 'q' },
          result: [{ type: 'web_search_result', url: 'https://x.test' }],
        },
      ],
      citations: [{ type: 'web_search_result_location', cited_text: 'c', url: 'https://x.test' }],
      text: 'Answer.',
    });
    const message = await anthropic.messages
      .stream({
        model: 'claude-haiku-4-5',
        max_tokens: 1_000,
        messages: [{ role: 'user', content: 'Search' }],
        tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      })
      .finalMessage();
    expect(message.content.map((block) => block.type)).toEqual([
      'server_tool_use',
      'web_search_tool_result',
      'text',
    ]);
    expect(message.content[0]).toMatchObject({ name: 'web_search', input: { query: 'q' } });
    expect(message.content[2]).toMatchObject({
      text: 'Answer.',
      citations: [{ type: 'web_search_result_location', cited_text: 'c' }],
    });
  });

  it('refuses server tools and citations scripted on the fake chat model, which has no wire', () => {
    expect(() => createFakeChatModel([{ citations: [] }])).toThrow(/anthropic\.messages/);
    expect(() => mock.enqueue('anthropic.messages', { serverToolCalls: [{}] as never })).toThrow(
      /serverToolCalls must be an array/,
    );
  });
});
