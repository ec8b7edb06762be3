/**
 * How long to wait between attempts: exponential backoff with the jitter formulas from AWS's
 * "Exponential Backoff And Jitter" (full and decorrelated).
 */

/** `full`: random in [0, min(cap, base * 2^n)]. `decorrelated`: min(cap, random in [base, previous * 3]). */
export type BackoffKind = 'full' | 'decorrelated';

/** The delay before retry number `retry` (1-based), given the previous delay for `decorrelated`. */
export function backoffDelay(
  kind: BackoffKind,
  {
    retry,
    previousMs,
    baseMs,
    maxMs,
    random,
  }: { retry: number; previousMs: number; baseMs: number; maxMs: number; random: () => number },
): number {
  if (kind === 'full') return random() * Math.min(maxMs, baseMs * 2 ** (retry - 1));
  const upper = Math.max(baseMs, previousMs * 3);
  return Math.min(maxMs, baseMs + random() * (upper - baseMs));
}
