/**
 * The error for a prompt file that cannot be read as a prompt.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.PromptFileError';
const symbol = Symbol.for(marker);

/**
 * A prompt file is malformed: a bad name, broken front matter, an unknown variable type, or a
 * template error. `file` is the path as given; the cause, when there is one, is the YAML or
 * template error.
 *
 * @example
 * ```ts
 * try { await loadPromptDirectory('prompts') } catch (error) {
 *   if (PromptFileError.isInstance(error)) console.error(`${error.file}: ${error.message}`);
 * }
 * ```
 */
export class PromptFileError extends KeelError {
  protected readonly [symbol] = true;

  readonly file: string;

  constructor({ file, problem, cause }: { file: string; problem: string; cause?: unknown }) {
    super({ name: 'PromptFileError', message: `Prompt file ${file}: ${problem}`, cause });
    this.file = file;
  }

  /** True for a {@link PromptFileError} from any copy of Keel. */
  static override isInstance(error: unknown): error is PromptFileError {
    return KeelError.hasMarker(error, marker);
  }
}
