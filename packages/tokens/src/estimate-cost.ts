/**
 * What a call cost, part by part, computed in integer nano-dollars so that sums over millions
 * of calls are exact.
 */
import { InvalidArgumentError, USAGE_FIELDS, type Usage } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { assertPrices, getModel, type ModelPrices } from './model-catalogue';
import { PriceUnavailableError } from './price-unavailable-error';

/** Amounts in nano-dollars (1e-9 USD): exact integers while below 2^53 (about $9 million). */
export interface NanoUsd {
  input: number;
  cachedInput: number;
  cacheWrite: number;
  output: number;
  total: number;
}

/**
 * The cost of one call (or a sum of calls) in USD, each part at its own rate:
 * `input` (prompt tokens neither read from nor written to the cache), `cachedInput` (cache
 * reads), `cacheWrite`, `output` (reasoning included) and `total`. `nanoUsd` holds the exact
 * integers the dollar figures are derived from; add costs with {@link addCosts}.
 */
export interface CostBreakdown {
  input: number;
  cachedInput: number;
  cacheWrite: number;
  output: number;
  total: number;
  nanoUsd: NanoUsd;
}

/** Options of {@link estimateCost}. */
export interface EstimateCostOptions {
  /** Prices to use instead of the catalogue's, in USD per million tokens. */
  prices?: ModelPrices;
  /** Which Anthropic cache-write rate applies: the 5-minute (default) or the 1-hour cache. */
  cacheWriteTtl?: '5m' | '1h';
  /**
   * The fraction taken off every part, e.g. `0.5` for the batch APIs' half price (each part is
   * rounded to the nano-dollar after the discount). Default 0.
   */
  discount?: number;
}

/** Throws unless `usage` is a well-formed {@link Usage}. */
export function assertUsage(usage: unknown): asserts usage is Usage {
  if (usage === null || typeof usage !== 'object') {
    throw new InvalidArgumentError({
      argument: 'usage',
      message:
        'usage must be a Usage object; build one with normalizeOpenAIChatUsage(), normalizeOpenAIResponsesUsage() or normalizeAnthropicUsage() from @keel/core',
    });
  }
  const record = usage as Record<string, unknown>;
  for (const field of USAGE_FIELDS) {
    assertNumber(`usage.${field}`, record[field], {
      integer: true,
      min: 0,
      hint: 'build usage with normalizeOpenAIChatUsage(), normalizeOpenAIResponsesUsage() or normalizeAnthropicUsage() from @keel/core',
    });
  }
  const { inputTokens, cacheReadTokens, cacheWriteTokens } = usage as Usage;
  if (cacheReadTokens + cacheWriteTokens > inputTokens) {
    throw new InvalidArgumentError({
      argument: 'usage',
      message: `usage.cacheReadTokens + usage.cacheWriteTokens (${cacheReadTokens + cacheWriteTokens}) exceed usage.inputTokens (${inputTokens}); inputTokens must include cached tokens, as normalizeAnthropicUsage() from @keel/core computes`,
    });
  }
}

/** Nano-dollars per token for a price in USD per million tokens. */
export function nanoUsdPerToken(pricePerMillion: number): number {
  return Math.round(pricePerMillion * 1000);
}

/** Dollar figures from exact nano-dollar amounts. */
export function costFromNanoUsd(nanoUsd: NanoUsd): CostBreakdown {
  return {
    input: nanoUsd.input / 1e9,
    cachedInput: nanoUsd.cachedInput / 1e9,
    cacheWrite: nanoUsd.cacheWrite / 1e9,
    output: nanoUsd.output / 1e9,
    total: nanoUsd.total / 1e9,
    nanoUsd,
  };
}

/** The prices of `model`: `override` when given, else the catalogue's. */
export function pricesOf(model: string, override?: ModelPrices): ModelPrices {
  if (override !== undefined) {
    assertPrices(override, 'prices');
    return override;
  }
  const { prices, id } = getModel(model);
  if (prices === null) throw new PriceUnavailableError({ model: id });
  return prices;
}

/**
 * Prices a call's usage with the model's rates.
 *
 * @throws ModelNotFoundError for a model not in the catalogue (pass `prices`).
 * @throws PriceUnavailableError for a model whose price depends on the host (pass `prices`).
 * @throws InvalidArgumentError for NaN, negative or fractional counts.
 * @example
 * ```ts
 * const usage = normalizeAnthropicUsage({ input_tokens: 1_000, cache_read_input_tokens: 50_000, output_tokens: 500 });
 * const cost = estimateCost(usage, 'claude-sonnet-4-5');
 * cost.cachedInput; // 0.015
 * cost.total; // 0.0255
 * ```
 */
export function estimateCost(
  usage: Usage,
  model: string,
  { prices: override, cacheWriteTtl = '5m', discount = 0 }: EstimateCostOptions = {},
): CostBreakdown {
  assertUsage(usage);
  assertNumber('discount', discount, { min: 0, max: 1, hint: 'pass 0.5 for half price' });
  if (cacheWriteTtl !== '5m' && cacheWriteTtl !== '1h') {
    throw new InvalidArgumentError({
      argument: 'cacheWriteTtl',
      message: `cacheWriteTtl must be '5m' or '1h', got ${JSON.stringify(cacheWriteTtl)}`,
    });
  }
  const prices = pricesOf(model, override);
  const writeRate = cacheWriteTtl === '1h' ? prices.cacheWrite1h : prices.cacheWrite5m;
  const uncached = usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens;
  const paid = (nanoUsd: number) => Math.round(nanoUsd * (1 - discount));
  const input = paid(uncached * nanoUsdPerToken(prices.input));
  const cachedInput = paid(
    usage.cacheReadTokens * nanoUsdPerToken(prices.cachedInput ?? prices.input),
  );
  const cacheWrite = paid(usage.cacheWriteTokens * nanoUsdPerToken(writeRate ?? prices.input));
  const output = paid(usage.outputTokens * nanoUsdPerToken(prices.output));
  return costFromNanoUsd({
    input,
    cachedInput,
    cacheWrite,
    output,
    total: input + cachedInput + cacheWrite + output,
  });
}

/**
 * The sum of two costs, exact (it adds the nano-dollar integers).
 *
 * @example
 * ```ts
 * const total = calls.reduce((sum, call) => addCosts(sum, estimateCost(call.usage, call.model)), ZERO_COST);
 * ```
 */
export function addCosts(a: CostBreakdown, b: CostBreakdown): CostBreakdown {
  return costFromNanoUsd({
    input: a.nanoUsd.input + b.nanoUsd.input,
    cachedInput: a.nanoUsd.cachedInput + b.nanoUsd.cachedInput,
    cacheWrite: a.nanoUsd.cacheWrite + b.nanoUsd.cacheWrite,
    output: a.nanoUsd.output + b.nanoUsd.output,
    total: a.nanoUsd.total + b.nanoUsd.total,
  });
}

/**
 * The cost of nothing: the starting point for sums.
 *
 * @example
 * ```ts
 * const total = costs.reduce(addCosts, ZERO_COST);
 * ```
 */
export const ZERO_COST: CostBreakdown = Object.freeze(
  costFromNanoUsd(Object.freeze({ input: 0, cachedInput: 0, cacheWrite: 0, output: 0, total: 0 })),
);
