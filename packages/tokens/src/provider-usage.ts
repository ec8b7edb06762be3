/**
 * Raw provider usage to Keel's normalised {@link Usage}, typed per provider. The accounting
 * itself lives in @keel/core's `normalizeUsage`.
 */
import {
  type AnthropicUsage,
  normalizeUsage,
  type OpenAIChatUsage,
  type OpenAIResponsesUsage,
  type Usage,
} from '@keel/core';

/**
 * The `usage` of an OpenAI Chat Completions or Responses response as {@link Usage}.
 * `prompt_tokens` already includes `cached_tokens`, so `inputTokens` is `prompt_tokens`.
 *
 * @throws InvalidArgumentError when a count is missing, negative or not an integer.
 * @example
 * ```ts
 * const completion = await openai.chat.completions.create({ model: 'gpt-4o', messages });
 * const usage = fromOpenAIUsage(completion.usage);
 * estimateCost(usage, 'gpt-4o').total;
 * ```
 */
export function fromOpenAIUsage(raw: OpenAIChatUsage | OpenAIResponsesUsage): Usage {
  return normalizeUsage(raw);
}

/**
 * The `usage` of an Anthropic Messages response as {@link Usage}. Anthropic's `input_tokens`
 * excludes cache reads and writes, so `inputTokens` is the sum of all three.
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
  return normalizeUsage(raw);
}
