/**
 * How many turns answer at once (`DOCS_CHAT_MAX_TURNS`): a slot of a concurrency limit held for
 * a whole turn, its stream included. With Redis the slots are leases every replica shares,
 * renewed while the turn runs, so a replica that dies frees its slots when their lease runs out.
 */
import { type ConcurrencyLimit, ConcurrencyLimitError, concurrencyLimit } from '@keel/resilience';
import { redisConcurrencyLimit } from '@keel/resilience/redis';
import { ChatError } from './chat-error';
import type { SharedRedis } from './redis-connection';

/** The turn slots of the app. */
export interface TurnSlots {
  /**
   * Resolves, once a slot is free, with the function that frees it.
   *
   * @throws ChatError `overloaded` (503) when no slot frees within the queue time.
   */
  acquire(signal?: AbortSignal): Promise<() => void>;
}

/** Options of {@link createTurnSlots}. */
export interface TurnSlotsOptions {
  maxTurns: number;
  queueMs: number;
  leaseMs: number;
  redis?: SharedRedis;
}

/** Creates the slots. */
export function createTurnSlots({
  maxTurns,
  queueMs,
  leaseMs,
  redis,
}: TurnSlotsOptions): TurnSlots {
  const limit: ConcurrencyLimit = redis
    ? redisConcurrencyLimit({
        ...redis,
        key: 'turns',
        maxConcurrent: maxTurns,
        queueTimeoutMs: queueMs,
        leaseTtlMs: leaseMs,
      })
    : concurrencyLimit({ maxConcurrent: maxTurns, queueTimeoutMs: queueMs });
  return {
    acquire(signal) {
      return new Promise((resolve, reject) => {
        let entered = false;
        // The limit holds the slot while the function's promise is pending: the turn settles it.
        limit
          .execute(
            () =>
              new Promise<void>((free) => {
                entered = true;
                resolve(() => free());
              }),
            signal ? { signal } : {},
          )
          .catch((error: unknown) => {
            if (entered) return;
            if (!ConcurrencyLimitError.isInstance(error)) return reject(error);
            reject(
              new ChatError({
                code: 'overloaded',
                message: `All ${maxTurns} answering slots stayed busy for ${queueMs} ms; retry shortly`,
                retryAfterMs: 1_000,
                cause: error,
              }),
            );
          });
      });
    },
  };
}
