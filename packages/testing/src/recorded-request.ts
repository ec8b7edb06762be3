/**
 * The log of every request the mock server saw, with credentials redacted, so tests can assert
 * attempts, backoff gaps, bodies and cancellation.
 */
import type { MockRoute } from './routes';

/** One request as the mock server saw and answered it. All times are Unix epoch milliseconds. */
export interface RecordedRequest {
  /** 0-based arrival order across all routes. */
  index: number;
  /** The matched route, or null for an unknown path. */
  route: MockRoute | null;
  method: string;
  /** Path with query string. */
  path: string;
  /** Request headers, lower-case names; `authorization`, `x-api-key` and other credentials redacted. */
  headers: Record<string, string>;
  /** The parsed JSON body; the raw text when it was not JSON. */
  body: unknown;
  /** The request id the server answered with (`x-request-id` or `request-id`). */
  requestId: string;
  /** Whether the request asked for a stream. */
  stream: boolean;
  /** The HTTP status sent, or null if headers were never sent. */
  status: number | null;
  timings: {
    receivedAt: number;
    headersSentAt?: number;
    firstByteAt?: number;
    /** When the full response was written. */
    endedAt?: number;
  };
  bytesWritten: number;
  eventsWritten: number;
  /** A stall fault was hit. */
  stalled: boolean;
  /** The server reset the connection (fault). */
  reset: boolean;
  /** The client closed the connection before the response was complete. */
  clientDisconnected: boolean;
  disconnectedAt?: number;
}

const credentialHeaders = new Set([
  'authorization',
  'x-api-key',
  'api-key',
  'openai-api-key',
  'anthropic-api-key',
  'proxy-authorization',
  'cookie',
]);

/**
 * Headers with credentials replaced: the scheme and the last four characters stay so tests can
 * tell keys apart, the rest never reaches a log or snapshot.
 */
export function redactHeaders(
  raw: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    headers[name] = credentialHeaders.has(name) ? redact(text) : text;
  }
  return headers;
}

function redact(value: string): string {
  const [scheme, secret] = value.includes(' ')
    ? [value.slice(0, value.indexOf(' ') + 1), value.slice(value.indexOf(' ') + 1)]
    : ['', value];
  return secret.length > 12 ? `${scheme}[redacted]…${secret.slice(-4)}` : `${scheme}[redacted]`;
}
