import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './invalid-argument-error';
import { KeelError } from './keel-error';
import { TimeoutError } from './timeout-error';

describe('KeelError', () => {
  it('keeps name, message and cause', () => {
    const cause = new Error('socket hang up');
    const error = new KeelError({ name: 'ProviderError', message: 'OpenAI failed', cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ProviderError');
    expect(error.message).toBe('OpenAI failed');
    expect(error.cause).toBe(cause);
    expect(String(error)).toBe('ProviderError: OpenAI failed');
  });

  it('has no cause property when none was given', () => {
    expect('cause' in new KeelError({ name: 'X', message: 'y' })).toBe(false);
  });

  it('recognises subclasses as KeelErrors, and each subclass only its own kind', () => {
    const timeout = new TimeoutError({ timeoutMs: 10 });
    const invalid = new InvalidArgumentError({ argument: 'ms', message: 'bad' });
    expect(KeelError.isInstance(timeout)).toBe(true);
    expect(KeelError.isInstance(invalid)).toBe(true);
    expect(TimeoutError.isInstance(timeout)).toBe(true);
    expect(TimeoutError.isInstance(invalid)).toBe(false);
    expect(InvalidArgumentError.isInstance(invalid)).toBe(true);
  });

  it('recognises errors from another copy of Keel by their marker, not by class identity', () => {
    const fromOtherCopy = Object.assign(new Error('elsewhere'), {
      [Symbol.for('keel.error')]: true,
      [Symbol.for('keel.error.TimeoutError')]: true,
      timeoutMs: 5,
    });
    expect(fromOtherCopy instanceof TimeoutError).toBe(false);
    expect(TimeoutError.isInstance(fromOtherCopy)).toBe(true);
    expect(KeelError.isInstance(fromOtherCopy)).toBe(true);
  });

  it.each([null, undefined, 'error', 42, new Error('plain'), { name: 'TimeoutError' }])(
    'is not fooled by %s',
    (value) => {
      expect(KeelError.isInstance(value)).toBe(false);
      expect(TimeoutError.isInstance(value)).toBe(false);
    },
  );
});

describe('TimeoutError', () => {
  it('says what happened and what to do, and keeps the limit', () => {
    const error = new TimeoutError({ timeoutMs: 250 });
    expect(error.timeoutMs).toBe(250);
    expect(error.message).toBe(
      'Operation timed out after 250 ms; raise the timeout or make the work smaller',
    );
  });
});
