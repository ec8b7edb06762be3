import { EMPTY_USAGE } from '@keel/core';
import type { StreamStats } from '@keel/streaming';
import {
  type Budget,
  type CostLedger,
  createBudget,
  createCostLedger,
  estimateCost,
  type LedgerCall,
} from '@keel/tokens';
import { describe, expect, it } from 'vitest';
import { openAccount } from './call-account';

const usage = { ...EMPTY_USAGE, inputTokens: 1_000, outputTokens: 200 };
const count = { tokens: 900, upperBound: 950, exact: true } as const;
const stats = { estimatedOutputTokens: 40 } as StreamStats;

function setup(prices?: { input: number; output: number }) {
  const budget = createBudget({ maxCostUsd: 10, scope: 'day' });
  const ledger = createCostLedger();
  const account = openAccount({
    modelId: 'gpt-4o-mini',
    budgets: [budget],
    ledger,
    pricing: { ...(prices && { prices }), cacheWriteTtl: '5m' },
    metadata: { userId: 'ana', feature: 'chat' },
  });
  return { budget, ledger, account };
}

describe('openAccount', () => {
  it('holds the worst case, then settles, records and reports one figure', async () => {
    const { budget, ledger, account } = setup();
    await account.reserve({ inputTokens: 950, maxOutputTokens: 1_000 });
    expect(budget.snapshot()).toMatchObject({ inFlight: 1, spentUsd: 0 });
    const bill = account.bill({ modelId: 'gpt-4o-mini' }, usage, count, stats);
    expect(bill).toEqual({ usage, cost: estimateCost(usage, 'gpt-4o-mini') });
    await account.close({ modelId: 'gpt-4o-mini' }, bill);
    expect(budget.snapshot()).toMatchObject({ inFlight: 0, reservedUsd: 0 });
    expect(budget.snapshot().spentUsd).toBeCloseTo(bill.cost?.total ?? Number.NaN, 12);
    const { total, byUser, byFeature } = ledger.snapshot();
    expect(total).toMatchObject({ calls: 1, usage, cost: bill.cost });
    expect(byUser.ana?.cost).toEqual(bill.cost);
    expect(byFeature.chat?.calls).toBe(1);
  });

  it("prices at the model's own prices, 0 included, never the catalogue's", async () => {
    const { ledger, account } = setup({ input: 0, output: 0 });
    const bill = account.bill({ modelId: 'gpt-4o-mini' }, usage);
    expect(bill.cost?.total).toBe(0);
    await account.close({ modelId: 'gpt-4o-mini' }, bill);
    expect(ledger.snapshot().total.cost.total).toBe(0);
  });

  it('completes what the provider did not report from what was sent and received', () => {
    const { account } = setup();
    const answerer = { modelId: 'gpt-4o-mini' };
    expect(account.bill(answerer, undefined, count, stats).usage).toMatchObject({
      inputTokens: 900,
      outputTokens: 40,
    });
    const reportedByStats = {
      ...stats,
      usage: { ...EMPTY_USAGE, inputTokens: 5, outputTokens: 0 },
    };
    expect(account.bill(answerer, undefined, count, reportedByStats).usage).toMatchObject({
      inputTokens: 5,
      outputTokens: 40,
    });
    expect(account.bill(answerer, usage, count, stats).usage).toEqual(usage);
  });

  it('releases the holds and records nothing when no model answered', async () => {
    const { budget, ledger, account } = setup();
    await account.reserve({ inputTokens: 950, maxOutputTokens: 1_000 });
    await account.close(undefined, account.bill({ modelId: 'gpt-4o-mini' }, undefined));
    expect(budget.snapshot()).toMatchObject({ inFlight: 0, spentUsd: 0, reservedUsd: 0 });
    expect(ledger.snapshot().total.calls).toBe(0);
  });

  it('bills a fallback at its prices, and leaves a Keel fallback on the same ledger to itself', async () => {
    const { budget, ledger, account } = setup({ input: 100, output: 100 });
    await account.reserve({ inputTokens: 950, maxOutputTokens: 1_000 });
    const answerer = { modelId: 'claude-haiku-4-5', prices: { input: 1, output: 2 } };
    const bill = account.bill(answerer, usage);
    expect(bill.cost).toEqual(estimateCost(usage, 'claude-haiku-4-5', { prices: answerer.prices }));
    await account.close(answerer, bill);
    expect(budget.snapshot().spentUsd).toBeCloseTo(bill.cost?.total ?? Number.NaN, 12);
    expect(ledger.snapshot().byModel['claude-haiku-4-5']?.cost).toEqual(bill.cost);

    const shared = setup();
    await shared.account.close({ modelId: 'claude-haiku-4-5', ledger: shared.ledger }, bill);
    expect(shared.ledger.snapshot().total.calls).toBe(0);
  });

  it('awaits budgets and ledgers that answer with promises, and records one figure under one call id', async () => {
    const inner = createBudget({ maxCostUsd: 10, scope: 'day' });
    const budget: Budget = {
      scope: inner.scope,
      reserve: async (estimate) => inner.reserve(estimate),
      settle: async (reservation, used, options) => inner.settle(reservation, used, options),
      release: async (reservation) => inner.release(reservation),
      snapshot: async () => inner.snapshot(),
    };
    const recorded: LedgerCall[] = [];
    const innerLedger = createCostLedger();
    const ledger: CostLedger = {
      record: async (call) => {
        recorded.push(call);
        return innerLedger.record(call);
      },
      snapshot: async () => innerLedger.snapshot(),
    };
    const account = openAccount({
      modelId: 'gpt-4o-mini',
      budgets: [budget],
      ledger,
      pricing: { prices: { input: 3, output: 7 }, cacheWriteTtl: '5m' },
    });
    await account.reserve({ inputTokens: 950, maxOutputTokens: 1_000 });
    expect(await budget.snapshot()).toMatchObject({ inFlight: 1 });
    const bill = account.bill({ modelId: 'gpt-4o-mini' }, usage);
    await account.close({ modelId: 'gpt-4o-mini' }, bill);
    expect(await budget.snapshot()).toMatchObject({ inFlight: 0, spentUsd: bill.cost?.total });
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ cost: bill.cost, callId: expect.any(String) });
    // A retried write of the same call is counted once.
    await ledger.record(recorded[0] as LedgerCall);
    expect((await ledger.snapshot()).total).toMatchObject({ calls: 1, cost: bill.cost });
  });
});
