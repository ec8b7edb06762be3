/**
 * How long a failed call asks to be left alone: `retry-after-ms`, `retry-after` (seconds or an
 * HTTP date) on SDK and fetch errors, or `retryAfterMs` on Keel's own errors.
 */

type HeaderSource = { get?: (name: string) => string | null } | Record<string, unknown>;

function header(headers: HeaderSource | undefined, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && typeof value === 'string') return value;
  }
  return undefined;
}

/** The response headers carried by an error (openai, @anthropic-ai/sdk, fetch Response errors). */
export function errorHeaders(error: unknown): HeaderSource | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const { headers, response } = error as {
    headers?: HeaderSource;
    response?: { headers?: HeaderSource };
  };
  return headers ?? response?.headers;
}

/** A header value of an error's response, by lower-case name. */
export function errorHeader(error: unknown, name: string): string | undefined {
  return header(errorHeaders(error), name);
}

/**
 * Milliseconds the server asked to wait, or undefined when it did not ask (or asked in a form
 * that cannot be trusted: negative, not a number, an unparseable date). A date in the past is 0.
 *
 * @example
 * ```ts
 * retryAfterMs(rateLimitError, Date.now()); // 3000 for `retry-after: 3`
 * ```
 */
export function retryAfterMs(error: unknown, now: number): number | undefined {
  const own = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  if (typeof own === 'number' && Number.isFinite(own) && own >= 0) return own;

  const ms = errorHeader(error, 'retry-after-ms');
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Number(ms);

  const after = errorHeader(error, 'retry-after')?.trim();
  if (after === undefined || after === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Number(after) * 1000;
  if (!/[a-z]/i.test(after)) return undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
