/**
 * The error for structured output that stayed invalid through every repair attempt.
 */
import { KeelError, type Usage } from '@keel/core';

const marker = 'keel.error.ObjectValidationError';
const symbol = Symbol.for(marker);

/**
 * The model's answer did not parse as JSON or did not match the schema, after every repair
 * attempt. Carries the last answer, the problems found in it, and what all attempts cost.
 *
 * @example
 * ```ts
 * try { await generateObject(model, { schema, messages }) } catch (error) {
 *   if (ObjectValidationError.isInstance(error)) log.warn(error.issues, error.costUsd);
 * }
 * ```
 */
export class ObjectValidationError extends KeelError {
  protected readonly [symbol] = true;

  /** Calls made, the first included. */
  readonly attempts: number;
  /** The last answer's problems, one line each (`path: message`). */
  readonly issues: string[];
  /** The last answer, as text. */
  readonly text: string;
  /** Tokens of every attempt together. */
  readonly usage: Usage;
  /** Cost of every attempt together, when the model's price is known. */
  readonly costUsd: number | undefined;

  constructor({
    attempts,
    issues,
    text,
    usage,
    costUsd,
  }: { attempts: number; issues: string[]; text: string; usage: Usage; costUsd?: number }) {
    super({
      name: 'ObjectValidationError',
      message:
        `The model's answer did not match the schema after ${attempts} attempt${attempts === 1 ? '' : 's'}: ` +
        `${issues.slice(0, 5).join('; ')}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}; ` +
        'simplify the schema, describe its fields, or allow more repairs',
    });
    this.attempts = attempts;
    this.issues = issues;
    this.text = text;
    this.usage = usage;
    this.costUsd = costUsd;
  }

  /** True for an {@link ObjectValidationError} from any copy of Keel. */
  static override isInstance(error: unknown): error is ObjectValidationError {
    return KeelError.hasMarker(error, marker);
  }
}
