/**
 * Requests, server errors and 429s over time, for the dashboard: each request's span (the
 * root of its trace, with its route and status) is counted in a time bucket, and only the last
 * `buckets` buckets are kept, so memory stays flat.
 */
import type { SpanRecord } from '@keel/observability';

/** One bucket's counts. */
export interface TimelinePoint {
  /** The bucket's start, epoch milliseconds. */
  at: number;
  requests: number;
  /** Answered 5xx. */
  errors: number;
  /** Answered 429 (a user's rate or daily budget). */
  rateLimited: number;
}

/** Options of {@link createRequestTimeline}. */
export interface RequestTimelineOptions {
  /** Width of a bucket; default 10 s. */
  bucketMs?: number;
  /** Buckets kept; default 360 (an hour of 10 s buckets). */
  buckets?: number;
  /** Whether a request on `route` is counted; default every route. */
  counts?: (route: string) => boolean;
}

/** The timeline. */
export interface RequestTimeline {
  /** Counts a request's root span (pass every root span as it ends). */
  add(span: SpanRecord): void;
  /** The last `buckets` buckets up to `now`, oldest first, empty ones included. */
  points(now: number): TimelinePoint[];
  readonly bucketMs: number;
}

/**
 * Creates a request timeline.
 *
 * @example
 * ```ts
 * const timeline = createRequestTimeline({ counts: (route) => route !== '/static' });
 * timeline.add(requestSpan);
 * timeline.points(Date.now()).at(-1); // { at, requests: 1, errors: 0, rateLimited: 0 }
 * ```
 */
export function createRequestTimeline({
  bucketMs = 10_000,
  buckets = 360,
  counts = () => true,
}: RequestTimelineOptions = {}): RequestTimeline {
  const byBucket = new Map<number, TimelinePoint>();

  return {
    bucketMs,
    add(span) {
      const route = span.attributes['http.route'];
      if (typeof route !== 'string' || !counts(route)) return;
      const status = Number(span.attributes['http.response.status_code']);
      const at = Math.floor((span.endTime ?? span.startTime) / bucketMs) * bucketMs;
      let point = byBucket.get(at);
      if (!point) {
        point = { at, requests: 0, errors: 0, rateLimited: 0 };
        byBucket.set(at, point);
        for (const old of byBucket.keys()) if (old <= at - buckets * bucketMs) byBucket.delete(old);
      }
      point.requests++;
      if (status >= 500) point.errors++;
      if (status === 429) point.rateLimited++;
    },
    points(now) {
      const last = Math.floor(now / bucketMs) * bucketMs;
      const from = last - (buckets - 1) * bucketMs;
      const points: TimelinePoint[] = [];
      for (let at = from; at <= last; at += bucketMs) {
        points.push(byBucket.get(at) ?? { at, requests: 0, errors: 0, rateLimited: 0 });
      }
      return points;
    },
  };
}
