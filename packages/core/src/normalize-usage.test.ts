import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './invalid-argument-error';
import { normalizeUsage, type RawUsage } from './normalize-usage';

describe('normalizeUsage', () => {
  it('reads OpenAI Chat Completions usage; cached and reasoning tokens are subsets', () => {
    expect(
      normalizeUsage({
        prompt_tokens: 2006,
        completion_tokens: 300,
        total_tokens: 2306,
        prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 256, audio_tokens: 0 },
      } as RawUsage),
    ).toEqual({
      inputTokens: 2006,
      outputTokens: 300,
      cacheReadTokens: 1920,
      cacheWriteTokens: 0,
      reasoningTokens: 256,
    });
  });

  it('reads OpenAI Chat Completions usage without details (older or compatible servers)', () => {
    expect(normalizeUsage({ prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 })).toEqual({
      inputTokens: 9,
      outputTokens: 12,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    });
  });

  it('reads OpenAI Responses usage', () => {
    expect(
      normalizeUsage({
        input_tokens: 328,
        input_tokens_details: { cached_tokens: 128 },
        output_tokens: 52,
        output_tokens_details: { reasoning_tokens: 20 },
        total_tokens: 380,
      }),
    ).toEqual({
      inputTokens: 328,
      outputTokens: 52,
      cacheReadTokens: 128,
      cacheWriteTokens: 0,
      reasoningTokens: 20,
    });
  });

  it('adds Anthropic cache reads and writes into inputTokens', () => {
    expect(
      normalizeUsage({
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

  it('treats null cache fields as zero', () => {
    expect(
      normalizeUsage({
        input_tokens: 5,
        output_tokens: 1,
        cache_creation_input_tokens: null,
        cache_read_input_tokens: null,
      }),
    ).toMatchObject({ inputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 });
  });

  it.each([
    [null, /expected an object, got null/],
    ['12', /expected an object, got string/],
    [{}, /"input_tokens" must be a non-negative integer, got undefined/],
    [
      { prompt_tokens: -1, completion_tokens: 2 },
      /"prompt_tokens" must be a non-negative integer, got -1/,
    ],
    [{ prompt_tokens: 1, completion_tokens: 2.5 }, /"completion_tokens" .* got 2.5/],
    [
      { input_tokens: 1, output_tokens: 1, cache_read_input_tokens: '7' },
      /"cache_read_input_tokens" .* got "7"/,
    ],
    [
      {
        prompt_tokens: 1,
        completion_tokens: 1,
        prompt_tokens_details: { cached_tokens: Number.NaN },
      },
      /"cached_tokens" .* got null/,
    ],
  ])('rejects malformed usage %j with a typed error', (raw, message) => {
    const attempt = () => normalizeUsage(raw as RawUsage);
    expect(attempt).toThrow(InvalidArgumentError);
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(/Pass the `usage` field of an OpenAI or Anthropic response/);
  });
});
