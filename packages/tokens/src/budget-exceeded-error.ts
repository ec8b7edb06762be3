/**
 * The error for a call that would take a budget past its limit.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.BudgetExceededError';
const symbol = Symbol.for(marker);

/**
 * A reservation was refused because the call's worst case would exceed the budget's token
 * or cost limit. Nothing was reserved; the numbers say by how much it would have gone over.
 *
 * @example
 * ```ts
 * try { budget.reserve({ model: 'gpt-4o', inputTokens }) } catch (error) {
 *   if (BudgetExceededError.isInstance(error)) return `Daily limit reached (${error.used} of ${error.limit} ${error.unit})`;
 *   throw error;
 * }
 * ```
 */
export class BudgetExceededError extends KeelError {
  protected readonly [symbol] = true;

  /** The budget's scope, e.g. `'user:42'`. */
  readonly scope: string;
  /** Which limit would be passed: `'tokens'` or `'usd'`. */
  readonly unit: 'tokens' | 'usd';
  /** The limit. */
  readonly limit: number;
  /** Spent plus reserved by calls in flight, before this request. */
  readonly used: number;
  /** The worst case of the refused call. */
  readonly requested: number;

  constructor({
    scope,
    unit,
    limit,
    used,
    requested,
  }: { scope: string; unit: 'tokens' | 'usd'; limit: number; used: number; requested: number }) {
    super({
      name: 'BudgetExceededError',
      message:
        `Budget "${scope}" would exceed its limit of ${limit} ${unit}: ${used} already used or reserved, ` +
        `this call may use up to ${requested}; lower maxOutputTokens, shorten the prompt or raise the limit`,
    });
    this.scope = scope;
    this.unit = unit;
    this.limit = limit;
    this.used = used;
    this.requested = requested;
  }

  /** True for a {@link BudgetExceededError} from any copy of Keel. */
  static override isInstance(error: unknown): error is BudgetExceededError {
    return KeelError.hasMarker(error, marker);
  }
}
