/**
 * How the mock server answers one request: through the response writer (and the faults a test
 * asked for), with the headers every response of that provider carries, and errors in that
 * provider's own shape.
 */
import type { ServerResponse } from 'node:http';
import { bodySegments } from './body-segments';
import type { MockFaults } from './mock-reply';
import { errorBody, retryHeaders, type ServerError } from './provider-errors';
import { providerHeaders, rateLimitState } from './provider-headers';
import type { RecordedRequest } from './recorded-request';
import { type BodySegment, now, writeResponse } from './response-writer';
import type { MockProviderName } from './routes';

/** What {@link createReplySender} needs. */
export interface ReplySenderOptions {
  res: ServerResponse;
  /** The request being answered, as the log records it. */
  record: RecordedRequest;
  /** Aborted when the connection closes or the server stops. */
  signal: AbortSignal;
  /** The provider whose headers and error shape the answer uses. */
  provider: MockProviderName;
  /** Every request so far, for the rate-limit headers. */
  requests: readonly RecordedRequest[];
  /** Limits reported in rate-limit headers (per minute). */
  limits: { requests: number; tokens: number };
}

/** The ways to answer one request; see {@link createReplySender}. */
export interface ReplySender {
  /** Writes `segments` with `status` and `headers`, through `faults`. */
  send(
    status: number,
    segments: BodySegment[],
    headers: Record<string, string>,
    faults: MockFaults,
  ): Promise<void>;
  /**
   * The provider's request id and rate-limit headers, counting `inputTokens`; `exhausted`
   * reports no requests or tokens left, as a 429 does.
   */
  standardHeaders(inputTokens: number, exhausted: boolean): Record<string, string>;
  /** Answers `error` in the provider's shape, with its retry headers and then `extraHeaders`. */
  sendError(
    error: ServerError,
    faults?: MockFaults,
    extraHeaders?: Record<string, string>,
  ): Promise<void>;
}

/**
 * The sender for one request.
 *
 * @example
 * ```ts
 * const reply = createReplySender({ res, record, signal, provider: 'openai', requests, limits });
 * await reply.sendError({ status: 429, retryAfter: 1 });
 * ```
 */
export function createReplySender({
  res,
  record,
  signal,
  provider,
  requests,
  limits,
}: ReplySenderOptions): ReplySender {
  const send: ReplySender['send'] = (status, segments, headers, faults) =>
    writeResponse({ res, status, headers, segments, faults, record, signal });
  const standardHeaders: ReplySender['standardHeaders'] = (inputTokens, exhausted) =>
    providerHeaders(provider, {
      requestId: record.requestId,
      limits: rateLimitState(requests, provider, {
        limits,
        inputTokens,
        exhausted,
        now: now(),
      }),
      now: Date.now(),
      processingMs: now() - record.timings.receivedAt,
    });
  const sendError: ReplySender['sendError'] = (error, faults = {}, extraHeaders = {}) => {
    const body = errorBody(provider, error, record.requestId);
    const segments = bodySegments({ kind: 'json', body }, faults, () => ({ data: '' }));
    return send(
      error.status,
      segments,
      {
        ...standardHeaders(0, error.status === 429),
        'content-type': 'application/json',
        'content-length': String(segments[0]?.bytes.length ?? 0),
        ...retryHeaders(error),
        ...extraHeaders,
      },
      faults,
    );
  };
  return { send, standardHeaders, sendError };
}
