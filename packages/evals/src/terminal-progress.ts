/**
 * Progress of a run on a terminal: one line rewritten in place on a TTY, a line per case
 * otherwise (CI logs).
 */
import type { EvalProgress } from './run-eval';

/** Where progress goes: a writable with an optional `isTTY`, e.g. `process.stderr`. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * A progress listener for `runEval` that writes `[12/40] baseline  1 failed  $0.0123`.
 *
 * @example
 * ```ts
 * await runEval({ name: 'baseline', cases, task, onProgress: terminalProgress() });
 * ```
 */
export function terminalProgress(
  stream: ProgressStream = process.stderr,
): (progress: EvalProgress) => void {
  return function showProgress({ run, done, total, failed, costUsd }) {
    const line = `[${done}/${total}] ${run}  ${failed} failed  $${costUsd.toFixed(4)}`;
    if (stream.isTTY) stream.write(`\r\x1b[2K${line}${done === total ? '\n' : ''}`);
    else stream.write(`${line}\n`);
  };
}
