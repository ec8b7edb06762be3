/**
 * The error for a dataset file with bad lines: every bad line named with its file and number.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.DatasetError';
const symbol = Symbol.for(marker);

/** One bad line of a dataset. */
export interface DatasetLineIssue {
  /** 1-based line number in the file. */
  line: number;
  /** What is wrong with it, e.g. `question: expected string, received undefined`. */
  message: string;
}

/**
 * A dataset file has lines that are not JSON, do not match the case schema, or repeat an id.
 * `issues` holds one entry per bad line; the message lists them as `file:line: problem`.
 *
 * @example
 * ```ts
 * try { await loadDataset('golden.jsonl', goldenCaseSchema) } catch (error) {
 *   if (DatasetError.isInstance(error)) for (const { line, message } of error.issues) report(line, message);
 * }
 * ```
 */
export class DatasetError extends KeelError {
  protected readonly [symbol] = true;

  /** The file the lines come from (as given to the loader). */
  readonly file: string;
  readonly issues: readonly DatasetLineIssue[];

  constructor({ file, issues }: { file: string; issues: readonly DatasetLineIssue[] }) {
    super({
      name: 'DatasetError',
      message: `${file} has ${issues.length} bad line${issues.length === 1 ? '' : 's'}; fix ${issues.length === 1 ? 'it' : 'them'} and load again:\n${issues
        .map(({ line, message }) => `${file}:${line}: ${message}`)
        .join('\n')}`,
    });
    this.file = file;
    this.issues = issues;
  }

  /** True for a {@link DatasetError} from any copy of Keel. */
  static override isInstance(error: unknown): error is DatasetError {
    return KeelError.hasMarker(error, marker);
  }
}
