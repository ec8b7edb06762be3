/**
 * The error for a request that cannot fit the model's context window.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.ContextOverflowError';
const symbol = Symbol.for(marker);

/**
 * The request's prompt plus the output it asks room for is larger than the model's context
 * window. Raised before any network call, with the numbers.
 *
 * @example
 * ```ts
 * try { await model.generate(request) } catch (error) {
 *   if (ContextOverflowError.isInstance(error)) history = dropOldest(history, error.overflowTokens);
 * }
 * ```
 */
export class ContextOverflowError extends KeelError {
  protected readonly [symbol] = true;

  readonly model: string;
  /** Prompt tokens: messages, system and tool schemas. */
  readonly inputTokens: number;
  /** Output tokens the request reserves (`maxTokens`). */
  readonly maxOutputTokens: number;
  readonly contextWindow: number;
  /** How many tokens too many. */
  readonly overflowTokens: number;

  constructor({
    model,
    inputTokens,
    maxOutputTokens,
    contextWindow,
  }: { model: string; inputTokens: number; maxOutputTokens: number; contextWindow: number }) {
    const overflowTokens = inputTokens + maxOutputTokens - contextWindow;
    super({
      name: 'ContextOverflowError',
      message:
        `Request does not fit ${model}'s context window of ${contextWindow} tokens: ` +
        `${inputTokens} prompt tokens + ${maxOutputTokens} output tokens is ${overflowTokens} too many; ` +
        'shorten the history (fitMessages from @keel/tokens) or lower maxTokens',
    });
    this.model = model;
    this.inputTokens = inputTokens;
    this.maxOutputTokens = maxOutputTokens;
    this.contextWindow = contextWindow;
    this.overflowTokens = overflowTokens;
  }

  /** True for a {@link ContextOverflowError} from any copy of Keel. */
  static override isInstance(error: unknown): error is ContextOverflowError {
    return KeelError.hasMarker(error, marker);
  }
}
