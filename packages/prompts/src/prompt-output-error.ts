/**
 * The error for model output that is not JSON or does not match the prompt's output schema.
 */
import { KeelError } from '@keel/core';
import { formatIssues, type ValueIssue } from './prompt-input-error';

const marker = 'keel.error.PromptOutputError';
const symbol = Symbol.for(marker);

/**
 * `parseOutput` was given text that is not JSON, or JSON that the output schema refuses. `text`
 * is what the model said, so it can be logged or sent back to the model with `issues`.
 *
 * @example
 * ```ts
 * try { return prompt.parseOutput(result.text) } catch (error) {
 *   if (PromptOutputError.isInstance(error)) return retryWithFeedback(error.issues);
 *   throw error;
 * }
 * ```
 */
export class PromptOutputError extends KeelError {
  protected readonly [symbol] = true;

  /** `id@version` of the prompt. */
  readonly prompt: string;
  readonly issues: readonly ValueIssue[];
  readonly text: string;

  constructor({
    prompt,
    issues,
    text,
    cause,
  }: { prompt: string; issues: ValueIssue[]; text: string; cause?: unknown }) {
    super({
      name: 'PromptOutputError',
      message: `Output for prompt ${prompt} does not match its output schema; ask the model again with these problems or loosen the schema:\n${formatIssues(issues)}`,
      cause,
    });
    this.prompt = prompt;
    this.issues = issues;
    this.text = text;
  }

  /** True for a {@link PromptOutputError} from any copy of Keel. */
  static override isInstance(error: unknown): error is PromptOutputError {
    return KeelError.hasMarker(error, marker);
  }
}
