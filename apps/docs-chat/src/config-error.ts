/**
 * The error of a bad environment: every problem at once, each naming the variable and what it
 * accepts, so one start tells the operator everything to fix.
 */
import { KeelError } from '@keel/core';

const marker = 'docs-chat.error.ConfigError';
const symbol = Symbol.for(marker);

/** The environment does not describe a runnable app. */
export class ConfigError extends KeelError {
  protected readonly [symbol] = true;

  /** One line per problem: `VARIABLE: what is wrong and what is accepted`. */
  readonly problems: string[];

  constructor(problems: string[]) {
    super({
      name: 'ConfigError',
      message: `Invalid configuration (see .env.example):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    });
    this.problems = problems;
  }

  static override isInstance(error: unknown): error is ConfigError {
    return KeelError.hasMarker(error, marker);
  }
}
