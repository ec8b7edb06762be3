/**
 * Running a tool's function within its time limit: the run is raced against a deadline, so a
 * tool that hangs is abandoned (its signal aborted) instead of holding the dispatch.
 */
import { type Clock, deadlineSignal, type RequestMetadata, TimeoutError } from '@keel/core';
import type { AnyTool } from './define-tool';

/** How a run ended: with output, or failed (thrown, or past its deadline). */
export type ToolRun =
  | { ok: true; output: unknown }
  | { ok: false; timedOut: boolean; error: unknown };

/** Settles when `fn` does or as soon as `signal` aborts, whichever is first. */
function raceSignal<T>(fn: () => T | Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve()
      .then(fn)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Runs `tool` on validated `input` for at most `timeoutMs`.
 *
 * @throws the reason of `signal` when the caller aborts (never a failed run: the caller cancelled).
 */
export async function runTool(
  tool: AnyTool,
  input: unknown,
  {
    signal,
    timeoutMs,
    clock,
    toolCallId,
    metadata,
  }: {
    signal: AbortSignal | undefined;
    timeoutMs: number;
    clock: Clock;
    toolCallId: string;
    metadata: RequestMetadata | undefined;
  },
): Promise<ToolRun> {
  const deadline = deadlineSignal({ signal, timeoutMs, clock });
  try {
    const output = await raceSignal(
      () =>
        tool.run(input, {
          signal: deadline.signal,
          toolCallId,
          ...(metadata !== undefined && { metadata }),
        }),
      deadline.signal,
    );
    return { ok: true, output };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const timedOut = deadline.signal.aborted && TimeoutError.isInstance(deadline.signal.reason);
    return { ok: false, timedOut, error };
  } finally {
    deadline.clear();
  }
}
