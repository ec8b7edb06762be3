/**
 * Error responses in each provider's own shape, with realistic defaults per status, so client
 * code meets the errors it will meet in production.
 */
import type { MockError } from './mock-reply';
import type { MockProviderName } from './routes';

interface ErrorDefaults {
  type: string;
  code?: string;
  message: string;
}

const openaiDefaults: Record<number, ErrorDefaults> = {
  400: { type: 'invalid_request_error', message: 'Invalid request.' },
  401: {
    type: 'invalid_request_error',
    code: 'invalid_api_key',
    message:
      'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
  },
  403: {
    type: 'invalid_request_error',
    code: 'unsupported_country_region_territory',
    message: 'Country, region, or territory not supported',
  },
  404: {
    type: 'invalid_request_error',
    code: 'model_not_found',
    message: 'The model does not exist or you do not have access to it.',
  },
  408: { type: 'timeout', message: 'Request timed out.' },
  409: { type: 'invalid_request_error', message: 'Conflict.' },
  413: { type: 'invalid_request_error', message: 'Request too large.' },
  422: { type: 'invalid_request_error', message: 'Unprocessable entity.' },
  429: {
    type: 'requests',
    code: 'rate_limit_exceeded',
    message: 'Rate limit reached for requests. Please try again later.',
  },
  500: {
    type: 'server_error',
    message: 'The server had an error while processing your request. Sorry about that!',
  },
  502: { type: 'server_error', message: 'Bad gateway.' },
  503: {
    type: 'server_error',
    message: 'The engine is currently overloaded, please try again later.',
  },
};

const openaiByCode: Record<string, ErrorDefaults> = {
  insufficient_quota: {
    type: 'insufficient_quota',
    code: 'insufficient_quota',
    message: 'You exceeded your current quota, please check your plan and billing details.',
  },
};

const anthropicDefaults: Record<number, ErrorDefaults> = {
  400: { type: 'invalid_request_error', message: 'Invalid request.' },
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  403: {
    type: 'permission_error',
    message: 'Your API key does not have permission to use the specified resource.',
  },
  404: { type: 'not_found_error', message: 'Not found.' },
  413: {
    type: 'request_too_large',
    message: 'Request exceeds the maximum allowed number of bytes.',
  },
  429: {
    type: 'rate_limit_error',
    message: 'Number of requests has exceeded your per-minute rate limit.',
  },
  500: { type: 'api_error', message: 'Internal server error' },
  529: { type: 'overloaded_error', message: 'Overloaded' },
};

function defaultsFor(provider: MockProviderName, status: number, code?: string): ErrorDefaults {
  const table = provider === 'openai' ? openaiDefaults : anthropicDefaults;
  const byCode = provider === 'openai' && code !== undefined ? openaiByCode[code] : undefined;
  return byCode ?? table[status] ?? (table[status >= 500 ? 500 : 400] as ErrorDefaults);
}

/** An error to answer with; `code: null` and `param` are for the server's own validation errors. */
export type ServerError = Omit<MockError, 'code'> & { code?: string | null; param?: string };

/** The JSON body of an error response, as the provider sends it. */
export function errorBody(
  provider: MockProviderName,
  error: ServerError,
  requestId: string,
): unknown {
  const defaults = defaultsFor(provider, error.status, error.code ?? undefined);
  const type = error.type ?? defaults.type;
  const message = error.message ?? defaults.message;
  if (provider === 'openai') {
    return {
      error: {
        message,
        type,
        param: error.param ?? null,
        code: error.code === undefined ? (defaults.code ?? null) : error.code,
      },
    };
  }
  return { type: 'error', error: { type, message }, request_id: requestId };
}

/** The mid-stream error payload: Anthropic's `error` event data, or OpenAI's error object. */
export function streamErrorData(
  provider: MockProviderName,
  type: string | undefined,
  message: string | undefined,
): { type: string; message: string } {
  const fallback =
    provider === 'openai'
      ? (openaiDefaults[500] as ErrorDefaults)
      : (anthropicDefaults[529] as ErrorDefaults);
  return { type: type ?? fallback.type, message: message ?? fallback.message };
}

/** `retry-after`, `retry-after-ms` and `x-should-retry` headers of a scripted error. */
export function retryHeaders(error: ServerError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (error.retryAfter !== undefined) headers['retry-after'] = String(error.retryAfter);
  if (error.retryAfterMs !== undefined) headers['retry-after-ms'] = String(error.retryAfterMs);
  if (error.shouldRetry !== undefined) headers['x-should-retry'] = String(error.shouldRetry);
  return headers;
}
