/**
 * Prompt tokens of a whole chat request: messages, per-message overheads and tools.
 */
import { InvalidArgumentError, type ToolDefinition, throwIfAborted } from '@keel/core';
import { type AnthropicCountTokensParams, toAnthropicParams } from './anthropic-request';
import {
  ANTHROPIC_ESTIMATE_ERROR,
  assertMessages,
  type ChatMessage,
  createMessageCounter,
} from './message-counter';

/**
 * Anything with Anthropic's `messages.countTokens` method, such as an `Anthropic` client from
 * `@anthropic-ai/sdk` (which @keel/tokens does not depend on).
 */
export interface AnthropicTokenCountingClient {
  messages: {
    countTokens(
      params: AnthropicCountTokensParams,
      options?: { signal?: AbortSignal },
    ): PromiseLike<{ input_tokens: number }>;
  };
}

/** Options of {@link countMessageTokens}. */
export interface CountMessageTokensOptions {
  model: string;
  tools?: readonly ToolDefinition[];
  /** For Anthropic models: count exactly through Anthropic's count_tokens endpoint. */
  client?: AnthropicTokenCountingClient;
  signal?: AbortSignal;
}

/**
 * A prompt's size. `exact` is true when the count is what the provider will bill;
 * `upperBound` is what to budget for when it is an estimate (equal to `tokens` when exact).
 */
export interface TokenCount {
  tokens: number;
  exact: boolean;
  upperBound: number;
}

/**
 * Counts the prompt tokens of a chat request.
 *
 * - OpenAI models: exact for text messages, using the cookbook's overheads (3 per message,
 *   1 per name, 3 to prime the reply); tool definitions, images, tool calls and tool results
 *   are estimated (`exact: false`).
 * - Anthropic models with `client`: exact, from Anthropic's count_tokens endpoint.
 * - Anthropic models without `client`: an estimate within ±30 % (see README), `exact: false`.
 *
 * @throws ModelNotFoundError for a model not in the catalogue.
 * @throws InvalidArgumentError for malformed messages or a model that cannot be counted.
 * @example
 * ```ts
 * const { tokens } = await countMessageTokens(
 *   [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi!' }],
 *   { model: 'gpt-4o' },
 * );
 * const exact = await countMessageTokens(messages, { model: 'claude-sonnet-4-5', client: new Anthropic() });
 * ```
 */
export async function countMessageTokens(
  messages: readonly ChatMessage[],
  { model, tools, client, signal }: CountMessageTokensOptions,
): Promise<TokenCount> {
  assertMessages(messages);
  throwIfAborted(signal);
  const counter = await createMessageCounter(model);
  if (client !== undefined && counter.model.provider === 'anthropic') {
    const params = toAnthropicParams(counter.model.id, messages, tools);
    const result = await client.messages.countTokens(params, signal ? { signal } : undefined);
    const tokens = result?.input_tokens;
    if (typeof tokens !== 'number' || !Number.isInteger(tokens) || tokens < 0) {
      throw new InvalidArgumentError({
        argument: 'client',
        message: `client.messages.countTokens() returned ${JSON.stringify(result)}, not { input_tokens }; pass an Anthropic client`,
      });
    }
    return { tokens, exact: true, upperBound: tokens };
  }
  let tokens = counter.fixed(tools);
  let exact = counter.exactText && (tools === undefined || tools.length === 0);
  for (const message of messages) {
    const counted = counter.message(message);
    tokens += counted.tokens;
    exact &&= counted.exact;
  }
  const upperBound = counter.exactText
    ? tokens
    : Math.ceil(tokens * (1 + ANTHROPIC_ESTIMATE_ERROR));
  return { tokens, exact, upperBound };
}
