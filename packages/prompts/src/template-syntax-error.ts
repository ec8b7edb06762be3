/**
 * The error for a template that cannot be parsed, raised when the prompt is defined.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.TemplateSyntaxError';
const symbol = Symbol.for(marker);

/**
 * A template is malformed: an unclosed or mismatched section, an unknown tag, or a variable the
 * input schema does not declare. `line` and `column` (1-based) point at the offending tag.
 *
 * @example
 * ```ts
 * try { parseTemplate('{{#if x}}open') } catch (error) {
 *   if (TemplateSyntaxError.isInstance(error)) console.error(`${error.line}:${error.column}`);
 * }
 * ```
 */
export class TemplateSyntaxError extends KeelError {
  protected readonly [symbol] = true;

  readonly line: number;
  readonly column: number;

  constructor({ problem, line, column }: { problem: string; line: number; column: number }) {
    super({
      name: 'TemplateSyntaxError',
      message: `Template error at line ${line}, column ${column}: ${problem}`,
    });
    this.line = line;
    this.column = column;
  }

  /** True for a {@link TemplateSyntaxError} from any copy of Keel. */
  static override isInstance(error: unknown): error is TemplateSyntaxError {
    return KeelError.hasMarker(error, marker);
  }
}
