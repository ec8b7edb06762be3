/**
 * The error for a model the catalogue does not know.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.ModelNotFoundError';
const symbol = Symbol.for(marker);

/**
 * A model id is not in the @keel/tokens catalogue (nor registered with `defineModel`).
 *
 * @example
 * ```ts
 * try { getModel('my-finetune') } catch (error) {
 *   if (ModelNotFoundError.isInstance(error)) console.warn(`no data for ${error.model}`);
 * }
 * ```
 */
export class ModelNotFoundError extends KeelError {
  protected readonly [symbol] = true;

  /** The id that was looked up. */
  readonly model: string;

  constructor({ model, cause }: { model: string; cause?: unknown }) {
    super({
      name: 'ModelNotFoundError',
      message:
        `Model ${JSON.stringify(model)} is not in the @keel/tokens catalogue; ` +
        `register it with defineModel({ id: ${JSON.stringify(model)}, provider, contextWindow, maxOutputTokens, tokenizer, prices: { input, output } }) ` +
        'or pass prices: estimateCost(usage, model, { prices: { input, output } }) (USD per million tokens)',
      cause,
    });
    this.model = model;
  }

  /** True for a {@link ModelNotFoundError} from any copy of Keel. */
  static override isInstance(error: unknown): error is ModelNotFoundError {
    return KeelError.hasMarker(error, marker);
  }
}
