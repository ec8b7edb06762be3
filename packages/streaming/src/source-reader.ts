/**
 * One pull interface over web streams, async iterables and the SDKs' stream objects, with the
 * cancellation each needs, and the first-byte and idle timeouts and abort signal that interrupt a
 * pending read without waiting for it.
 */
import { type Clock, systemClock } from '@keel/core';
import { assertDelay } from '@keel/core/internal';
import { StreamTimeoutError } from './stream-timeout-error';

/** A source of chunks: a web `ReadableStream` or any `AsyncIterable`. */
export type ChunkSource<T> = ReadableStream<T> | AsyncIterable<T>;

/** Reads a source one chunk at a time; `cancel` releases the upstream (body, socket, request). */
export interface SourceReader<T> {
  read(): Promise<IteratorResult<T>>;
  cancel(reason?: unknown): void;
}

/** Timeouts and cancellation for reading a stream. */
export interface ReadGuardOptions {
  /** Cancels reading; the stream ends as aborted. */
  signal?: AbortSignal;
  /** The longest wait for the first chunk (defaults to `idleTimeoutMs`). */
  firstByteTimeoutMs?: number;
  /** The longest wait for each later chunk. */
  idleTimeoutMs?: number;
  /** The time seam; default `systemClock`. */
  clock?: Clock;
}

const ignore = () => {};

/** True for a web `ReadableStream` (duck-typed, so any realm's implementation works). */
export function isReadableStream<T>(source: unknown): source is ReadableStream<T> {
  return (
    typeof source === 'object' &&
    source !== null &&
    typeof (source as ReadableStream).getReader === 'function'
  );
}

/** The `controller` an SDK stream object (openai, @anthropic-ai/sdk) aborts its request with. */
function sdkController(source: unknown): AbortController | undefined {
  const controller = (source as { controller?: unknown }).controller;
  return typeof controller === 'object' &&
    controller !== null &&
    typeof (controller as AbortController).abort === 'function'
    ? (controller as AbortController)
    : undefined;
}

/**
 * Opens a reader on `source`. Cancelling a web stream cancels its reader (which ends a pending
 * read); cancelling an SDK stream object aborts its request through its `controller`; any other
 * async iterable is asked to `return()`.
 */
export function openSource<T>(source: ChunkSource<T>): SourceReader<T> {
  if (isReadableStream<T>(source)) {
    const reader = source.getReader();
    return {
      read: () => reader.read() as Promise<IteratorResult<T>>,
      cancel: (reason) => {
        reader.cancel(reason).catch(ignore);
      },
    };
  }
  const iterator = source[Symbol.asyncIterator]();
  const controller = sdkController(source);
  return {
    read: () => iterator.next(),
    cancel: () => {
      controller?.abort();
      Promise.resolve(iterator.return?.()).catch(ignore);
    },
  };
}

/** The abort reason of `signal`, or a standard `AbortError` when it has none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * Wraps a reader so that a read fails with {@link StreamTimeoutError} when the first chunk or a
 * later one takes too long, or with the abort reason when `signal` aborts; either way the
 * upstream is cancelled at once, even while a read is pending. Time is only counted while a read
 * is pending, so a slow consumer never times out its producer. Call `dispose` when done.
 */
export function guardReader<T>(
  reader: SourceReader<T>,
  { signal, firstByteTimeoutMs, idleTimeoutMs, clock = systemClock }: ReadGuardOptions,
): SourceReader<T> & { dispose(): void } {
  for (const [argument, ms] of Object.entries({ firstByteTimeoutMs, idleTimeoutMs })) {
    if (ms !== undefined) {
      assertDelay(argument, ms, { greaterThan: 0, hint: 'leave it out for no timeout' });
    }
  }
  if (signal === undefined && firstByteTimeoutMs === undefined && idleTimeoutMs === undefined) {
    return { ...reader, dispose: ignore };
  }
  let failure: { error: unknown } | undefined;
  let rejectPending: ((error: unknown) => void) | undefined;
  let pendingSince: number | undefined;
  let received = false;
  let timer: unknown;

  const fail = (error: unknown) => {
    if (failure) return;
    failure = { error };
    dispose();
    reader.cancel(error);
    rejectPending?.(error);
  };
  const onAbort = () => fail(abortReason(signal as AbortSignal));
  const limit = () => (received ? idleTimeoutMs : (firstByteTimeoutMs ?? idleTimeoutMs));
  const arm = (ms: number) => {
    timer = clock.setTimeout(onTimer, ms);
  };
  function onTimer(): void {
    timer = undefined;
    const ms = limit();
    if (ms === undefined) return;
    const waited = pendingSince === undefined ? 0 : clock.now() - pendingSince;
    if (waited >= ms) {
      fail(new StreamTimeoutError({ phase: received ? 'idle' : 'first-byte', timeoutMs: ms }));
    } else {
      arm(ms - waited);
    }
  }
  function dispose(): void {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    signal?.removeEventListener('abort', onAbort);
  }

  if (signal?.aborted) fail(abortReason(signal));
  else signal?.addEventListener('abort', onAbort, { once: true });
  const first = limit();
  if (first !== undefined && !failure) arm(first);

  return {
    read() {
      if (failure) return Promise.reject(failure.error);
      pendingSince = clock.now();
      return new Promise<IteratorResult<T>>((resolve, reject) => {
        rejectPending = reject;
        reader.read().then(
          (result) => {
            rejectPending = undefined;
            pendingSince = undefined;
            if (!received) {
              received = true;
              // The first-byte timer may be armed for longer than the idle limit: restart it.
              if (timer !== undefined && firstByteTimeoutMs !== idleTimeoutMs) {
                clock.clearTimeout(timer);
                timer = undefined;
                if (idleTimeoutMs !== undefined) arm(idleTimeoutMs);
              }
            }
            resolve(result);
          },
          (error: unknown) => {
            rejectPending = undefined;
            pendingSince = undefined;
            reject(error);
          },
        );
      });
    },
    cancel(reason) {
      dispose();
      reader.cancel(reason);
    },
    dispose,
  };
}
