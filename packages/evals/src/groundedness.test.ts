import { describe, expect, it } from 'vitest';
import { groundedness, groundednessScorer } from './groundedness';

const retrieved = [
  { citationId: 'keys.md#0', sourceId: 'keys.md', text: 'API keys rotate every day at midnight.' },
  {
    citationId: 'cost.md#0',
    sourceId: 'cost.md',
    text: 'The ledger records the cost of each call.',
  },
];

describe('groundedness', () => {
  it('supports a sentence whose words are in the passage it cites', () => {
    const result = groundedness({
      answer: 'Keys are rotated daily at midnight [keys.md#0].',
      retrieved,
    });
    // content words: key, rotat, daili, midnight -> 3 of 4 found (daily is not in the passage)
    expect(result.sentences[0]?.support).toBeCloseTo(0.75, 10);
    expect(result.score).toBe(1);
  });

  it('gives 0 to sentences that cite nothing or the wrong passage', () => {
    expect(groundedness({ answer: 'Keys rotate every day at midnight.', retrieved }).score).toBe(0);
    expect(
      groundedness({ answer: 'Keys rotate every day at midnight [cost.md#0].', retrieved }).score,
    ).toBe(0);
  });

  it('averages over sentences and takes a citation-only line for the sentence before it', () => {
    const result = groundedness({
      answer: 'Keys rotate every day.\n[keys.md#0]\nThe moon is made of cheese [cost.md#0].',
      retrieved,
    });
    expect(result.sentences.map((s) => s.cited)).toEqual([['keys.md#0'], ['cost.md#0']]);
    expect(result.score).toBe(0.5);
  });

  it('is null for an answer with no content words, and checks minSupport', async () => {
    expect(groundedness({ answer: '', retrieved }).score).toBeNull();
    expect(() => groundedness({ answer: 'x', retrieved, minSupport: 2 })).toThrow(/minSupport/);
    const strict = await groundednessScorer({ minSupport: 1 })({
      case: { id: 'q', question: 'q' },
      output: { answer: 'Keys are rotated daily at midnight [keys.md#0].', retrieved },
      records: [],
    });
    expect(strict.scores).toEqual({ groundedness: 0 });
  });
});
