/**
 * Per-user limits: a request rate (a token bucket per user, refusing instead of queueing) and
 * a daily budget of tokens and dollars, seeded from the ledger so it holds across restarts.
 */
import { keyed, RateLimitExceededError, rateLimiter } from '@keel/resilience';
import { type Budget, createBudget } from '@keel/tokens';
import { ChatError } from './chat-error';
import type { LedgerStore } from './ledger-store';

/** The limits of every user. */
export interface UserLimits {
  /** Takes one request from the user's rate; throws a 429 {@link ChatError} when none is left. */
  admit(userId: string): Promise<void>;
  /**
   * The user's budget for today (UTC); throws a 429 {@link ChatError} when it is spent.
   */
  budget(userId: string): Promise<Budget>;
}

const DAY_MS = 86_400_000;

/** Creates the limits. */
export function createUserLimits({
  requestsPerMinute,
  dailyTokens,
  dailyUsd,
  minTurnTokens,
  ledger,
  now = Date.now,
}: {
  requestsPerMinute: number;
  dailyTokens: number;
  dailyUsd: number;
  /** Tokens a turn needs at least (its output allowance); less left counts as spent. */
  minTurnTokens: number;
  ledger: LedgerStore;
  now?: () => number;
}): UserLimits {
  const limiters = keyed(() => rateLimiter({ requestsPerMinute, maxWaitMs: 0 }), {
    maxKeys: 100_000,
  });
  let day = -1;
  let budgets = new Map<string, Promise<Budget>>();

  return {
    async admit(userId) {
      try {
        await limiters.get(userId).acquire();
      } catch (error) {
        if (!RateLimitExceededError.isInstance(error)) throw error;
        throw new ChatError({
          code: 'rate_limited',
          message: `Too many requests: at most ${requestsPerMinute} a minute per user; retry after the Retry-After seconds`,
          retryAfterMs: error.retryAfterMs,
          cause: error,
        });
      }
    },

    async budget(userId) {
      const today = Math.floor(now() / DAY_MS);
      if (today !== day) {
        day = today;
        budgets = new Map();
      }
      let pending = budgets.get(userId);
      if (!pending) {
        pending = ledger.spentSince(userId, new Date(today * DAY_MS)).then((spent) =>
          createBudget({
            scope: `user:${userId}`,
            maxTokens: Math.max(0, dailyTokens - spent.tokens),
            maxCostUsd: Math.max(0, dailyUsd - spent.costUsd),
          }),
        );
        budgets.set(userId, pending);
        // A failed read is not kept: the next request reads the ledger again.
        const failed = pending;
        failed.catch(() => {
          if (budgets.get(userId) === failed) budgets.delete(userId);
        });
      }
      const budget = await pending;
      const { spentTokens, spentUsd, maxTokens = 0, maxCostUsd = 0 } = await budget.snapshot();
      if (maxTokens - spentTokens < minTurnTokens || spentUsd >= maxCostUsd) {
        throw new ChatError({
          code: 'budget_exceeded',
          message: `Daily budget spent (${dailyTokens} tokens or $${dailyUsd} a day per user); it resets at 00:00 UTC`,
          retryAfterMs: (today + 1) * DAY_MS - now(),
        });
      }
      return budget;
    },
  };
}
