import { describe, expect, it, vi } from 'vitest';
import { httpError } from '../test/drive';
import { BrokenCircuitError } from './broken-circuit-error';
import { fallback, fallbackStream } from './fallback';

async function* items<T>(values: T[], failAfter?: { count: number; error: unknown }) {
  for (const [i, value] of values.entries()) {
    if (failAfter && i === failAfter.count) throw failAfter.error;
    yield value;
  }
  if (failAfter && failAfter.count >= values.length) throw failAfter.error;
}

describe('fallback', () => {
  it('moves on after retryable, rate-limited and breaker-open failures', async () => {
    const onFallback = vi.fn();
    const result = await fallback(
      [
        () => Promise.reject(httpError(503)),
        () => Promise.reject(new BrokenCircuitError({ retryAfterMs: 100 })),
        () => Promise.reject(httpError(429)),
        () => 'fourth',
      ],
      { onFallback },
    );
    expect(result).toBe('fourth');
    expect(onFallback.mock.calls.map(([event]) => [event.from, event.to])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
  });

  it('throws fatal errors at once', async () => {
    const second = vi.fn(() => 'never');
    const badRequest = httpError(400);
    await expect(fallback([() => Promise.reject(badRequest), second])).rejects.toBe(badRequest);
    expect(second).not.toHaveBeenCalled();
  });

  it('throws the last error when every alternative fails', async () => {
    const last = httpError(502);
    await expect(
      fallback([() => Promise.reject(httpError(500)), () => Promise.reject(last)]),
    ).rejects.toBe(last);
  });

  it('does not try the next alternative after the caller aborted', async () => {
    const controller = new AbortController();
    const second = vi.fn(() => 'never');
    const first = () => {
      controller.abort();
      return Promise.reject(httpError(503));
    };
    await expect(fallback([first, second], { signal: controller.signal })).rejects.toMatchObject({
      status: 503,
    });
    expect(second).not.toHaveBeenCalled();
  });
});

describe('fallbackStream', () => {
  it('switches to the next stream when the first fails before any output', async () => {
    const out: string[] = [];
    for await (const part of fallbackStream([
      () => items(['x'], { count: 0, error: httpError(529) }),
      () => items(['b', 'c']),
    ]))
      out.push(part);
    expect(out).toEqual(['b', 'c']);
  });

  it('never replays after output started: the failure surfaces to the caller', async () => {
    const out: string[] = [];
    const second = vi.fn(() => items(['replayed']));
    const failure = httpError(503);
    const reading = (async () => {
      for await (const part of fallbackStream([
        () => items(['a', 'b', 'c'], { count: 2, error: failure }),
        second,
      ]))
        out.push(part);
    })();
    await expect(reading).rejects.toBe(failure);
    expect(out).toEqual(['a', 'b']);
    expect(second).not.toHaveBeenCalled();
  });

  it('needs at least one alternative', async () => {
    await expect(fallback([])).rejects.toThrow('needs at least one alternative');
  });
});
