import {
  EMPTY_USAGE,
  normalizeAnthropicUsage,
  normalizeOpenAIChatUsage,
  type Usage,
} from '@keel/core';
import { describe, expect, it } from 'vitest';
import { addCosts, estimateCost, ZERO_COST } from './estimate-cost';
import { ModelNotFoundError } from './model-not-found-error';
import { PriceUnavailableError } from './price-unavailable-error';

describe('estimateCost', () => {
  it('prices each part of an OpenAI call at its own rate', () => {
    const usage = normalizeOpenAIChatUsage({
      prompt_tokens: 10_000,
      completion_tokens: 2_000,
      prompt_tokens_details: { cached_tokens: 8_000 },
    });
    const cost = estimateCost(usage, 'gpt-4o');
    expect(cost.input).toBe(0.005); // 2,000 uncached x $2.50/M
    expect(cost.cachedInput).toBe(0.01); // 8,000 x $1.25/M
    expect(cost.cacheWrite).toBe(0);
    expect(cost.output).toBe(0.02); // 2,000 x $10/M
    expect(cost.total).toBe(0.035);
    expect(cost.nanoUsd.total).toBe(35_000_000);
  });

  it('prices Anthropic cache writes at the 5-minute or the 1-hour rate', () => {
    const usage = normalizeAnthropicUsage({
      input_tokens: 1_000,
      cache_creation_input_tokens: 10_000,
      cache_read_input_tokens: 50_000,
      output_tokens: 500,
    });
    const fiveMinutes = estimateCost(usage, 'claude-sonnet-4-5');
    expect(fiveMinutes).toMatchObject({
      input: 0.003,
      cacheWrite: 0.0375,
      cachedInput: 0.015,
      output: 0.0075,
      total: 0.063,
    });
    expect(estimateCost(usage, 'claude-sonnet-4-5', { cacheWriteTtl: '1h' }).cacheWrite).toBe(0.06);
  });

  it('prices Anthropic usage carrying output_tokens_details with its cache tokens', () => {
    const usage = normalizeAnthropicUsage({
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

  it('takes a discount off every part, rounded to the nano-dollar', () => {
    const usage = normalizeOpenAIChatUsage({
      prompt_tokens: 1_001,
      completion_tokens: 3,
      prompt_tokens_details: { cached_tokens: 1 },
    });
    const full = estimateCost(usage, 'gpt-4o-mini');
    const half = estimateCost(usage, 'gpt-4o-mini', { discount: 0.5 });
    expect(half.nanoUsd.input).toBe(full.nanoUsd.input / 2);
    expect(half.nanoUsd.output).toBe(full.nanoUsd.output / 2);
    // 75 nano-dollars for the cached token at $0.075 per million: half is 37.5, rounded.
    expect(full.nanoUsd.cachedInput).toBe(75);
    expect(half.nanoUsd.cachedInput).toBe(38);
    expect(half.nanoUsd.total).toBe(
      half.nanoUsd.input + half.nanoUsd.cachedInput + half.nanoUsd.output,
    );
    expect(() => estimateCost(usage, 'gpt-4o-mini', { discount: 1.5 })).toThrow(/discount/);
  });

  it('bills cached tokens at the input rate for models without a cache price', () => {
    const usage: Usage = { ...EMPTY_USAGE, inputTokens: 1_000, cacheReadTokens: 1_000 };
    expect(estimateCost(usage, 'gpt-4').cachedInput).toBe(0.03);
  });

  it('sums a million calls without drift', () => {
    const usage = normalizeOpenAIChatUsage({
      prompt_tokens: 1_234,
      completion_tokens: 321,
      prompt_tokens_details: { cached_tokens: 1_000 },
    });
    const one = estimateCost(usage, 'gpt-4o-mini');
    let total = ZERO_COST;
    let naive = 0;
    for (let i = 0; i < 1_000_000; i++) {
      total = addCosts(total, one);
      naive += one.total;
    }
    // 234 x 150 + 1,000 x 75 + 321 x 600 nano-dollars per call
    expect(one.nanoUsd.total).toBe(302_700);
    expect(total.nanoUsd.total).toBe(302_700_000_000);
    expect(total.total).toBe(302.7);
    expect(naive).not.toBe(302.7); // what summing floats would have given
  });

  it('uses prices passed in, for models outside the catalogue', () => {
    const usage: Usage = { ...EMPTY_USAGE, inputTokens: 1_000_000, outputTokens: 1_000_000 };
    expect(estimateCost(usage, 'my-finetune', { prices: { input: 0.3, output: 1.2 } }).total).toBe(
      1.5,
    );
  });

  it('throws typed errors for unknown models and unknown prices', () => {
    expect(() => estimateCost(EMPTY_USAGE, 'gpt-9')).toThrow(ModelNotFoundError);
    expect(() => estimateCost(EMPTY_USAGE, 'llama-3.3-70b-instruct')).toThrow(
      PriceUnavailableError,
    );
    expect(() => estimateCost(EMPTY_USAGE, 'llama-3.3-70b-instruct')).toThrow(
      /pass your host's prices/,
    );
  });

  it('rejects NaN, negative and inconsistent usage', () => {
    expect(() => estimateCost({ ...EMPTY_USAGE, inputTokens: Number.NaN }, 'gpt-4o')).toThrow(
      /usage.inputTokens must be a whole number >= 0, got NaN/,
    );
    expect(() => estimateCost({ ...EMPTY_USAGE, outputTokens: -5 }, 'gpt-4o')).toThrow(
      /usage.outputTokens/,
    );
    expect(() =>
      estimateCost({ ...EMPTY_USAGE, inputTokens: 10, cacheReadTokens: 20 }, 'gpt-4o'),
    ).toThrow(/exceed usage.inputTokens/);
    expect(() => estimateCost(null as unknown as Usage, 'gpt-4o')).toThrow(
      /usage must be a Usage object/,
    );
    expect(() => estimateCost(EMPTY_USAGE, 'gpt-4o', { cacheWriteTtl: '2h' as '1h' })).toThrow(
      /cacheWriteTtl/,
    );
    expect(() => estimateCost(EMPTY_USAGE, 'x', { prices: { input: -1, output: 1 } })).toThrow(
      /prices.input/,
    );
  });
});
