import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './invalid-argument-error';
import {
  type AnthropicUsage,
  normalizeAnthropicUsage,
  normalizeOpenAIChatUsage,
  normalizeOpenAIResponsesUsage,
  type OpenAIChatUsage,
  type OpenAIResponsesUsage,
} from './normalize-usage';

describe('normalizeOpenAIChatUsage', () => {
  it('reads every documented field; cached and reasoning tokens are subsets', () => {
    expect(
      normalizeOpenAIChatUsage({
        prompt_tokens: 2006,
        completion_tokens: 300,
        total_tokens: 2306,
        prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 256,
          audio_tokens: 0,
          accepted_prediction_tokens: 10,
          rejected_prediction_tokens: 4,
        },
      }),
    ).toEqual({
      inputTokens: 2006,
      outputTokens: 300,
      cacheReadTokens: 1920,
      cacheWriteTokens: 0,
      reasoningTokens: 256,
    });
  });

  it('reads cache_write_tokens as cache writes inside prompt_tokens', () => {
    expect(
      normalizeOpenAIChatUsage({
        prompt_tokens: 2600,
        completion_tokens: 12,
        prompt_tokens_details: { cached_tokens: 2000, cache_write_tokens: 400 },
      }),
    ).toMatchObject({ inputTokens: 2600, cacheReadTokens: 2000, cacheWriteTokens: 400 });
  });

  it('reads usage without details (older or compatible servers)', () => {
    expect(
      normalizeOpenAIChatUsage({ prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 }),
    ).toEqual({
      inputTokens: 9,
      outputTokens: 12,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    });
  });

  it('keeps the cache subsets within the input when a server over-reports them', () => {
    expect(
      normalizeOpenAIChatUsage({
        prompt_tokens: 100,
        completion_tokens: 5,
        prompt_tokens_details: { cached_tokens: 90, cache_write_tokens: 30 },
        completion_tokens_details: { reasoning_tokens: 8 },
      }),
    ).toEqual({
      inputTokens: 100,
      outputTokens: 5,
      cacheReadTokens: 90,
      cacheWriteTokens: 10,
      reasoningTokens: 8,
    });
  });
});

describe('normalizeOpenAIResponsesUsage', () => {
  it('reads every documented field', () => {
    expect(
      normalizeOpenAIResponsesUsage({
        input_tokens: 2600,
        input_tokens_details: { cached_tokens: 2000, cache_write_tokens: 400 },
        output_tokens: 52,
        output_tokens_details: { reasoning_tokens: 20 },
        total_tokens: 2652,
      }),
    ).toEqual({
      inputTokens: 2600,
      outputTokens: 52,
      cacheReadTokens: 2000,
      cacheWriteTokens: 400,
      reasoningTokens: 20,
    });
  });

  it('reads usage with null details', () => {
    expect(
      normalizeOpenAIResponsesUsage({
        input_tokens: 7,
        output_tokens: 3,
        input_tokens_details: null,
        output_tokens_details: { reasoning_tokens: null },
      }),
    ).toEqual({
      inputTokens: 7,
      outputTokens: 3,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    });
  });
});

describe('normalizeAnthropicUsage', () => {
  it('adds cache reads and writes into inputTokens', () => {
    expect(
      normalizeAnthropicUsage({
        input_tokens: 21,
        cache_creation_input_tokens: 188,
        cache_read_input_tokens: 2048,
        output_tokens: 393,
      }),
    ).toEqual({
      inputTokens: 21 + 188 + 2048,
      outputTokens: 393,
      cacheReadTokens: 2048,
      cacheWriteTokens: 188,
      reasoningTokens: 0,
    });
  });

  it('reads the current Message usage: TTL breakdown, thinking tokens, server tools, tier', () => {
    expect(
      normalizeAnthropicUsage({
        input_tokens: 6,
        cache_creation_input_tokens: 1200,
        cache_read_input_tokens: 41_203,
        cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 1000 },
        output_tokens: 2820,
        output_tokens_details: { thinking_tokens: 1240 },
        server_tool_use: { web_search_requests: 2, web_fetch_requests: 0 },
        service_tier: 'standard',
      }),
    ).toEqual({
      inputTokens: 6 + 1200 + 41_203,
      outputTokens: 2820,
      cacheReadTokens: 41_203,
      cacheWriteTokens: 1200,
      reasoningTokens: 1240,
    });
  });

  it('takes cache writes from the TTL breakdown when the total is absent', () => {
    expect(
      normalizeAnthropicUsage({
        input_tokens: 5,
        output_tokens: 1,
        cache_creation: { ephemeral_5m_input_tokens: 30, ephemeral_1h_input_tokens: 70 },
      }),
    ).toMatchObject({ inputTokens: 105, cacheWriteTokens: 100 });
  });

  it('is never read as OpenAI usage because of output_tokens_details', () => {
    // The shape that was once taken for Responses usage: 12 input tokens instead of 4,812.
    expect(
      normalizeAnthropicUsage({
        input_tokens: 12,
        cache_creation_input_tokens: 800,
        cache_read_input_tokens: 4000,
        output_tokens: 90,
        output_tokens_details: { thinking_tokens: 40 },
      }),
    ).toEqual({
      inputTokens: 4812,
      outputTokens: 90,
      cacheReadTokens: 4000,
      cacheWriteTokens: 800,
      reasoningTokens: 40,
    });
  });

  it('treats null cache and detail fields as zero', () => {
    expect(
      normalizeAnthropicUsage({
        input_tokens: 5,
        output_tokens: 1,
        cache_creation_input_tokens: null,
        cache_read_input_tokens: null,
        cache_creation: null,
        output_tokens_details: null,
      }),
    ).toEqual({
      inputTokens: 5,
      outputTokens: 1,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    });
  });
});

describe('malformed usage', () => {
  const cases: [string, (raw: unknown) => unknown, unknown, RegExp][] = [
    ['Anthropic', (raw) => normalizeAnthropicUsage(raw as AnthropicUsage), null, /got null/],
    [
      'OpenAI Chat Completions',
      (raw) => normalizeOpenAIChatUsage(raw as OpenAIChatUsage),
      '12',
      /got string/,
    ],
    [
      'Anthropic',
      (raw) => normalizeAnthropicUsage(raw as AnthropicUsage),
      {},
      /"input_tokens" must be a non-negative integer, got undefined/,
    ],
    [
      'OpenAI Chat Completions',
      (raw) => normalizeOpenAIChatUsage(raw as OpenAIChatUsage),
      { prompt_tokens: -1, completion_tokens: 2 },
      /"prompt_tokens" must be a non-negative integer, got -1/,
    ],
    [
      'OpenAI Chat Completions',
      (raw) => normalizeOpenAIChatUsage(raw as OpenAIChatUsage),
      { prompt_tokens: 1, completion_tokens: 2.5 },
      /"completion_tokens" .* got 2.5/,
    ],
    [
      'Anthropic',
      (raw) => normalizeAnthropicUsage(raw as AnthropicUsage),
      { input_tokens: 1, output_tokens: 1, cache_read_input_tokens: '7' },
      /"cache_read_input_tokens" .* got "7"/,
    ],
    [
      'OpenAI Chat Completions',
      (raw) => normalizeOpenAIChatUsage(raw as OpenAIChatUsage),
      {
        prompt_tokens: 1,
        completion_tokens: 1,
        prompt_tokens_details: { cached_tokens: Number.NaN },
      },
      /"cached_tokens" .* got null/,
    ],
    [
      'OpenAI Responses',
      (raw) => normalizeOpenAIResponsesUsage(raw as OpenAIResponsesUsage),
      // Chat usage handed to the Responses reader is refused, not reinterpreted.
      { prompt_tokens: 1, completion_tokens: 1 },
      /"input_tokens" must be a non-negative integer, got undefined/,
    ],
    [
      'Anthropic',
      (raw) => normalizeAnthropicUsage(raw as AnthropicUsage),
      { input_tokens: 1, output_tokens: 1, output_tokens_details: { thinking_tokens: -3 } },
      /"thinking_tokens" .* got -3/,
    ],
  ];

  it.each(cases)('%s: rejects %#', (api, normalize, raw, message) => {
    const attempt = () => normalize(raw);
    expect(attempt).toThrow(InvalidArgumentError);
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(`Unrecognised ${api} usage object`);
    expect(attempt).toThrow(/Pass the `usage` field of the response as returned/);
  });
});
