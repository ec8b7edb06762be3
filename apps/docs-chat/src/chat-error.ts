/**
 * The error of a chat request refused before it streams, carrying its code and HTTP status
 * (a plain table, not `if` chains), and when to retry.
 */
import { KeelError } from '@keel/core';
import type { ErrorCode } from './chat-events';

const marker = 'docs-chat.error.ChatError';
const symbol = Symbol.for(marker);

/** HTTP status of each error code. */
export const STATUS_OF: Record<ErrorCode, number> = {
  invalid_request: 400,
  unstorable_text: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  budget_exceeded: 429,
  not_found: 404,
  method_not_allowed: 405,
  overloaded: 503,
  unauthorized: 401,
  approval_not_found: 409,
  conversation_busy: 409,
  upstream_error: 502,
  internal_error: 500,
};

/** A refused request. */
export class ChatError extends KeelError {
  protected readonly [symbol] = true;

  readonly code: ErrorCode;
  readonly status: number;
  /** When set, the request may succeed after this long (sent as Retry-After). */
  readonly retryAfterMs?: number;
  /** Field errors of an invalid body, by path. */
  readonly fields?: Record<string, string>;

  constructor({
    code,
    message,
    retryAfterMs,
    fields,
    cause,
  }: {
    code: ErrorCode;
    message: string;
    retryAfterMs?: number;
    fields?: Record<string, string>;
    cause?: unknown;
  }) {
    super({ name: 'ChatError', message, cause });
    this.code = code;
    this.status = STATUS_OF[code];
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
    if (fields) this.fields = fields;
  }

  static override isInstance(error: unknown): error is ChatError {
    return KeelError.hasMarker(error, marker);
  }
}
