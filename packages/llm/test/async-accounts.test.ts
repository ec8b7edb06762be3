/**
 * Budgets and ledgers that answer with promises (a budget in Redis, a ledger in PostgreSQL):
 * a call is held, settled and recorded once through them, is refused before any request when
 * the budget refuses, and a budget or ledger that fails is reported in the result, which
 * still settles.
 */
import { SharedStateUnavailableError } from '@keel/core';
import {
  type Budget,
  BudgetExceededError,
  type CostLedger,
  createBudget,
  createCostLedger,
  type LedgerCall,
} from '@keel/tokens';
import { describe, expect, it } from 'vitest';
import { ask, useMock } from './helpers';

const env = useMock();
const sent = { inputTokens: 1_200, outputTokens: 40 };

/** An in-process budget behind promises, as a budget on Redis answers. */
function asyncBudget(maxCostUsd: number): Budget {
  const inner = createBudget({ scope: 'user:1', maxCostUsd });
  return {
    scope: inner.scope,
    reserve: async (estimate) => inner.reserve(estimate),
    settle: async (reservation, usage, options) => inner.settle(reservation, usage, options),
    release: async (reservation) => inner.release(reservation),
    snapshot: async () => inner.snapshot(),
  };
}

function asyncLedger(fail = false): CostLedger & { calls: LedgerCall[] } {
  const inner = createCostLedger();
  const calls: LedgerCall[] = [];
  return {
    calls,
    record: async (call) => {
      calls.push(call);
      if (fail) {
        throw new SharedStateUnavailableError({ engine: 'postgres', operation: 'ledger.record' });
      }
      return inner.record(call);
    },
    snapshot: async () => inner.snapshot(),
  };
}

describe('budgets and ledgers that answer with promises', () => {
  it('hold, settle and record one bill under one call id', async () => {
    const budget = asyncBudget(10);
    const ledger = asyncLedger();
    env.mock.enqueue('openai.chat', { text: 'Hello.', usage: sent });
    const stream = env.openai({ budget, ledger }).stream(ask('Hi'));
    for await (const _ of stream);
    const summary = await stream.result;
    expect(summary.error).toBeUndefined();
    expect(await budget.snapshot()).toMatchObject({ inFlight: 0, spentUsd: summary.costUsd });
    expect(ledger.calls).toHaveLength(1);
    expect(ledger.calls[0]).toMatchObject({ cost: summary.cost, callId: expect.any(String) });
    expect((await ledger.snapshot()).total.cost).toEqual(summary.cost);
  });

  it('refuses a call the budget refuses, before any request', async () => {
    const budget = asyncBudget(0);
    const stream = env.openai({ budget }).stream(ask('Hi'));
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toSatisfy(BudgetExceededError.isInstance);
    expect(env.mock.requests).toHaveLength(0);
    expect(await budget.snapshot()).toMatchObject({ inFlight: 0, spentUsd: 0 });
  });

  it('reports a ledger that failed in the result, which still settles', async () => {
    const budget = asyncBudget(10);
    env.mock.enqueue('openai.chat', { text: 'Hello.', usage: sent });
    const stream = env.openai({ budget, ledger: asyncLedger(true) }).stream(ask('Hi'));
    for await (const _ of stream);
    const summary = await stream.result;
    expect(summary.finishReason).toBe('stop');
    expect(SharedStateUnavailableError.isInstance(summary.error)).toBe(true);
    expect(await budget.snapshot()).toMatchObject({ inFlight: 0, spentUsd: summary.costUsd });
  });
});
