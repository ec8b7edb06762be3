import { describe, expect, it } from 'vitest';
import { retryAfterMs } from './retry-after';

const now = Date.parse('2026-11-21T12:00:00Z');
const withHeaders = (headers: Record<string, string>) => ({
  status: 429,
  headers: new Headers(headers),
});

describe('retryAfterMs', () => {
  it.each([
    [{ 'retry-after': '3' }, 3_000],
    [{ 'retry-after': '0' }, 0],
    [{ 'retry-after': '1.5' }, 1_500],
    [{ 'retry-after': '3600' }, 3_600_000],
    [{ 'retry-after-ms': '250' }, 250],
    [{ 'retry-after-ms': '250', 'retry-after': '9' }, 250],
    [{ 'retry-after': 'Sat, 21 Nov 2026 12:00:05 GMT' }, 5_000],
    [{ 'retry-after': 'Sat, 21 Nov 2026 11:59:00 GMT' }, 0],
  ])('reads %j as %i ms', (headers, expected) => {
    expect(retryAfterMs(withHeaders(headers), now)).toBe(expected);
  });

  it.each<Record<string, string>>([
    { 'retry-after': '-5' },
    { 'retry-after': 'soon' },
    { 'retry-after': '' },
    { 'retry-after-ms': '-1' },
    { 'retry-after-ms': 'NaN' },
    {},
  ])('ignores %j', (headers) => {
    expect(retryAfterMs(withHeaders(headers), now)).toBeUndefined();
  });

  it('reads plain header records case-insensitively, and response.headers', () => {
    expect(retryAfterMs({ headers: { 'Retry-After': '2' } }, now)).toBe(2_000);
    expect(retryAfterMs({ response: { headers: new Headers({ 'retry-after': '4' }) } }, now)).toBe(
      4_000,
    );
  });

  it("prefers an error's own retryAfterMs (Keel errors)", () => {
    expect(
      retryAfterMs({ retryAfterMs: 700, headers: new Headers({ 'retry-after': '9' }) }, now),
    ).toBe(700);
  });

  it('is undefined for values without headers', () => {
    for (const value of [null, undefined, 'x', new Error('e')])
      expect(retryAfterMs(value, now)).toBeUndefined();
  });
});
