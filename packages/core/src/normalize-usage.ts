/**
 * Raw provider usage objects to {@link Usage}: one entry point per provider API, chosen by the
 * caller, which knows where the usage came from. The shape is never guessed from the keys
 * present: Anthropic and OpenAI Responses share `input_tokens`, `output_tokens` and
 * `output_tokens_details` but count cached prompt tokens differently (Anthropic beside
 * `input_tokens`, OpenAI inside it).
 */
import { InvalidArgumentError } from './invalid-argument-error';
import type { Usage } from './usage';

/**
 * `usage` of an OpenAI Chat Completions response or of its final `include_usage` chunk. Every
 * detail is a subset of its total: `cached_tokens` and `cache_write_tokens` (billed at a cache
 * write rate from GPT-5.6 on) of `prompt_tokens`; `reasoning_tokens`, `accepted_prediction_tokens`
 * and `rejected_prediction_tokens` (billed as output) of `completion_tokens`. Audio tokens are
 * counted in the totals; their own rates are not modelled by {@link Usage}.
 */
export interface OpenAIChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens?: number;
  prompt_tokens_details?: {
    cached_tokens?: number | null;
    cache_write_tokens?: number | null;
    audio_tokens?: number | null;
  } | null;
  completion_tokens_details?: {
    reasoning_tokens?: number | null;
    accepted_prediction_tokens?: number | null;
    rejected_prediction_tokens?: number | null;
    audio_tokens?: number | null;
  } | null;
}

/**
 * `usage` of an OpenAI Responses API response (`response.completed`, `response.incomplete`,
 * `response.failed`). `cached_tokens` and `cache_write_tokens` are subsets of `input_tokens`,
 * `reasoning_tokens` of `output_tokens`.
 */
export interface OpenAIResponsesUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens?: number;
  input_tokens_details?: {
    cached_tokens?: number | null;
    cache_write_tokens?: number | null;
  } | null;
  output_tokens_details?: { reasoning_tokens?: number | null } | null;
}

/**
 * `usage` of an Anthropic Messages response, or the merged usage of its stream (`message_start`
 * then every `message_delta`). `input_tokens` counts only the prompt tokens neither read from nor
 * written to the cache; `cache_creation` splits `cache_creation_input_tokens` by cache lifetime;
 * `output_tokens_details.thinking_tokens` is a subset of `output_tokens`. `server_tool_use`
 * (billed per request), `service_tier`, `speed` and `inference_geo` change the price, not the
 * token counts, and are not part of {@link Usage}.
 */
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation?: {
    ephemeral_5m_input_tokens?: number | null;
    ephemeral_1h_input_tokens?: number | null;
  } | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
  server_tool_use?: {
    web_search_requests?: number | null;
    web_fetch_requests?: number | null;
  } | null;
  service_tier?: string | null;
}

/**
 * The `usage` of an OpenAI Chat Completions response as {@link Usage}: `prompt_tokens` already
 * includes the cached tokens, so it is `inputTokens` as is.
 *
 * @throws InvalidArgumentError when `raw` is not an object or a count is not a non-negative
 *   integer.
 * @example
 * ```ts
 * normalizeOpenAIChatUsage({ prompt_tokens: 2006, completion_tokens: 300,
 *   prompt_tokens_details: { cached_tokens: 1920 } });
 * // { inputTokens: 2006, cacheReadTokens: 1920, cacheWriteTokens: 0, outputTokens: 300, reasoningTokens: 0 }
 * ```
 */
export function normalizeOpenAIChatUsage(raw: OpenAIChatUsage): Usage {
  const { count, optionalCount } = reader(raw, 'OpenAI Chat Completions');
  return openAIUsage({
    input: count(raw, 'prompt_tokens'),
    cached: optionalCount(raw.prompt_tokens_details, 'cached_tokens'),
    cacheWrite: optionalCount(raw.prompt_tokens_details, 'cache_write_tokens'),
    output: count(raw, 'completion_tokens'),
    reasoning: optionalCount(raw.completion_tokens_details, 'reasoning_tokens'),
  });
}

/**
 * The `usage` of an OpenAI Responses API response as {@link Usage}: `input_tokens` already
 * includes the cached tokens, so it is `inputTokens` as is.
 *
 * @throws InvalidArgumentError when `raw` is not an object or a count is not a non-negative
 *   integer.
 * @example
 * ```ts
 * normalizeOpenAIResponsesUsage({ input_tokens: 328, output_tokens: 52,
 *   input_tokens_details: { cached_tokens: 128 }, output_tokens_details: { reasoning_tokens: 20 } });
 * // { inputTokens: 328, cacheReadTokens: 128, cacheWriteTokens: 0, outputTokens: 52, reasoningTokens: 20 }
 * ```
 */
export function normalizeOpenAIResponsesUsage(raw: OpenAIResponsesUsage): Usage {
  const { count, optionalCount } = reader(raw, 'OpenAI Responses');
  return openAIUsage({
    input: count(raw, 'input_tokens'),
    cached: optionalCount(raw.input_tokens_details, 'cached_tokens'),
    cacheWrite: optionalCount(raw.input_tokens_details, 'cache_write_tokens'),
    output: count(raw, 'output_tokens'),
    reasoning: optionalCount(raw.output_tokens_details, 'reasoning_tokens'),
  });
}

/**
 * The `usage` of an Anthropic Messages response as {@link Usage}: Anthropic's `input_tokens`
 * excludes cache reads and writes, so `inputTokens` is the sum of all three. Cache writes are
 * `cache_creation_input_tokens`, or the sum of its `cache_creation` breakdown when only that is
 * given; reasoning is `output_tokens_details.thinking_tokens`.
 *
 * @throws InvalidArgumentError when `raw` is not an object or a count is not a non-negative
 *   integer.
 * @example
 * ```ts
 * normalizeAnthropicUsage({ input_tokens: 20, output_tokens: 5, cache_read_input_tokens: 100 });
 * // { inputTokens: 120, cacheReadTokens: 100, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 0 }
 * ```
 */
export function normalizeAnthropicUsage(raw: AnthropicUsage): Usage {
  const { count, optionalCount } = reader(raw, 'Anthropic');
  const uncached = count(raw, 'input_tokens');
  const outputTokens = count(raw, 'output_tokens');
  const cacheReadTokens = optionalCount(raw, 'cache_read_input_tokens');
  const cacheWriteTokens = isPresent(raw.cache_creation_input_tokens)
    ? count(raw, 'cache_creation_input_tokens')
    : optionalCount(raw.cache_creation, 'ephemeral_5m_input_tokens') +
      optionalCount(raw.cache_creation, 'ephemeral_1h_input_tokens');
  const thinking = optionalCount(raw.output_tokens_details, 'thinking_tokens');
  return {
    inputTokens: uncached + cacheWriteTokens + cacheReadTokens,
    outputTokens,
    cacheReadTokens,
    cacheWriteTokens,
    reasoningTokens: thinking,
  };
}

/**
 * OpenAI's accounting, where every detail is a subset of its total. The cache subsets are capped
 * at what the input leaves (OpenAI calls `cache_write_tokens` "unadjusted"), so the result always
 * satisfies the invariant pricing checks; reasoning, which nothing prices apart, is as reported.
 */
function openAIUsage(counts: {
  input: number;
  cached: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
}): Usage {
  const cacheReadTokens = Math.min(counts.cached, counts.input);
  return {
    inputTokens: counts.input,
    outputTokens: counts.output,
    cacheReadTokens,
    cacheWriteTokens: Math.min(counts.cacheWrite, counts.input - cacheReadTokens),
    reasoningTokens: counts.reasoning,
  };
}

function isPresent(value: unknown): boolean {
  return value !== null && value !== undefined;
}

/**
 * Checks that `raw` is an object and returns the count readers for it; their errors name the API
 * and the field.
 */
function reader(raw: unknown, api: string) {
  const malformed = (detail: string) =>
    new InvalidArgumentError({
      argument: 'raw',
      message: `Unrecognised ${api} usage object: ${detail}. Pass the \`usage\` field of the response as returned, to the function for the API that sent it.`,
    });
  if (raw === null || typeof raw !== 'object') {
    throw malformed(`expected an object, got ${raw === null ? 'null' : typeof raw}`);
  }
  const count = (source: object, field: string): number => {
    const value = (source as Record<string, unknown>)[field];
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
    throw malformed(
      `"${field}" must be a non-negative integer, got ${JSON.stringify(value) ?? 'undefined'}`,
    );
  };
  const optionalCount = (source: object | null | undefined, field: string): number =>
    source === null ||
    source === undefined ||
    !isPresent((source as Record<string, unknown>)[field])
      ? 0
      : count(source, field);
  return { count, optionalCount };
}
