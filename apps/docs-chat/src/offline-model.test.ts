import type { Instrumentation, ModelCallEnd, StreamPart } from '@keel/core';
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

  it('a cancelled call ends with its usage part ($0) and finish: abort, as it reported the call', async () => {
    const ends: ModelCallEnd[] = [];
    const instrumentation = {
      startModelCall: () => ({ end: (end: ModelCallEnd) => ends.push(end) }),
    } as unknown as Instrumentation;
    const source = {
      citationId: 'a.md#0',
      score: 1,
      chunk: {
        id: 'a.md#0',
        sourceId: 'a.md',
        text: 'Budgets cap the tokens and dollars a user may spend in a day. They reset daily.',
        startLine: 1,
        endLine: 1,
      },
    };
    const model = createOfflineModel({
      question: 'What do budgets cap?',
      sources: () => [source] as never,
      paceMs: 5,
      instrumentation,
    });
    const controller = new AbortController();
    const parts: StreamPart[] = [];
    const request = {
      messages: [
        { role: 'user' as const, content: 'What do budgets cap?' },
        {
          role: 'tool' as const,
          content: [
            { type: 'tool-result' as const, toolCallId: 'c', toolName: 'search_docs', output: 'x' },
          ],
        },
      ],
    };
    for await (const part of model.stream(request, { signal: controller.signal })) {
      parts.push(part);
      if (parts.filter((p) => p.type === 'text-delta').length === 3) controller.abort();
    }
    expect(parts.slice(-2)).toEqual([
      { type: 'usage', usage: ends[0]?.usage, costUsd: 0 },
      { type: 'finish', reason: 'abort' },
    ]);
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ outcome: 'abort', costUsd: 0 });
    expect(ends[0]?.usage.outputTokens).toBeGreaterThan(0);
  });
});
