import type { PackedChunk } from '@keel/retrieval';
import { describe, expect, it } from 'vitest';
import { extractAnswer } from './extractive-answer';

const chunk = (citationId: string, text: string, score = 1): PackedChunk => ({
  citationId,
  score,
  tokens: 10,
  chunk: {
    id: citationId,
    sourceId: citationId.split('#')[0] as string,
    index: 0,
    text,
    overlap: 0,
    start: 0,
    end: text.length,
    startLine: 1,
    endLine: 1,
    tokens: 10,
    hash: '0',
    metadata: {},
  },
});

describe('extractAnswer', () => {
  it('quotes the sentences sharing the rarest words with the question, each with its citation', () => {
    const picked = extractAnswer('How does a budget refuse requests?', [
      chunk(
        'budgets.md#0',
        '# Budgets\n\nA budget caps spend per user. When the budget is spent, requests are refused with status 429.',
      ),
      chunk('other.md#0', 'Streaming sends text deltas as they arrive from the provider.'),
    ]);
    expect(picked[0]).toEqual({
      sentence: 'When the budget is spent, requests are refused with status 429.',
      citationId: 'budgets.md#0',
    });
    expect(picked.map((p) => p.citationId)).not.toContain('other.md#0');
  });

  it('leaves out headings, code and repeated sentences, and finds nothing for unrelated questions', () => {
    const chunks = [
      chunk(
        'a.md#0',
        '```ts\nconst budget = createBudget({ maxTokens: 10 });\n```\nA budget holds reservations until they settle.',
      ),
      chunk('b.md#0', 'A budget holds reservations until they settle.'),
      chunk('c.md#1', 'budget.reserve({ model }); budget.settle(hold, usage); const x = 1;'),
    ];
    expect(extractAnswer('budget reservations', chunks)).toEqual([
      { sentence: 'A budget holds reservations until they settle.', citationId: 'a.md#0' },
    ]);
    expect(extractAnswer('weather in Paris', chunks)).toEqual([]);
    expect(extractAnswer('the of and', chunks)).toEqual([]);
  });
});
