/**
 * Cost of a call's usage, when the model's price is known.
 */
import type { Usage } from '@keel/core';
import {
  type CostBreakdown,
  estimateCost,
  ModelNotFoundError,
  type ModelPrices,
  PriceUnavailableError,
} from '@keel/tokens';

/**
 * What the batch APIs take off every rate (input, cache reads and writes, output): both OpenAI's
 * Batch API and Anthropic's Message Batches bill at half the standard price.
 */
export const BATCH_DISCOUNTS = { openai: 0.5, anthropic: 0.5 } as const;

/** How a model's calls are priced. */
export interface Pricing {
  /** Prices to use instead of the catalogue's (USD per million tokens). */
  prices?: ModelPrices;
  /** Which Anthropic cache-write rate applies. */
  cacheWriteTtl?: '5m' | '1h';
  /** The fraction taken off every part, such as a batch API's (see {@link BATCH_DISCOUNTS}). */
  discount?: number;
}

/**
 * The cost of `usage` on `modelId`, or `undefined` when the model is not in the catalogue and no
 * prices were given (an OpenAI-compatible server's local model, say).
 */
export function costOf(
  usage: Usage,
  modelId: string,
  pricing: Pricing = {},
): CostBreakdown | undefined {
  try {
    return estimateCost(usage, modelId, pricing);
  } catch (error) {
    if (ModelNotFoundError.isInstance(error) || PriceUnavailableError.isInstance(error))
      return undefined;
    throw error;
  }
}
