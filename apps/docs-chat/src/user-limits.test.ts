import { describe, expect, it } from 'vitest';
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
});
