/**
 * Token usage, normalised across providers so that cost, budgets and logs add up the same way
 * whichever model answered.
 */

/**
 * Tokens one call consumed.
 *
 * - `inputTokens` counts every prompt token, cached ones included
 *   (Anthropic: `input_tokens + cache_creation_input_tokens + cache_read_input_tokens`;
 *   OpenAI: `prompt_tokens` / `input_tokens`).
 * - `cacheReadTokens` and `cacheWriteTokens` are subsets of `inputTokens`.
 * - `reasoningTokens` is a subset of `outputTokens`.
 *
 * Fields a provider does not report are 0.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

/**
 * The fields of {@link Usage}, for code that validates or iterates over usage.
 *
 * @example
 * ```ts
 * const bad = USAGE_FIELDS.filter((field) => !Number.isInteger(usage[field]) || usage[field] < 0);
 * ```
 */
export const USAGE_FIELDS: readonly (keyof Usage)[] = Object.freeze([
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'reasoningTokens',
]);

/**
 * Usage of nothing: the starting point for sums.
 *
 * @example
 * ```ts
 * const total = results.reduce((sum, r) => addUsage(sum, r.usage), EMPTY_USAGE);
 * ```
 */
export const EMPTY_USAGE: Readonly<Usage> = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
});

/**
 * Adds two usages field by field, returning a new object.
 *
 * @example
 * ```ts
 * addUsage(first.usage, second.usage).inputTokens; // first + second
 * ```
 */
export function addUsage(a: Readonly<Usage>, b: Readonly<Usage>): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
  };
}
