import type { StreamPart } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { bodyOf, useMock } from './helpers';

const env = useMock();

const searchResult = {
  type: 'web_search_result',
  title: 'Oslo weather',
  url: 'https://weather.example/oslo',
  encrypted_content: 'EqgfCioIARgBIiQ3YTAw',
  page_age: null,
};
const citation = {
  type: 'web_search_result_location',
  cited_text: 'Light snow, 2 °C',
  url: 'https://weather.example/oslo',
  title: 'Oslo weather',
  encrypted_index: 'Eo8BCioIAhgB',
};

describe('Anthropic server tools and citations', () => {
  it('offers web search and code execution, and streams their calls, results and citations', async () => {
    env.mock.enqueue('anthropic.messages', {
      serverToolCalls: [
        { name: 'web_search', input: { query: 'Oslo weather' }, result: [searchResult] },
      ],
      citations: [citation],
      text: 'It is snowing in Oslo.',
    });
    const stream = env.anthropic().stream({
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      providerOptions: {
        serverTools: [
          { type: 'web-search', maxUses: 3, allowedDomains: ['weather.example'] },
          { type: 'code-execution' },
        ],
      },
    });
    const parts: StreamPart[] = [];
    for await (const part of stream) parts.push(part);
    expect(bodyOf(env.mock).tools).toEqual([
      {
        type: 'web_search_20250305',
        name: 'web_search',
        max_uses: 3,
        allowed_domains: ['weather.example'],
      },
      { type: 'code_execution_20250825', name: 'code_execution' },
    ]);
    const [call, result, cited] = parts;
    expect(call).toMatchObject({
      type: 'server-tool-call',
      toolName: 'web_search',
      input: { query: 'Oslo weather' },
    });
    expect(result).toEqual({
      type: 'server-tool-result',
      toolCallId: (call as { toolCallId: string }).toolCallId,
      toolName: 'web_search',
      resultType: 'web_search_tool_result',
      output: [searchResult],
      isError: false,
    });
    expect(cited).toEqual({
      type: 'citation',
      citation: {
        citedText: 'Light snow, 2 °C',
        url: 'https://weather.example/oslo',
        title: 'Oslo weather',
        providerType: 'web_search_result_location',
      },
    });
    expect((await stream.result).finishReason).toBe('stop');
  });

  it('gathers them into the generate result, a failed tool marked as an error', async () => {
    env.mock.enqueue('anthropic.messages', {
      serverToolCalls: [
        {
          name: 'code_execution',
          input: { code: 'print(1)' },
          resultType: 'code_execution_tool_result',
          result: { type: 'code_execution_tool_result_error', error_code: 'unavailable' },
        },
      ],
      citations: [
        {
          type: 'page_location',
          cited_text: 'Revenue grew 12 %.',
          document_index: 0,
          document_title: 'report.pdf',
          start_page_number: 2,
          end_page_number: 3,
        },
      ],
      text: 'Revenue grew.',
    });
    const result = await env.anthropic().generate({
      messages: [{ role: 'user', content: 'Growth?' }],
      providerOptions: { serverTools: [{ type: 'code-execution' }] },
    });
    expect(result.text).toBe('Revenue grew.');
    expect(result.toolCalls).toEqual([]);
    expect(result.serverToolCalls).toEqual([
      { toolCallId: expect.any(String), toolName: 'code_execution', input: { code: 'print(1)' } },
    ]);
    expect(result.serverToolResults?.[0]).toMatchObject({
      toolName: 'code_execution',
      isError: true,
    });
    expect(result.citations).toEqual([
      {
        citedText: 'Revenue grew 12 %.',
        title: 'report.pdf',
        documentIndex: 0,
        startPageNumber: 2,
        endPageNumber: 3,
        providerType: 'page_location',
      },
    ]);
  });

  it('refuses server tools on OpenAI and malformed ones anywhere, before sending', async () => {
    const onOpenAI = await env
      .openai()
      .generate({
        messages: [{ role: 'user', content: 'Hi' }],
        providerOptions: { serverTools: [{ type: 'web-search' }] },
      })
      .catch((caught: unknown) => caught);
    expect(onOpenAI).toMatchObject({
      name: 'UnsupportedOptionError',
      option: 'providerOptions.serverTools',
    });
    const malformed = await env
      .anthropic()
      .generate({
        messages: [{ role: 'user', content: 'Hi' }],
        providerOptions: { serverTools: [{ type: 'web-search', maxUses: 0 }] },
      })
      .catch((caught: unknown) => caught);
    expect(malformed).toMatchObject({
      name: 'InvalidArgumentError',
      argument: 'request.providerOptions.serverTools[0]',
    });
    expect(env.mock.requests).toHaveLength(0);
  });
});
