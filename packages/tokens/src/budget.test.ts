import { EMPTY_USAGE, type Usage } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { createBudget } from './budget';
import { BudgetExceededError } from './budget-exceeded-error';

const usage = (inputTokens: number, outputTokens: number): Usage => ({
  ...EMPTY_USAGE,
  inputTokens,
  outputTokens,
});

describe('createBudget', () => {
  it('reserves the worst case and refuses what would pass the token limit', () => {
    const budget = createBudget({ scope: 'request', maxTokens: 1_000 });
    const hold = budget.reserve({ model: 'gpt-4o', inputTokens: 300, maxOutputTokens: 200 });
    expect(hold.tokens).toBe(500);
    expect(budget.snapshot()).toMatchObject({ reservedTokens: 500, spentTokens: 0, inFlight: 1 });

    let caught: unknown;
    try {
      budget.reserve({ model: 'gpt-4o', inputTokens: 400, maxOutputTokens: 200 });
    } catch (error) {
      caught = error;
    }
    expect(BudgetExceededError.isInstance(caught)).toBe(true);
    expect(caught).toMatchObject({
      scope: 'request',
      unit: 'tokens',
      limit: 1_000,
      used: 500,
      requested: 600,
    });
    expect((caught as Error).message).toMatch(
      /Budget "request" would exceed its limit of 1000 tokens/,
    );
  });

  it('frees the unused part of a reservation when settled', () => {
    const budget = createBudget({ scope: 'request', maxTokens: 1_000 });
    const hold = budget.reserve({ model: 'gpt-4o', inputTokens: 300, maxOutputTokens: 600 });
    budget.settle(hold, usage(300, 50));
    expect(budget.snapshot()).toMatchObject({ spentTokens: 350, reservedTokens: 0, inFlight: 0 });
    expect(() =>
      budget.reserve({ model: 'gpt-4o', inputTokens: 600, maxOutputTokens: 50 }),
    ).not.toThrow();
  });

  it("defaults the output to the model's maximum", () => {
    const budget = createBudget({ scope: 's', maxTokens: 1_000_000 });
    expect(budget.reserve({ model: 'gpt-4o', inputTokens: 10 }).tokens).toBe(10 + 16_384);
  });

  it('prices the worst case at the highest input rate, cache writes included', () => {
    const budget = createBudget({ scope: 'user:1', maxCostUsd: 1 });
    // 10,000 input at the 1-hour cache-write rate ($6/M) + 1,000 output at $15/M
    const hold = budget.reserve({
      model: 'claude-sonnet-4-5',
      inputTokens: 10_000,
      maxOutputTokens: 1_000,
    });
    expect(hold.costUsd).toBe(0.075);
    budget.settle(hold, { ...usage(10_000, 1_000), cacheReadTokens: 10_000 });
    expect(budget.snapshot().spentUsd).toBe(0.018);
  });

  it('never lets concurrent calls overspend', async () => {
    const budget = createBudget({ scope: 'tenant', maxCostUsd: 0.05 });
    let admitted = 0;
    let refused = 0;
    await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, i % 7));
        let hold: ReturnType<typeof budget.reserve>;
        try {
          hold = budget.reserve({ model: 'gpt-4o', inputTokens: 1_000, maxOutputTokens: 500 });
        } catch (error) {
          if (!BudgetExceededError.isInstance(error)) throw error;
          refused++;
          return;
        }
        admitted++;
        await new Promise((resolve) => setTimeout(resolve, 1));
        budget.settle(hold, usage(1_000, 500));
      }),
    );
    // Each call costs $0.0075 at worst: 6 fit in $0.05.
    expect(admitted).toBe(6);
    expect(refused).toBe(94);
    expect(budget.snapshot().spentUsd).toBeLessThanOrEqual(0.05);
  });

  it('releases reservations of failed calls, and refuses to settle twice', () => {
    const budget = createBudget({ scope: 's', maxTokens: 100 });
    const hold = budget.reserve({ model: 'gpt-4o', inputTokens: 50, maxOutputTokens: 50 });
    budget.release(hold);
    expect(budget.snapshot()).toMatchObject({ reservedTokens: 0, spentTokens: 0 });
    expect(() => budget.settle(hold, usage(1, 1))).toThrow(/not open on budget "s"/);
    const other = createBudget({ scope: 'other', maxTokens: 100 });
    const foreign = other.reserve({ model: 'gpt-4o', inputTokens: 1, maxOutputTokens: 1 });
    expect(() => budget.release(foreign)).toThrow(/belongs to another budget/);
  });

  it('rejects bad limits and bad usage', () => {
    expect(() => createBudget({ scope: 's' })).toThrow(/needs maxTokens, maxCostUsd or both/);
    expect(() => createBudget({ scope: 's', maxTokens: -1 })).toThrow(
      /maxTokens must be a whole number/,
    );
    expect(() => createBudget({ scope: 's', maxCostUsd: Number.NaN })).toThrow(
      /maxCostUsd must be a finite number/,
    );
    expect(() => createBudget({ scope: '', maxTokens: 1 })).toThrow(/scope/);
    const budget = createBudget({ scope: 's', maxTokens: 100 });
    expect(() => budget.reserve({ model: 'gpt-4o', inputTokens: -3, maxOutputTokens: 1 })).toThrow(
      /inputTokens/,
    );
    const hold = budget.reserve({ model: 'gpt-4o', inputTokens: 1, maxOutputTokens: 1 });
    expect(() => budget.settle(hold, usage(Number.NaN, 1))).toThrow(/usage.inputTokens/);
    expect(budget.snapshot().inFlight).toBe(1);
  });
});
