/**
 * The error for a prompt whose input or rendered messages exceed its token budget.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.PromptTooLargeError';
const symbol = Symbol.for(marker);

/**
 * A render was refused because it would pass the prompt's `maxTokens`. When an input value alone
 * is too large, it is refused before rendering, after counting little more than `limit` tokens
 * of it, and `tokens` is a lower bound (`limit + 1`).
 *
 * @example
 * ```ts
 * try { await prompt.render({ page }) } catch (error) {
 *   if (PromptTooLargeError.isInstance(error)) return truncateAndRetry(error.limit);
 *   throw error;
 * }
 * ```
 */
export class PromptTooLargeError extends KeelError {
  protected readonly [symbol] = true;

  /** `id@version` of the prompt. */
  readonly prompt: string;
  readonly limit: number;
  /**
   * Tokens counted, each fence with its longest code (see `LONGEST_FENCE_CODE`); for an input
   * refused before rendering, the lower bound `limit + 1`.
   */
  readonly tokens: number;
  /** The input value that alone or with the values before it passed the limit, if any. */
  readonly path?: string;

  constructor({
    prompt,
    limit,
    tokens,
    path,
  }: { prompt: string; limit: number; tokens: number; path?: string }) {
    super({
      name: 'PromptTooLargeError',
      message:
        path === undefined
          ? `Prompt ${prompt} renders to ${tokens} tokens, over its budget of ${limit}; shorten the input or raise maxTokens`
          : `Prompt ${prompt} input passes its budget of ${limit} tokens at "${path}" (refused before rendering); truncate that value or raise maxTokens`,
    });
    this.prompt = prompt;
    this.limit = limit;
    this.tokens = tokens;
    if (path !== undefined) this.path = path;
  }

  /** True for a {@link PromptTooLargeError} from any copy of Keel. */
  static override isInstance(error: unknown): error is PromptTooLargeError {
    return KeelError.hasMarker(error, marker);
  }
}
