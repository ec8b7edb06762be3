/**
 * Raw provider usage objects to {@link Usage}. The one place that knows each provider's
 * accounting: Anthropic reports cached prompt tokens beside `input_tokens`, OpenAI inside it.
 */
import { InvalidArgumentError } from './invalid-argument-error';
import type { Usage } from './usage';

/** `usage` of an OpenAI Chat Completions response or its final `include_usage` chunk. */
export interface OpenAIChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
}

/** `usage` of an OpenAI Responses API response. */
export interface OpenAIResponsesUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens?: number;
  input_tokens_details?: { cached_tokens?: number | null } | null;
  output_tokens_details?: { reasoning_tokens?: number | null } | null;
}

/** `usage` of an Anthropic Messages response (or the merged usage of its stream). */
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** Any raw usage object {@link normalizeUsage} understands. */
export type RawUsage = OpenAIChatUsage | OpenAIResponsesUsage | AnthropicUsage;

/**
 * Converts a raw `usage` object from OpenAI (Chat Completions or Responses) or Anthropic to
 * {@link Usage}. The shape is recognised from its fields.
 *
 * @throws InvalidArgumentError when `raw` is not one of those shapes or a count is not a
 *   non-negative integer.
 * @example
 * ```ts
 * normalizeUsage({ input_tokens: 20, output_tokens: 5, cache_read_input_tokens: 100 });
 * // { inputTokens: 120, cacheReadTokens: 100, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 0 }
 * ```
 */
export function normalizeUsage(raw: RawUsage): Usage {
  if (raw === null || typeof raw !== 'object') {
    throw malformed(`expected an object, got ${raw === null ? 'null' : typeof raw}`);
  }
  if ('prompt_tokens' in raw) {
    return {
      inputTokens: count(raw, 'prompt_tokens'),
      outputTokens: count(raw, 'completion_tokens'),
      cacheReadTokens: optionalCount(raw.prompt_tokens_details, 'cached_tokens'),
      cacheWriteTokens: 0,
      reasoningTokens: optionalCount(raw.completion_tokens_details, 'reasoning_tokens'),
    };
  }
  if ('input_tokens_details' in raw || 'output_tokens_details' in raw) {
    const responses = raw as OpenAIResponsesUsage;
    return {
      inputTokens: count(responses, 'input_tokens'),
      outputTokens: count(responses, 'output_tokens'),
      cacheReadTokens: optionalCount(responses.input_tokens_details, 'cached_tokens'),
      cacheWriteTokens: 0,
      reasoningTokens: optionalCount(responses.output_tokens_details, 'reasoning_tokens'),
    };
  }
  const anthropic = raw as AnthropicUsage;
  const cacheWriteTokens = optionalCount(anthropic, 'cache_creation_input_tokens');
  const cacheReadTokens = optionalCount(anthropic, 'cache_read_input_tokens');
  return {
    inputTokens: count(anthropic, 'input_tokens') + cacheWriteTokens + cacheReadTokens,
    outputTokens: count(anthropic, 'output_tokens'),
    cacheReadTokens,
    cacheWriteTokens,
    reasoningTokens: 0,
  };
}

function count(source: object, field: string): number {
  const value = (source as Record<string, unknown>)[field];
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw malformed(
    `"${field}" must be a non-negative integer, got ${JSON.stringify(value) ?? 'undefined'}`,
  );
}

function optionalCount(source: object | null | undefined, field: string): number {
  if (source === null || source === undefined) return 0;
  const value = (source as Record<string, unknown>)[field];
  return value === null || value === undefined ? 0 : count(source, field);
}

function malformed(detail: string): InvalidArgumentError {
  return new InvalidArgumentError({
    argument: 'raw',
    message: `Unrecognised usage object: ${detail}. Pass the \`usage\` field of an OpenAI or Anthropic response as returned.`,
  });
}
