import { InvalidArgumentError } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { estimateCost } from './estimate-cost';
import {
  fromAnthropicUsage,
  fromOpenAIChatUsage,
  fromOpenAIResponsesUsage,
} from './provider-usage';

describe('fromOpenAIChatUsage, fromOpenAIResponsesUsage and fromAnthropicUsage', () => {
  it("account for each provider's cache reporting", () => {
    expect(
      fromOpenAIChatUsage({
        prompt_tokens: 100,
        completion_tokens: 5,
        prompt_tokens_details: { cached_tokens: 60 },
      }),
    ).toMatchObject({ inputTokens: 100, cacheReadTokens: 60 });
    expect(
      fromOpenAIResponsesUsage({
        input_tokens: 100,
        output_tokens: 5,
        input_tokens_details: { cached_tokens: 60, cache_write_tokens: 30 },
      }),
    ).toMatchObject({ inputTokens: 100, cacheReadTokens: 60, cacheWriteTokens: 30 });
    expect(
      fromAnthropicUsage({
        input_tokens: 40,
        output_tokens: 5,
        cache_read_input_tokens: 60,
        cache_creation_input_tokens: 10,
      }),
    ).toMatchObject({ inputTokens: 110, cacheReadTokens: 60, cacheWriteTokens: 10 });
  });

  it('price Anthropic usage carrying output_tokens_details with its cache tokens', () => {
    const usage = fromAnthropicUsage({
      input_tokens: 12,
      cache_creation_input_tokens: 800,
      cache_read_input_tokens: 4000,
      output_tokens: 90,
      output_tokens_details: { thinking_tokens: 40 },
    });
    // 12 x $3/M + 800 x $3.75/M + 4,000 x $0.30/M + 90 x $15/M
    expect(estimateCost(usage, 'claude-sonnet-4-5').nanoUsd).toEqual({
      input: 36_000,
      cacheWrite: 3_000_000,
      cachedInput: 1_200_000,
      output: 1_350_000,
      total: 5_586_000,
    });
  });

  it('reject malformed usage with a typed error', () => {
    expect(() => fromAnthropicUsage({ input_tokens: -1, output_tokens: 0 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => fromOpenAIChatUsage({ prompt_tokens: Number.NaN, completion_tokens: 0 })).toThrow(
      /prompt_tokens/,
    );
  });
});
