/**
 * How the server answers: the security headers every response carries, JSON bodies, and a
 * refusal ({@link ChatError}) as its status, code and message.
 */
import type { ServerResponse } from 'node:http';
import { ChatError } from './chat-error';

/** The CSP, with images from `allowedHosts` (and their subdomains) allowed beside the page's own. */
export function contentSecurityPolicy(allowedHosts: readonly string[]): string {
  const images = ["'self'", 'data:', ...allowedHosts.flatMap((host) => [host, `*.${host}`])];
  return `default-src 'self'; script-src 'self'; style-src 'self'; img-src ${images.join(' ')}; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

/** The headers of every response. */
export const SECURITY_HEADERS = {
  'content-security-policy': contentSecurityPolicy([]),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Sends `body` as JSON. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...SECURITY_HEADERS,
    ...headers,
  });
  response.end(text);
}

/** Sends a refusal (any other error as a 500 that says it is logged); returns the status. */
export function sendError(response: ServerResponse, error: unknown): number {
  if (ChatError.isInstance(error)) {
    const headers: Record<string, string> = {};
    if (error.retryAfterMs !== undefined) {
      headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1_000)));
    }
    sendJson(
      response,
      error.status,
      {
        error: {
          code: error.code,
          message: error.message,
          ...(error.fields && { fields: error.fields }),
        },
      },
      headers,
    );
    return error.status;
  }
  sendJson(response, 500, {
    error: { code: 'internal_error', message: 'Something went wrong on the server; it is logged' },
  });
  return 500;
}
