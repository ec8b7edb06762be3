import { describe, expect, it } from 'vitest';
import { manualClock } from '../test/manual-clock';
import { deadlineSignal } from './deadline-signal';
import { InvalidArgumentError } from './invalid-argument-error';
import { TimeoutError } from './timeout-error';

describe('deadlineSignal', () => {
  it('aborts with a TimeoutError carrying the limit when the deadline passes', () => {
    const clock = manualClock();
    const { signal } = deadlineSignal({ timeoutMs: 500, clock });
    clock.advance(499);
    expect(signal.aborted).toBe(false);
    clock.advance(1);
    expect(signal.aborted).toBe(true);
    expect(TimeoutError.isInstance(signal.reason)).toBe(true);
    expect(signal.reason).toMatchObject({ name: 'TimeoutError', timeoutMs: 500 });
  });

  it("passes the caller's abort reason through and stops its timer", () => {
    const clock = manualClock();
    const caller = new AbortController();
    const { signal } = deadlineSignal({ signal: caller.signal, timeoutMs: 500, clock });
    const reason = new Error('cancelled');
    caller.abort(reason);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
    expect(clock.pending()).toBe(0);
  });

  it('is aborted from the start when the caller already aborted', () => {
    const clock = manualClock();
    const { signal } = deadlineSignal({ signal: AbortSignal.abort('gone'), timeoutMs: 500, clock });
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('gone');
    expect(clock.pending()).toBe(0);
  });

  it('clear() stops the timer and detaches from the caller', () => {
    const clock = manualClock();
    const caller = new AbortController();
    const deadline = deadlineSignal({ signal: caller.signal, timeoutMs: 500, clock });
    deadline.clear();
    deadline.clear();
    expect(clock.pending()).toBe(0);
    caller.abort();
    clock.advance(1_000);
    expect(deadline.signal.aborted).toBe(false);
  });

  it('without a timeout only follows the caller', () => {
    const clock = manualClock();
    const caller = new AbortController();
    const { signal } = deadlineSignal({ signal: caller.signal, clock });
    expect(clock.pending()).toBe(0);
    caller.abort();
    expect(signal.aborted).toBe(true);
  });

  it('refuses a negative timeout', () => {
    expect(() => deadlineSignal({ timeoutMs: -5 })).toThrow(InvalidArgumentError);
  });
});
