import type { Message } from '@keel/core';
import type { Fact } from '@keel/memory';
import type { PackedChunk } from '@keel/retrieval';
import { describe, expect, it } from 'vitest';
import { planOfflineStep } from './offline-plan';
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

describe('planOfflineStep', () => {
  it('never joins what the user told the app to an answer from the documents', () => {
    const question = 'How many replicas can run against one Redis?';
    const told = factSource(
      fact('f3', 'replicas', 'The user runs four replicas on one Redis.'),
      0.9,
    );
    const page: PackedChunk = {
      citationId: 'deploy.md#0',
      score: 1,
      tokens: 10,
      chunk: {
        id: 'deploy.md#0',
        sourceId: 'deploy.md',
        index: 0,
        text: 'Any number of replicas can run against one Redis.',
        overlap: 0,
        start: 0,
        end: 50,
        startLine: 1,
        endLine: 1,
        tokens: 10,
        hash: '0',
        metadata: {},
      },
    };
    const searched: Message = {
      role: 'tool',
      content: [{ type: 'tool-result', toolCallId: 'c0', toolName: 'search_docs', output: '' }],
    };
    const { text } = planOfflineStep(
      question,
      [{ role: 'user', content: question }, searched],
      [told, page],
      { fallback: false, exclude: undefined },
    );
    expect(text).toContain('Any number of replicas can run against one Redis. [deploy.md#0]');
    expect(text).not.toContain('memory:');
  });
});
