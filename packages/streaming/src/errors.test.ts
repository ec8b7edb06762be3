import { KeelError, TimeoutError } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { ProviderStreamError } from './provider-stream-error';
import { SSEEventTooLargeError } from './sse-event-too-large-error';
import { StreamParseError } from './stream-parse-error';
import { StreamTimeoutError } from './stream-timeout-error';
import { StreamTruncatedError } from './stream-truncated-error';
import { ToolInputParseError } from './tool-input-parse-error';

describe('errors', () => {
  const errors = [
    new SSEEventTooLargeError({ limit: 10 }),
    new StreamTruncatedError({ expected: 'message_stop', cause: new TypeError('terminated') }),
    new StreamParseError({ data: `{"a":${'x'.repeat(2_000)}` }),
    new ToolInputParseError({ toolCallId: 'c1', toolName: 'f', text: '{"a":' }),
    new ProviderStreamError({
      provider: 'anthropic',
      type: 'invalid_request_error',
      message: 'bad',
      raw: {},
    }),
    new StreamTimeoutError({ phase: 'idle', timeoutMs: 30_000 }),
  ];

  it('are KeelErrors recognised by their own isInstance only', () => {
    const checks = [
      SSEEventTooLargeError.isInstance,
      StreamTruncatedError.isInstance,
      StreamParseError.isInstance,
      ToolInputParseError.isInstance,
      ProviderStreamError.isInstance,
      StreamTimeoutError.isInstance,
    ];
    errors.forEach((error, index) => {
      expect(KeelError.isInstance(error)).toBe(true);
      expect(checks.map((check) => check(error))).toEqual(
        checks.map((_, other) => other === index),
      );
    });
    expect(TimeoutError.isInstance(errors[5])).toBe(true);
  });

  it('carry stable names, the data to decide on and messages that say what to do', () => {
    expect(errors.map((error) => error.name)).toEqual([
      'SSEEventTooLargeError',
      'StreamTruncatedError',
      'StreamParseError',
      'ToolInputParseError',
      'ProviderStreamError',
      'StreamTimeoutError',
    ]);
    expect(errors[1]?.message).toBe(
      'The stream ended before its terminal event (message_stop) because reading failed: terminated; the answer may be incomplete, retry the request',
    );
    expect((errors[2] as StreamParseError).data).toHaveLength(1_000);
    expect(errors[3]?.message).toMatch(
      /^Tool call c1 \(f\) has arguments that are not valid JSON \(5 characters\)/,
    );
    expect((errors[4] as ProviderStreamError).isRetryable).toBe(false);
    expect(errors[5]?.message).toMatch(/stalled for 30000 ms; the upstream was cancelled/);
  });
});
