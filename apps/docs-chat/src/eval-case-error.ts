/**
 * The error of an evaluation file `docs-chat eval` cannot use: every bad line at once, each
 * naming the file, the line and what is wrong.
 */
import { KeelError } from '@keel/core';

const marker = 'docs-chat.error.EvalCaseError';
const symbol = Symbol.for(marker);

/** An evaluation file holds lines that are not cases. */
export class EvalCaseError extends KeelError {
  protected readonly [symbol] = true;

  /** One line per problem: `file:line: what is wrong`. */
  readonly problems: string[];

  constructor(problems: string[]) {
    super({
      name: 'EvalCaseError',
      message: `Invalid evaluation cases (fix these lines):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    });
    this.problems = problems;
  }

  static override isInstance(error: unknown): error is EvalCaseError {
    return KeelError.hasMarker(error, marker);
  }
}
