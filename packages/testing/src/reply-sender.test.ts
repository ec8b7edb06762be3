import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import {
  anthropicBody,
  anthropicClient,
  anthropicHeaders,
  chatBody,
  openaiClient,
  rawPost,
  useMockProvider,
} from '../test/helpers';

const env = useMockProvider({ reset: true });

describe('provider errors and retry headers', () => {
  it('answers OpenAI errors in its shape with retry-after, retry-after-ms and x-should-retry', async () => {
    env.mock.enqueue('openai.chat', {
      error: { status: 429, retryAfter: 3, retryAfterMs: 2500, shouldRetry: true },
    });
    const error = (await openaiClient(env.mock)
      .chat.completions.create(chatBody())
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.error).toEqual({
      message: 'Rate limit reached for requests. Please try again later.',
      type: 'requests',
      param: null,
      code: 'rate_limit_exceeded',
    });
    expect(error.headers?.get('retry-after')).toBe('3');
    expect(error.headers?.get('retry-after-ms')).toBe('2500');
    expect(error.headers?.get('x-should-retry')).toBe('true');
    expect(error.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(error.requestID).toBe(env.mock.requests[0]?.requestId);
  });

  it("answers OpenAI's insufficient_quota 429 with its own type and message", async () => {
    env.mock.enqueue('openai.chat', { error: { status: 429, code: 'insufficient_quota' } });
    const error = (await openaiClient(env.mock)
      .chat.completions.create(chatBody())
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.error).toMatchObject({
      type: 'insufficient_quota',
      code: 'insufficient_quota',
      message: expect.stringContaining('exceeded your current quota'),
    });
  });

  it('answers Anthropic errors in its shape with the request id', async () => {
    env.mock.enqueue(
      'anthropic.messages',
      { error: { status: 529 } },
      { error: { status: 429, retryAfter: 12 } },
    );
    const anthropic = anthropicClient(env.mock);
    const overloaded = (await anthropic.messages
      .create(anthropicBody)
      .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(overloaded.status).toBe(529);
    expect(overloaded.error).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
      request_id: env.mock.requests[0]?.requestId,
    });
    expect(overloaded.requestID).toBe(env.mock.requests[0]?.requestId);
    const limited = (await anthropic.messages
      .create(anthropicBody)
      .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect(limited.headers?.get('retry-after')).toBe('12');
    expect(limited.headers?.get('anthropic-ratelimit-requests-remaining')).toBe('0');
  });

  it("drives the SDK's own retry: waits retry-after-ms, then succeeds, and the log shows the gap", async () => {
    env.mock.enqueue(
      'openai.chat',
      { error: { status: 503, retryAfterMs: 120 } },
      { text: 'recovered' },
    );
    const completion = await openaiClient(env.mock, { maxRetries: 1 }).chat.completions.create(
      chatBody(),
    );
    expect(completion.choices[0]?.message.content).toBe('recovered');
    const [first, second] = env.mock.requests;
    expect(first?.status).toBe(503);
    expect(second?.headers['x-stainless-retry-count']).toBe('1');
    expect(
      (second?.timings.receivedAt ?? 0) - (first?.timings.endedAt ?? 0),
    ).toBeGreaterThanOrEqual(100);
  });

  it('stops the SDK from retrying with x-should-retry: false', async () => {
    env.mock.enqueue(
      'anthropic.messages',
      { error: { status: 500, shouldRetry: false } },
      { text: 'never reached' },
    );
    const error = await anthropicClient(env.mock, { maxRetries: 2 })
      .messages.create(anthropicBody)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect(env.mock.requests).toHaveLength(1);
  });
});

describe('headers', () => {
  it('sends OpenAI request ids and rate-limit headers in its format', async () => {
    const { headers } = await rawPost(`${env.mock.openaiBaseURL}/chat/completions`, chatBody());
    expect(headers.get('x-request-id')).toBe(env.mock.requests[0]?.requestId);
    expect(headers.get('openai-version')).toBe('2020-10-01');
    expect(headers.get('x-ratelimit-limit-requests')).toBe('10000');
    expect(headers.get('x-ratelimit-remaining-requests')).toBe('9999');
    expect(headers.get('x-ratelimit-reset-requests')).toMatch(/^(\d+ms|(\d+h)?(\d+m)?\d+s)$/);
  });

  it('sends Anthropic request ids and rate-limit headers with RFC 3339 resets', async () => {
    const { headers } = await rawPost(
      `${env.mock.anthropicBaseURL}/v1/messages`,
      anthropicBody,
      anthropicHeaders,
    );
    expect(headers.get('request-id')).toBe(env.mock.requests[0]?.requestId);
    expect(headers.get('anthropic-ratelimit-requests-limit')).toBe('10000');
    expect(headers.get('anthropic-ratelimit-tokens-reset')).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
  });

  it('lets a script override or add headers', async () => {
    env.mock.enqueue('openai.chat', {
      text: 'x',
      headers: { 'x-ratelimit-remaining-tokens': '7', 'x-custom': 'yes' },
    });
    const { headers } = await rawPost(`${env.mock.openaiBaseURL}/chat/completions`, chatBody());
    expect(headers.get('x-ratelimit-remaining-tokens')).toBe('7');
    expect(headers.get('x-custom')).toBe('yes');
  });
});
