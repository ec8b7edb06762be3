import type { Instrumentation } from '@keel/core';
import { createBudget } from '@keel/tokens';
import { describe, expect, it } from 'vitest';
import { createOfflineModel } from './offline-model';

describe('createOfflineModel', () => {
  it('ends the call it reported when the budget refuses it', async () => {
    const outcomes: string[] = [];
    let started = 0;
    const instrumentation = {
      startModelCall() {
        started++;
        return { end: (result: { outcome: string }) => outcomes.push(result.outcome) };
      },
    } as unknown as Instrumentation;
    const model = createOfflineModel({
      question: 'What is ef?',
      sources: () => [],
      budget: createBudget({ scope: 'test', maxTokens: 20 }),
      instrumentation,
    });
    const run = async () => {
      for await (const _part of model.stream({
        messages: [{ role: 'user', content: 'What is ef?' }],
        maxTokens: 100,
      })) {
        // drain
      }
    };
    await expect(run()).rejects.toThrow();
    expect(started).toBe(1);
    expect(outcomes).toEqual(['error']);
  });
});
