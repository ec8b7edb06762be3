import { describe, expect, it } from 'vitest';
import { ChatError } from './chat-error';
import type { LedgerStore } from './ledger-store';
import { createUserLimits } from './user-limits';

describe('createUserLimits', () => {
  it('retries reading the ledger after a failure instead of keeping the failure all day', async () => {
    let calls = 0;
    const ledger = {
      async spentSince() {
        calls++;
        if (calls === 1) throw new Error('database busy');
        return { tokens: 0, costUsd: 0 };
      },
    } as unknown as LedgerStore;
    const limits = createUserLimits({
      requestsPerMinute: 100,
      dailyTokens: 10_000,
      dailyUsd: 1,
      minTurnTokens: 100,
      ledger,
      now: () => Date.UTC(2026, 0, 1, 12),
    });
    await expect(limits.budget('alice')).rejects.toThrow('database busy');
    await expect(limits.budget('alice')).resolves.toBeDefined();
    expect(calls).toBe(2);
  });

  it('with Redis down, admits requests (fail open) but refuses turns it cannot budget (503)', async () => {
    const down = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    const limits = createUserLimits({
      requestsPerMinute: 1,
      dailyTokens: 10_000,
      dailyUsd: 1,
      minTurnTokens: 100,
      ledger: { spentSince: async () => ({ tokens: 0, costUsd: 0 }) } as unknown as LedgerStore,
      redis: { redis: { evalsha: down, eval: down }, prefix: 'test:', timeoutMs: 100 },
    });
    await limits.admit('alice');
    await limits.admit('alice');
    const refused = await limits.budget('alice').catch((error: unknown) => error);
    expect(ChatError.isInstance(refused)).toBe(true);
    expect(refused).toMatchObject({ code: 'overloaded', status: 503 });
  });

  it("refuses a turn whose first call the day's budget cannot hold (429 until 00:00 UTC), tokens or dollars", async () => {
    const limits = createUserLimits({
      requestsPerMinute: 100,
      dailyTokens: 10_000,
      dailyUsd: 0.01,
      minTurnTokens: 1_000,
      ledger: {
        spentSince: async () => ({ tokens: 4_000, costUsd: 0 }),
      } as unknown as LedgerStore,
      now: () => Date.UTC(2026, 0, 1, 18),
    });
    const { cover } = await limits.budget('alice');
    // 6,000 tokens left: a 4,000-token prompt with 1,000 out fits, a 5,500-token one does not.
    expect(() =>
      cover({ model: 'gpt-4o-mini', inputTokens: 4_000, maxOutputTokens: 1_000 }),
    ).not.toThrow();
    const refused = (() => {
      try {
        cover({ model: 'gpt-4o-mini', inputTokens: 5_500, maxOutputTokens: 1_000 });
      } catch (error) {
        return error;
      }
    })();
    expect(ChatError.isInstance(refused)).toBe(true);
    expect(refused).toMatchObject({
      code: 'budget_exceeded',
      status: 429,
      retryAfterMs: 6 * 3_600_000,
    });
    // Within the tokens, past the cent: gpt-4o's worst case for 4,000 in and 1,000 out is $0.02.
    expect(() => cover({ model: 'gpt-4o', inputTokens: 4_000, maxOutputTokens: 1_000 })).toThrow(
      /usage limit/,
    );
    // A model with no known price is left to its own call, which says so.
    expect(() =>
      cover({ model: 'my-local-model', inputTokens: 100, maxOutputTokens: 100 }),
    ).not.toThrow();
  });
});
