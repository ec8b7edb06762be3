/**
 * The error for a model whose price the catalogue does not know.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.PriceUnavailableError';
const symbol = Symbol.for(marker);

/**
 * The model is in the catalogue but its price is not: open-weight models cost whatever their
 * host charges, and @keel/tokens does not guess.
 *
 * @example
 * ```ts
 * try { estimateCost(usage, 'llama-3.3-70b-instruct') } catch (error) {
 *   if (PriceUnavailableError.isInstance(error)) return estimateCost(usage, error.model, { prices: myHostPrices });
 * }
 * ```
 */
export class PriceUnavailableError extends KeelError {
  protected readonly [symbol] = true;

  /** The model whose price is unknown. */
  readonly model: string;

  constructor({ model, cause }: { model: string; cause?: unknown }) {
    super({
      name: 'PriceUnavailableError',
      message:
        `The price of ${JSON.stringify(model)} depends on who serves it and is not in the catalogue; ` +
        "pass your host's prices: estimateCost(usage, model, { prices: { input, output } }) (USD per million tokens), " +
        'or record them once with defineModel()',
      cause,
    });
    this.model = model;
  }

  /** True for a {@link PriceUnavailableError} from any copy of Keel. */
  static override isInstance(error: unknown): error is PriceUnavailableError {
    return KeelError.hasMarker(error, marker);
  }
}
