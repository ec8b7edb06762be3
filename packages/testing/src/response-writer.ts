/**
 * Sends a rendered response through the faults a test asked for: a delay before headers,
 * drip-fed deltas, stalls and resets at a byte or event count, split UTF-8 characters.
 */
import type { ServerResponse } from 'node:http';
import { sleep } from '@keel/core';
import type { MockFaults } from './mock-reply';
import type { RecordedRequest } from './recorded-request';

/** One unit of the body: an SSE event, or the whole JSON body. */
export interface BodySegment {
  bytes: Buffer;
  /** A content delta, paced by `tokensPerSecond`. */
  content: boolean;
}

/** What {@link writeResponse} needs. */
export interface WriteOptions {
  res: ServerResponse;
  status: number;
  headers: Record<string, string>;
  segments: BodySegment[];
  faults: MockFaults;
  record: RecordedRequest;
  /** Aborts when the client disconnects or the server closes. */
  signal: AbortSignal;
}

/** Gap between two halves of a split write, so that they reach the client as separate reads. */
const SPLIT_GAP_MS = 5;

/** Writes the response, honouring every fault. Resolves when done, reset, or the client left. */
export async function writeResponse({
  res,
  status,
  headers,
  segments,
  faults,
  record,
  signal,
}: WriteOptions): Promise<void> {
  const wait = (ms: number) => sleep(ms, { signal });
  const stall = async (): Promise<void> => {
    record.stalled = true;
    if (faults.stallMs === undefined)
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    else await wait(faults.stallMs);
  };
  const reset = (): void => {
    record.reset = true;
    res.socket?.resetAndDestroy();
  };
  const write = async (bytes: Buffer): Promise<void> => {
    if (bytes.length === 0 || signal.aborted) return;
    if (record.status === null) {
      record.status = status;
      record.timings.headersSentAt = now();
    }
    record.timings.firstByteAt ??= now();
    record.bytesWritten += bytes.length;
    await new Promise<void>((resolve) => res.write(bytes, () => resolve()));
  };
  const writeSplittingUtf8 = async (bytes: Buffer): Promise<void> => {
    const lead = faults.splitUtf8 ? bytes.findIndex((byte) => byte >= 0xc0) : -1;
    if (lead < 0) return write(bytes);
    await write(bytes.subarray(0, lead + 1));
    await wait(SPLIT_GAP_MS);
    await write(bytes.subarray(lead + 1));
  };

  try {
    if (faults.delayMs) await wait(faults.delayMs);
    // Headers leave with the first body bytes, so a fault at byte or event 0 happens before the
    // response starts: a reset there is a connection error, a stall there a first-byte timeout.
    res.writeHead(status, headers);

    const interval = faults.tokensPerSecond ? 1000 / faults.tokensPerSecond : 0;
    let contentSeen = false;
    for (const [index, segment] of segments.entries()) {
      if (index === faults.stallAfterEvents) await stall();
      if (signal.aborted) return;
      if (index === faults.resetAfterEvents) return reset();
      if (segment.content && interval > 0 && contentSeen) await wait(interval);
      contentSeen ||= segment.content;

      let bytes = segment.bytes;
      const stallAt = cutPoint(
        faults.stallAfterBytes,
        record.bytesWritten,
        bytes.length,
        record.stalled,
      );
      if (stallAt !== undefined) {
        await writeSplittingUtf8(bytes.subarray(0, stallAt));
        await stall();
        if (signal.aborted) return;
        bytes = bytes.subarray(stallAt);
      }
      const resetAt = cutPoint(faults.resetAfterBytes, record.bytesWritten, bytes.length, false);
      if (resetAt !== undefined) {
        await writeSplittingUtf8(bytes.subarray(0, resetAt));
        return reset();
      }
      await writeSplittingUtf8(bytes);
      record.eventsWritten++;
    }
    if (record.status === null) {
      record.status = status;
      record.timings.headersSentAt = now();
    }
    await new Promise<void>((resolve) => res.end(() => resolve()));
    record.timings.endedAt = now();
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

/** Where in a segment of `length` bytes, `written` bytes into the body, a byte limit falls. */
function cutPoint(
  limit: number | undefined,
  written: number,
  length: number,
  done: boolean,
): number | undefined {
  if (limit === undefined || done || written > limit || written + length <= limit) return undefined;
  return limit - written;
}

/** Milliseconds since the Unix epoch, with sub-millisecond precision. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
