import { normalizeOpenAIChatUsage } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { createCostLedger } from './cost-ledger';
import { estimateCost } from './estimate-cost';

describe('createCostLedger', () => {
  it('aggregates calls by user, feature and canonical model', () => {
    const ledger = createCostLedger();
    const usage = normalizeOpenAIChatUsage({ prompt_tokens: 1_000, completion_tokens: 100 });
    ledger.record({ model: 'gpt-4o-2024-08-06', usage, userId: 'u1', feature: 'search' });
    ledger.record({ model: 'gpt-4o', usage, userId: 'u2', feature: 'search' });
    ledger.record({ model: 'gpt-4o-mini', usage, userId: 'u1' });

    const snapshot = ledger.snapshot();
    expect(snapshot.total.calls).toBe(3);
    expect(snapshot.total.usage.inputTokens).toBe(3_000);
    expect(snapshot.byModel['gpt-4o']?.calls).toBe(2);
    expect(snapshot.byModel['gpt-4o']?.cost.total).toBe(0.007);
    expect(snapshot.byUser.u1?.calls).toBe(2);
    expect(snapshot.byUser.u1?.cost.total).toBe(0.00371);
    expect(snapshot.byFeature.search?.calls).toBe(2);
    expect(Object.keys(snapshot.byFeature)).toEqual(['search']);
  });

  it('returns snapshots that later calls do not change and callers cannot change', () => {
    const ledger = createCostLedger();
    const usage = normalizeOpenAIChatUsage({ prompt_tokens: 10, completion_tokens: 1 });
    ledger.record({ model: 'gpt-4o', usage, userId: 'u1' });
    const before = ledger.snapshot();
    ledger.record({ model: 'gpt-4o', usage, userId: 'u1' });
    expect(before.byUser.u1?.calls).toBe(1);
    expect(() => {
      (before.total as { calls: number }).calls = 99;
    }).toThrow();
    expect(ledger.snapshot().total.calls).toBe(2);
  });

  it('records calls with their own prices and rejects bad labels', () => {
    const ledger = createCostLedger();
    const usage = normalizeOpenAIChatUsage({ prompt_tokens: 1_000_000, completion_tokens: 0 });
    expect(
      ledger.record({ model: 'in-house', usage, prices: { input: 0.2, output: 0.4 } }).total,
    ).toBe(0.2);
    expect(ledger.snapshot().byModel['in-house']?.calls).toBe(1);
    expect(() => ledger.record({ model: 'gpt-4o', usage, userId: '' })).toThrow(
      /userId must be a non-empty string/,
    );
    expect(ledger.snapshot().total.calls).toBe(1);
  });

  it('records a given cost for a model outside the catalogue, and still prices only catalogue models', () => {
    const ledger = createCostLedger();
    const usage = normalizeOpenAIChatUsage({ prompt_tokens: 1_000_000, completion_tokens: 0 });
    const cost = estimateCost(usage, 'rerank-v3', { prices: { input: 2, output: 0 } });
    expect(ledger.record({ model: 'rerank-v3', usage, cost, feature: 'rerank' }).total).toBe(2);
    ledger.record({ model: 'gpt-4o-2024-08-06', usage, cost });
    const snapshot = ledger.snapshot();
    expect(snapshot.byModel['rerank-v3']?.cost.total).toBe(2);
    expect(snapshot.byModel['gpt-4o']?.calls).toBe(1);
    expect(() => ledger.record({ model: 'rerank-v3', usage })).toThrow(/not in the/);
    expect(() => ledger.record({ model: '', usage, cost })).toThrow(/model must be a model id/);
    expect(ledger.snapshot().total.calls).toBe(2);
  });
});
