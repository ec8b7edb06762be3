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
});
