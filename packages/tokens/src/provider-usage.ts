/**
 * Raw provider usage to Keel's normalised {@link Usage}, one function per provider API. The
 * caller says which API the usage came from; the accounting itself lives in @keel/core's
 * `normalizeOpenAIChatUsage`, `normalizeOpenAIResponsesUsage` and `normalizeAnthropicUsage`.
 */
import {
  type AnthropicUsage,
  normalizeAnthropicUsage,
  normalizeOpenAIChatUsage,
  normalizeOpenAIResponsesUsage,
  type OpenAIChatUsage,
  type OpenAIResponsesUsage,
  type Usage,
} from '@keel/core';

/**
 * The `usage` of an OpenAI Chat Completions response as {@link Usage}. `prompt_tokens` already
 * includes `cached_tokens` and `cache_write_tokens`, so `inputTokens` is `prompt_tokens`.
 *
 * @throws InvalidArgumentError when a count is missing, negative or not an integer.
 * @example
 * ```ts
 * const completion = await openai.chat.completions.create({ model: 'gpt-4o', messages });
 * const usage = fromOpenAIChatUsage(completion.usage);
 * estimateCost(usage, 'gpt-4o').total;
 * ```
 */
export function fromOpenAIChatUsage(raw: OpenAIChatUsage): Usage {
  return normalizeOpenAIChatUsage(raw);
}

/**
 * The `usage` of an OpenAI Responses API response as {@link Usage}. `input_tokens` already
 * includes `cached_tokens` and `cache_write_tokens`, so `inputTokens` is `input_tokens`.
 *
 * @throws InvalidArgumentError when a count is missing, negative or not an integer.
 * @example
 * ```ts
 * const response = await openai.responses.create({ model: 'gpt-5', input: 'Hi' });
 * const usage = fromOpenAIResponsesUsage(response.usage);
 * estimateCost(usage, 'gpt-5').output; // reasoning tokens are billed as output
 * ```
 */
export function fromOpenAIResponsesUsage(raw: OpenAIResponsesUsage): Usage {
  return normalizeOpenAIResponsesUsage(raw);
}

/**
 * The `usage` of an Anthropic Messages response as {@link Usage}. Anthropic's `input_tokens`
 * excludes cache reads and writes, so `inputTokens` is the sum of all three;
 * `output_tokens_details.thinking_tokens` is `reasoningTokens`.
 *
 * @throws InvalidArgumentError when a count is missing, negative or not an integer.
 * @example
 * ```ts
 * const message = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages });
 * const usage = fromAnthropicUsage(message.usage);
 * estimateCost(usage, 'claude-sonnet-4-5').cacheWrite;
 * ```
 */
export function fromAnthropicUsage(raw: AnthropicUsage): Usage {
  return normalizeAnthropicUsage(raw);
}
