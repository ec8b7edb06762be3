import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { answerScorer, factRecall, missingFacts, schemaValidity } from './answer-scores';
import { citationRecall, citationValidity } from './citation-scores';

const retrieved = [
  { citationId: 'a.md#0', sourceId: 'a.md', text: 'Budgets reserve tokens before a call.' },
  { citationId: 'b.md#1', sourceId: 'b.md', text: 'Refunds return unused tokens.' },
];

describe('schemaValidity', () => {
  const schema = z.object({ title: z.string() });
  it('is 1 for matching JSON and 0 otherwise', () => {
    expect(schemaValidity(schema, '{"title":"Hi"}')).toBe(1);
    expect(schemaValidity(schema, '{"title":3}')).toBe(0);
    expect(schemaValidity(schema, 'Sure! {"title":"Hi"}')).toBe(0);
  });
});

describe('factRecall', () => {
  it('counts facts stated regardless of case and spacing', () => {
    expect(factRecall('Budgets  RESERVE tokens first.', ['reserve tokens', 'refund'])).toBe(0.5);
    expect(factRecall('Nothing here.', ['reserve tokens'])).toBe(0);
    expect(factRecall('Anything.', [])).toBeNull();
  });

  it('ignores markdown emphasis and keeps underscores', () => {
    expect(
      missingFacts('Set **`maxRetries`**\n  to 3 via save_note.', ['maxretries to 3']),
    ).toEqual([]);
    expect(missingFacts('saveNote', ['save_note', 'SAVENOTE'])).toEqual(['save_note']);
    expect(factRecall('Use `retryBudget()`.', ['retryBudget()', 'jitter'])).toBe(0.5);
  });

  it('adds schemaValid when given a schema', async () => {
    const set = await answerScorer({ schema: z.object({ ok: z.boolean() }) })({
      case: { id: 'q', question: 'q', expectedFacts: ['true'] },
      output: { answer: '{"ok":true}' },
      records: [],
    });
    expect(set.scores).toEqual({ factRecall: 1, schemaValid: 1 });
  });
});

describe('citation scores', () => {
  it('validity: cited passages over all citations', () => {
    expect(citationValidity({ answer: 'Yes [a.md#0].', retrieved })).toBe(1);
    expect(citationValidity({ answer: 'Yes [a.md#0] and [z.md#9].', retrieved })).toBe(0.5);
    expect(citationValidity({ answer: 'Only [z.md#9].', retrieved })).toBe(0);
    expect(citationValidity({ answer: 'No citation.', retrieved })).toBeNull();
  });

  it('recall: relevant documents cited over relevant documents', () => {
    expect(citationRecall({ answer: 'Yes [a.md#0].', retrieved, relevant: ['a.md', 'b.md'] })).toBe(
      0.5,
    );
    expect(
      citationRecall({ answer: 'Yes [a.md#0, b.md#1].', retrieved, relevant: ['a.md', 'b.md'] }),
    ).toBe(1);
    expect(citationRecall({ answer: 'Yes.', retrieved, relevant: ['a.md'] })).toBe(0);
    expect(citationRecall({ answer: 'Yes [a.md#0].', retrieved, relevant: [] })).toBeNull();
  });
});
