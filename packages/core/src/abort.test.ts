import { describe, expect, it } from 'vitest';
import { isAbortError, throwIfAborted } from './abort';
import { TimeoutError } from './timeout-error';

describe('throwIfAborted', () => {
  it('does nothing without a signal or before an abort', () => {
    expect(() => throwIfAborted(undefined)).not.toThrow();
    expect(() => throwIfAborted(new AbortController().signal)).not.toThrow();
  });

  it("throws the signal's reason once aborted", () => {
    const reason = new Error('stop');
    expect(() => throwIfAborted(AbortSignal.abort(reason))).toThrow(reason);
  });
});

describe('isAbortError', () => {
  it('recognises the standard abort errors', () => {
    expect(isAbortError(AbortSignal.abort().reason)).toBe(true);
    expect(isAbortError(new DOMException('x', 'AbortError'))).toBe(true);
  });

  it('does not mistake timeouts or other values for aborts', () => {
    expect(isAbortError(new TimeoutError({ timeoutMs: 1 }))).toBe(false);
    expect(isAbortError(new Error('AbortError'))).toBe(false);
    expect(isAbortError('AbortError')).toBe(false);
    expect(isAbortError(null)).toBe(false);
  });
});
