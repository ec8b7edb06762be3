/**
 * The checks a real provider makes before it does any work, answered as that provider answers
 * them: unknown paths, missing credentials or version header, a body that is not a JSON
 * object, missing or mistyped required fields.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ServerError } from './provider-errors';
import { requestProblem } from './route-handlers';
import type { MockProviderName, MockRoute } from './routes';

const NO_KEY_MESSAGE =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.";
const BAD_JSON_MESSAGE: Record<MockProviderName, string> = {
  openai:
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
  anthropic: 'There was an error parsing the body of your request: expected a JSON object.',
};
const bearer = /^Bearer \S+/;

/** What a request looked like on arrival. */
export interface ArrivedRequest {
  route: MockRoute | null;
  provider: MockProviderName;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
}

/** The error the provider would answer `request` with, or the validated body. */
export function checkRequest({
  route,
  provider,
  method,
  path,
  headers,
  body,
}: ArrivedRequest): { error: ServerError } | { route: MockRoute; body: Record<string, unknown> } {
  if (!route || method !== 'POST') {
    return provider === 'openai'
      ? {
          error: {
            status: 404,
            type: 'invalid_request_error',
            code: 'unknown_url',
            message: `Invalid URL (${method} ${path})`,
          },
        }
      : { error: { status: 404, message: 'Not Found' } };
  }
  const authorization = headers.authorization ?? '';
  if (provider === 'openai' && !bearer.test(authorization)) {
    return {
      error: { status: 401, type: 'invalid_request_error', code: null, message: NO_KEY_MESSAGE },
    };
  }
  if (provider === 'anthropic' && !headers['x-api-key'] && !bearer.test(authorization)) {
    return { error: { status: 401, message: 'x-api-key header is required' } };
  }
  if (provider === 'anthropic' && !headers['anthropic-version']) {
    return { error: { status: 400, message: 'anthropic-version: header is required' } };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { error: { status: 400, message: BAD_JSON_MESSAGE[provider] } };
  }
  const fields = body as Record<string, unknown>;
  const problem = requestProblem(route, provider, fields);
  return problem ? { error: { status: 400, ...problem } } : { route, body: fields };
}
