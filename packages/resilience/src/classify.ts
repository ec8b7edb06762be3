/**
 * What counts as a failure worth retrying, as data: a status table and an ordered list of
 * rules, kept apart from how long to wait.
 */
import { isAbortError, KeelError, TimeoutError } from '@keel/core';
import { errorHeader } from './retry-after';

/**
 * - `retryable`: transient (5xx, 408, 409, connection reset, timeout); try again.
 * - `rate-limited`: the provider or a local limit said "slow down" (429, an open breaker);
 *   try again after its Retry-After.
 * - `fatal`: retrying cannot help (4xx, quota exhausted, bad input, programming errors).
 * - `aborted`: the caller cancelled; never retried, never counted as a provider failure.
 */
export type Classification = 'retryable' | 'rate-limited' | 'fatal' | 'aborted';

/** A rule: a classification for errors it recognises, undefined to pass. */
export type ClassificationRule = (error: unknown) => Classification | undefined;

/** HTTP statuses that are not fatal. Any other 5xx is `retryable`; any other status `fatal`. */
export const STATUS_CLASSIFICATIONS: Readonly<Record<number, Classification>> = Object.freeze({
  408: 'retryable',
  409: 'retryable',
  429: 'rate-limited',
  529: 'retryable',
});

/** Network error codes (on the error or anywhere in its `cause` chain) that are transient. */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Quota and spend-limit markers: a 429 carrying one of these will not clear by waiting. */
const EXHAUSTED_QUOTA_CODES = new Set([
  'insufficient_quota',
  'billing_hard_limit_reached',
  'enforced_spend_limit_reached',
]);

type Fields = {
  name?: unknown;
  status?: unknown;
  statusCode?: unknown;
  code?: unknown;
  type?: unknown;
  message?: unknown;
  error?: unknown;
  cause?: unknown;
  errors?: unknown;
};

/** The error's own name, or its class name (the openai SDK leaves `name` as "Error"). */
function names(error: Fields): string[] {
  if (error === null || typeof error !== 'object') return [];
  const ctor = (error as { constructor?: { name?: unknown } }).constructor?.name;
  return [error.name, ctor].filter((n): n is string => typeof n === 'string');
}

/** The error and everything in its `cause` chain (and AggregateError members), at most 8 deep. */
function chain(error: unknown): Fields[] {
  const out: Fields[] = [];
  const visit = (value: unknown, depth: number) => {
    if (value === null || typeof value !== 'object' || depth > 8 || out.includes(value as Fields))
      return;
    const fields = value as Fields;
    out.push(fields);
    visit(fields.cause, depth + 1);
    if (Array.isArray(fields.errors)) for (const member of fields.errors) visit(member, depth + 1);
  };
  visit(error, 0);
  return out;
}

/** Every string found at `code`/`type`, including the nested provider error bodies. */
function codes(error: Fields): string[] {
  const found: string[] = [];
  const collect = (value: unknown, depth: number) => {
    if (value === null || typeof value !== 'object' || depth > 4) return;
    const fields = value as Record<string, unknown>;
    for (const key of ['code', 'type', 'error_code'])
      if (typeof fields[key] === 'string') found.push(fields[key] as string);
    collect(fields.error, depth + 1);
    collect(fields.details, depth + 1);
  };
  collect(error, 0);
  return found;
}

function statusOf(error: Fields): number | undefined {
  const status = error.status ?? error.statusCode;
  return typeof status === 'number' && Number.isInteger(status) ? status : undefined;
}

const abortRule: ClassificationRule = (error) =>
  isAbortError(error) || names(error as Fields).includes('APIUserAbortError')
    ? 'aborted'
    : undefined;

const keelRule: ClassificationRule = (error) => {
  if (TimeoutError.isInstance(error)) return 'retryable';
  if (!KeelError.isInstance(error)) return undefined;
  const { retryAfterMs, isRetryable } = error as KeelError & {
    retryAfterMs?: unknown;
    isRetryable?: unknown;
  };
  if (typeof retryAfterMs === 'number') return 'rate-limited';
  if (typeof isRetryable === 'boolean') return isRetryable ? 'retryable' : 'fatal';
  return 'fatal';
};

const connectionRule: ClassificationRule = (error) => {
  for (const link of chain(error)) {
    if (
      names(link).some(
        (n) =>
          n === 'APIConnectionError' || n === 'APIConnectionTimeoutError' || n === 'TimeoutError',
      )
    ) {
      return 'retryable';
    }
    if (typeof link.code === 'string' && RETRYABLE_NETWORK_CODES.has(link.code)) return 'retryable';
    if (link.name === 'TypeError' && link.message === 'terminated') return 'retryable';
  }
  return undefined;
};

/** Options of {@link createClassifier}. */
export interface ClassifierOptions {
  /** Overrides or additions to {@link STATUS_CLASSIFICATIONS}. */
  statuses?: Readonly<Record<number, Classification>>;
  /** Rules consulted first, in order; the first that answers wins. */
  rules?: readonly ClassificationRule[];
}

/**
 * Builds a classifier from the default tables plus your own.
 *
 * @example
 * ```ts
 * const myClassify = createClassifier({
 *   statuses: { 409: 'fatal' },                                    // our 409s are real conflicts
 *   rules: [(e) => (e instanceof MyQueueFullError ? 'rate-limited' : undefined)],
 * });
 * const policy = retry({ classify: myClassify });
 * ```
 */
export function createClassifier({
  statuses = {},
  rules = [],
}: ClassifierOptions = {}): (error: unknown) => Classification {
  const table: Record<number, Classification> = { ...STATUS_CLASSIFICATIONS, ...statuses };
  return function classifyError(error) {
    for (const rule of rules) {
      const answer = rule(error);
      if (answer !== undefined) return answer;
    }
    const fixed = abortRule(error) ?? keelRule(error);
    if (fixed !== undefined) return fixed;
    const fields = (error ?? {}) as Fields;
    const status = statusOf(fields);
    if (status !== undefined) {
      const shouldRetry = errorHeader(error, 'x-should-retry');
      if (shouldRetry === 'false') return 'fatal';
      if (codes(fields).some((code) => EXHAUSTED_QUOTA_CODES.has(code))) return 'fatal';
      const listed = table[status];
      if (listed !== undefined) return listed;
      if (shouldRetry === 'true') return 'retryable';
      return status >= 500 ? 'retryable' : 'fatal';
    }
    return connectionRule(error) ?? 'fatal';
  };
}

/**
 * Classifies errors thrown by the official openai and @anthropic-ai/sdk clients, fetch and
 * undici network failures, and Keel's own errors. Honours `x-should-retry`.
 *
 * @example
 * ```ts
 * classify(new OpenAI.RateLimitError(429, body, msg, headers)); // 'rate-limited'
 * classify(Object.assign(new Error('x'), { status: 404 }));       // 'fatal'
 * ```
 */
export const classify = createClassifier();
