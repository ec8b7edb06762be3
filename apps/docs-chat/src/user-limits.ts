/**
 * Per-user limits: a request rate (a token bucket per user, refusing instead of queueing) and
 * a daily budget of the tokens and dollars a provider bills, seeded from the ledger's billable
 * calls so it holds across restarts. With Redis both live there, so every replica draws on one
 * rate and one budget per user.
 */
import { SharedStateUnavailableError } from '@keel/core';
import { keyed, RateLimitExceededError, type RateLimiter, rateLimiter } from '@keel/resilience';
import { redisRateLimiter } from '@keel/resilience/redis';
import {
  type Budget,
  BudgetExceededError,
  type BudgetSnapshot,
  type CallEstimate,
  createBudget,
  ModelNotFoundError,
  PriceUnavailableError,
} from '@keel/tokens';
import { createRedisBudget } from '@keel/tokens/redis';
import { ChatError } from './chat-error';
import type { LedgerStore } from './ledger-store';
import type { SharedRedis } from './redis-connection';

/** The limits of every user. */
export interface UserLimits {
  /** Takes one request from the user's rate; throws a 429 {@link ChatError} when none is left. */
  admit(userId: string): Promise<void>;
  /**
   * The user's budget for today (UTC); throws a 429 {@link ChatError} when it is spent.
   */
  budget(userId: string): Promise<UserBudget>;
}

/** A user's budget for today, as it stood when the turn asked for it. */
export interface UserBudget {
  readonly budget: Budget;
  /**
   * Throws the 429 {@link ChatError} (`budget_exceeded`, Retry-After until 00:00 UTC) when what
   * was left cannot hold `estimate`, a turn's first model call: so a turn the budget would
   * refuse is refused before it streams. Checked on the figures already read: no round trip.
   */
  cover(estimate: CallEstimate): void;
}

/** Options of {@link createUserLimits}. */
export interface UserLimitsOptions {
  requestsPerMinute: number;
  dailyTokens: number;
  dailyUsd: number;
  /** Tokens a turn needs at least (its output allowance); less left counts as spent. */
  minTurnTokens: number;
  ledger: LedgerStore;
  /** Where replicas share the rates and budgets; without it they live in this process. */
  redis?: SharedRedis;
  now?: () => number;
}

const DAY_MS = 86_400_000;

/** One budget per user and UTC day in this process, its limit what the ledger leaves of today. */
function localBudgets({
  dailyTokens,
  dailyUsd,
  ledger,
  now,
}: Required<Omit<UserLimitsOptions, 'redis' | 'requestsPerMinute' | 'minTurnTokens'>>) {
  let day = -1;
  let budgets = new Map<string, Promise<Budget>>();
  return (userId: string): Promise<Budget> => {
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
    return pending;
  };
}

/** Creates the limits. */
export function createUserLimits({
  requestsPerMinute,
  dailyTokens,
  dailyUsd,
  minTurnTokens,
  ledger,
  redis,
  now = Date.now,
}: UserLimitsOptions): UserLimits {
  const limiters = keyed<RateLimiter>(
    (userId) =>
      redis
        ? redisRateLimiter({
            ...redis,
            key: `user:${userId}`,
            requestsPerMinute,
            maxWaitMs: 0,
          })
        : rateLimiter({ requestsPerMinute, maxWaitMs: 0 }),
    { maxKeys: 100_000 },
  );
  // Redis keeps the day's spend itself (seeded once a day from the ledger, which outlives it).
  const budgetOf = redis
    ? (userId: string): Budget =>
        createRedisBudget({
          ...redis,
          scope: `user:${userId}`,
          window: 'day',
          maxTokens: dailyTokens,
          maxCostUsd: dailyUsd,
          seed: ({ since }) => ledger.spentSince(userId, since),
        })
    : localBudgets({ dailyTokens, dailyUsd, ledger, now });

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
      const budget = await budgetOf(userId);
      let snapshot: BudgetSnapshot;
      try {
        snapshot = await budget.snapshot();
      } catch (error) {
        // A budget on Redis fails closed: no turn spends what nobody can count.
        if (!SharedStateUnavailableError.isInstance(error)) throw error;
        throw new ChatError({
          code: 'overloaded',
          message: 'Budgets cannot be checked right now (Redis is unavailable); retry shortly',
          retryAfterMs: 5_000,
          cause: error,
        });
      }
      const { spentTokens, spentUsd, reservedTokens, reservedUsd } = snapshot;
      const { maxTokens = 0, maxCostUsd = 0 } = snapshot;
      if (maxTokens - spentTokens < minTurnTokens || spentUsd >= maxCostUsd) throw spent();
      return {
        budget,
        cover(estimate) {
          // What is left, as a budget of its own: it holds the call's worst case as the real one will.
          const left = createBudget({
            scope: budget.scope,
            maxTokens: Math.max(0, maxTokens - spentTokens - reservedTokens),
            maxCostUsd: Math.max(0, maxCostUsd - spentUsd - reservedUsd),
          });
          try {
            left.reserve(estimate);
          } catch (error) {
            if (BudgetExceededError.isInstance(error)) throw spent(error);
            // A model without a known price fails its own reservation alike, and the turn says so.
            if (ModelNotFoundError.isInstance(error) || PriceUnavailableError.isInstance(error))
              return;
            throw error;
          }
        },
      };
    },
  };

  /** The refusal of a turn the day's budget cannot pay for. */
  function spent(cause?: unknown): ChatError {
    const nextDay = (Math.floor(now() / DAY_MS) + 1) * DAY_MS;
    return new ChatError({
      code: 'budget_exceeded',
      message: `You've reached today's usage limit (${dailyTokens} tokens or $${dailyUsd} a day per user); it resets at 00:00 UTC`,
      retryAfterMs: nextDay - now(),
      ...(cause !== undefined && { cause }),
    });
  }
}
