/**
 * The offline answerer's memory: a question about the user ("what's my dog's name?") is
 * answered from the recalled facts whose subject it names, each cited `[memory:<fact id>]`
 * like a document. Facts reach the answerer as the turn's sources (`turn-memory.ts`).
 */
import type { PackedChunk } from '@keel/retrieval';
import type { AnswerUnit } from './answer-units';
import { analyzeTerms } from './question';
import { MEMORY_SOURCE_ID } from './turn-memory';

/** A question in the first person: what memory may answer. */
const ABOUT_THE_USER = /\b(?:my|me|mine|i)\b/i;
const QUESTION = /\?\s*$|^\s*(?:what|who|where|which|when|how|do|does|did|is|are|was|were|can)\b/i;

/**
 * The recalled facts among `sources` whose subject `question` names, as answer units; none
 * when the question is not one about the user.
 *
 * @example
 * ```ts
 * rememberedUnits("What's my dog's name?", sources); // [{ text: "The user's dog is called Biscuit.", citationId: 'memory:…', … }]
 * ```
 */
export function rememberedUnits(question: string, sources: readonly PackedChunk[]): AnswerUnit[] {
  if (!ABOUT_THE_USER.test(question) || !QUESTION.test(question)) return [];
  const asked = new Set(analyzeTerms(question));
  return sources
    .filter(({ chunk }) => chunk.sourceId === MEMORY_SOURCE_ID)
    .filter(({ chunk }) => {
      const subject = analyzeTerms(chunk.headingPath?.at(-1) ?? '');
      return subject.length > 0 && subject.every((term) => asked.has(term));
    })
    .map(({ chunk, citationId }, rank) => ({
      kind: 'sentence' as const,
      text: chunk.text,
      matchText: chunk.text,
      headingPath: chunk.headingPath ?? [],
      citationId,
      sourceId: chunk.sourceId,
      rank,
      position: 0,
    }));
}
