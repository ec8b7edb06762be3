/**
 * The error for prompt input that does not match the prompt's zod schema.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.PromptInputError';
const symbol = Symbol.for(marker);

/** One problem with an input or output value: where (`'user.name'`, `''` for the root) and what. */
export interface ValueIssue {
  path: string;
  message: string;
}

/**
 * `render` was given input that its schema refuses: missing, extra or mistyped variables. Every
 * problem is listed, in the message and in `issues`, so one run shows all that needs fixing.
 *
 * @example
 * ```ts
 * try { await prompt.render(input) } catch (error) {
 *   if (PromptInputError.isInstance(error)) return { status: 400, problems: error.issues };
 *   throw error;
 * }
 * ```
 */
export class PromptInputError extends KeelError {
  protected readonly [symbol] = true;

  /** `id@version` of the prompt. */
  readonly prompt: string;
  readonly issues: readonly ValueIssue[];

  constructor({
    prompt,
    issues,
    cause,
  }: { prompt: string; issues: ValueIssue[]; cause?: unknown }) {
    super({
      name: 'PromptInputError',
      message: `Input of prompt ${prompt} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}); fix the input or the schema:\n${formatIssues(issues)}`,
      cause,
    });
    this.prompt = prompt;
    this.issues = issues;
  }

  /** True for a {@link PromptInputError} from any copy of Keel. */
  static override isInstance(error: unknown): error is PromptInputError {
    return KeelError.hasMarker(error, marker);
  }
}

/** One line per issue: `- path: message`. */
export function formatIssues(issues: readonly ValueIssue[]): string {
  return issues
    .map(({ path, message }) => `- ${path === '' ? '(root)' : path}: ${message}`)
    .join('\n');
}
