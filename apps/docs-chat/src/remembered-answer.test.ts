import type { Fact } from '@keel/memory';
import { describe, expect, it } from 'vitest';
import { rememberedUnits } from './remembered-answer';
import { factSource } from './turn-memory';

const fact = (id: string, subject: string, statement: string): Fact => ({
  id,
  tenantId: 'docs-chat',
  userId: 'mia',
  conversationId: null,
  scope: 'user',
  subject,
  statement,
  source: { type: 'turn', conversationId: 'c1', turn: 0 },
  confidence: 0.6,
  createdAt: Date.UTC(2026, 11, 4),
  expiresAt: null,
  supersededBy: null,
});

const sources = [
  factSource(fact('f1', 'dog', "The user's dog is called Biscuit."), 0.9),
  factSource(fact('f2', 'live', 'The user lives in Porto.'), 0.5),
];

describe('rememberedUnits', () => {
  it('answers a question about the user from the facts whose subject it names', () => {
    const units = rememberedUnits("What's my dog's name?", sources);
    expect(units.map((unit) => [unit.text, unit.citationId])).toEqual([
      ["The user's dog is called Biscuit.", 'memory:f1'],
    ]);
    expect(rememberedUnits('Where do I live?', sources).map((unit) => unit.citationId)).toEqual([
      'memory:f2',
    ]);
  });

  it('leaves statements, questions about the documents and unnamed subjects to the documents', () => {
    expect(rememberedUnits('My dog is called Rex.', sources)).toEqual([]);
    expect(rememberedUnits('How do budgets work?', sources)).toEqual([]);
    expect(rememberedUnits("What's my cat's name?", sources)).toEqual([]);
    // First person, and the subject named, but not as the user's own.
    expect(
      rememberedUnits(
        'Where does the budget live, and which package do I import it from?',
        sources,
      ),
    ).toEqual([]);
    expect(rememberedUnits('Which helper do I call so the dog example runs?', sources)).toEqual([]);
    // The subject named only in a sentence that sets the scene.
    expect(
      rememberedUnits('My dog chewed the cable. Which port does the app use?', sources),
    ).toEqual([]);
    expect(
      rememberedUnits('How do I load my dog photos from disk into the index?', sources),
    ).toEqual([]);
  });
});
