/**
 * One attempt at a rerank request: POSTed as JSON with a Bearer key under a time limit, an error
 * status read into a {@link RerankHttpError}, and the body parsed.
 */
import { type Clock, deadlineSignal } from '@keel/core';
import { RerankHttpError } from './rerank-http-error';
import { RerankResponseError } from './rerank-response-error';

/** The server's own words from an error body: Cohere's `message`, Voyage's `detail`, or `error.message`. */
async function errorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const message =
      body.message ?? body.detail ?? (body.error as { message?: unknown } | undefined)?.message;
    if (typeof message === 'string') return message;
  } catch {
    // Not JSON: the text itself says what happened.
  }
  return text.slice(0, 500) || response.statusText || 'no message';
}

/** What {@link postRerankRequest} takes. */
export interface RerankRequest {
  url: string;
  apiKey: string;
  body: object;
  /** Names the API in errors. */
  provider: string;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  clock: Clock;
  fetchImpl: typeof fetch;
}

/**
 * The parsed JSON body of a successful response.
 *
 * @throws RerankHttpError for an error status.
 * @throws RerankResponseError for a body that is not JSON.
 * @throws TimeoutError when `timeoutMs` passes first; the reason of `signal` when it aborts.
 * @example
 * ```ts
 * const json = await postRerankRequest({ url, apiKey, body, provider: 'cohere', timeoutMs: 30_000, signal, clock: systemClock, fetchImpl: fetch });
 * ```
 */
export async function postRerankRequest({
  url,
  apiKey,
  body,
  provider,
  timeoutMs,
  signal,
  clock,
  fetchImpl,
}: RerankRequest): Promise<unknown> {
  const deadline = deadlineSignal({ signal, timeoutMs, clock });
  try {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(body),
      signal: deadline.signal,
    });
    if (!response.ok) {
      throw new RerankHttpError({
        provider,
        status: response.status,
        serverMessage: await errorMessage(response),
        headers: Object.fromEntries(response.headers),
      });
    }
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw new RerankResponseError({ provider, reason: 'is not JSON', cause });
    }
  } catch (error) {
    // The deadline's TimeoutError (not the fetch's AbortError) is what retries and callers see.
    if (deadline.signal.aborted && !signal?.aborted) throw deadline.signal.reason;
    throw error;
  } finally {
    deadline.clear();
  }
}
