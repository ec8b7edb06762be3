/**
 * The headers every response carries: request ids and rate-limit state, named and formatted
 * as each provider sends them.
 */
import type { RecordedRequest } from './recorded-request';
import { type MockProviderName, providerForPath, ROUTES } from './routes';

/** Rate-limit state reported in headers. */
export interface RateLimitState {
  requestsLimit: number;
  requestsRemaining: number;
  tokensLimit: number;
  tokensRemaining: number;
  /** Milliseconds until the limits reset. */
  resetMs: number;
}

/**
 * Rate-limit state over the last minute of `requests` to `provider`; `exhausted` reports zero
 * remaining, as a 429 does.
 */
export function rateLimitState(
  requests: readonly RecordedRequest[],
  provider: MockProviderName,
  {
    limits,
    inputTokens,
    exhausted,
    now,
  }: {
    limits: { requests: number; tokens: number };
    inputTokens: number;
    exhausted: boolean;
    now: number;
  },
): RateLimitState {
  const windowStart = now - 60_000;
  const recent = requests.filter(
    (r) =>
      r.timings.receivedAt > windowStart &&
      (r.route ? ROUTES[r.route].provider : providerForPath(r.path)) === provider,
  );
  const oldest = recent[0]?.timings.receivedAt ?? now;
  return {
    requestsLimit: limits.requests,
    requestsRemaining: exhausted ? 0 : Math.max(0, limits.requests - recent.length),
    tokensLimit: limits.tokens,
    tokensRemaining: exhausted ? 0 : Math.max(0, limits.tokens - inputTokens),
    resetMs: Math.max(1, oldest + 60_000 - now),
  };
}

/** Request id and rate-limit headers for one response. */
export function providerHeaders(
  provider: MockProviderName,
  {
    requestId,
    limits,
    now,
    processingMs,
  }: { requestId: string; limits: RateLimitState; now: number; processingMs: number },
): Record<string, string> {
  if (provider === 'openai') {
    return {
      'x-request-id': requestId,
      'openai-organization': 'keel-mock',
      'openai-processing-ms': String(Math.round(processingMs)),
      'openai-version': '2020-10-01',
      'x-ratelimit-limit-requests': String(limits.requestsLimit),
      'x-ratelimit-limit-tokens': String(limits.tokensLimit),
      'x-ratelimit-remaining-requests': String(limits.requestsRemaining),
      'x-ratelimit-remaining-tokens': String(limits.tokensRemaining),
      'x-ratelimit-reset-requests': openaiDuration(limits.resetMs),
      'x-ratelimit-reset-tokens': openaiDuration(limits.resetMs),
    };
  }
  const reset = new Date(Math.ceil((now + limits.resetMs) / 1000) * 1000)
    .toISOString()
    .replace('.000Z', 'Z');
  return {
    'request-id': requestId,
    'anthropic-organization-id': '00000000-0000-4000-8000-000000000000',
    'anthropic-ratelimit-requests-limit': String(limits.requestsLimit),
    'anthropic-ratelimit-requests-remaining': String(limits.requestsRemaining),
    'anthropic-ratelimit-requests-reset': reset,
    'anthropic-ratelimit-tokens-limit': String(limits.tokensLimit),
    'anthropic-ratelimit-tokens-remaining': String(limits.tokensRemaining),
    'anthropic-ratelimit-tokens-reset': reset,
    'anthropic-ratelimit-input-tokens-limit': String(limits.tokensLimit),
    'anthropic-ratelimit-input-tokens-remaining': String(limits.tokensRemaining),
    'anthropic-ratelimit-input-tokens-reset': reset,
    'anthropic-ratelimit-output-tokens-limit': String(Math.floor(limits.tokensLimit / 5)),
    'anthropic-ratelimit-output-tokens-remaining': String(Math.floor(limits.tokensRemaining / 5)),
    'anthropic-ratelimit-output-tokens-reset': reset,
  };
}

/** OpenAI's reset duration format: `6ms`, `1s`, `6m0s`, `1h2m3s`. */
export function openaiDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}
