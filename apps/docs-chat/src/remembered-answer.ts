/**
 * The offline answerer's memory: a question about the user ("what's my dog's name?") is
 * answered from the recalled facts whose subject it names, each cited `[memory:<fact id>]`
 * like a document. Facts reach the answerer as the turn's sources (`turn-memory.ts`).
 */
import type { PackedChunk } from '@keel/retrieval';
import type { AnswerUnit } from './answer-units';
import { analyzeTerms, readQuestion } from './question';
import { MEMORY_SOURCE_ID } from './turn-memory';

/** A first-person word and the few words after it: what the user owns or does ("my dog", "do I live"). */
const FIRST_PERSON = /\b(?:my|i)\b((?:\s+[^\s?!.,;:]+){1,3})/gi;
const QUESTION = /\?\s*$|^\s*(?:what|who|where|which|when|how|do|does|did|is|are|was|were|can)\b/i;

/**
 * The recalled facts among `sources` whose subject `question` asks about as the user's own, as
 * answer units: the subject follows "my" or "I" closely ("What's my dog's name?", "Where do I
 * live?"). None for a statement, a question asking how to do something ("How do I load my
 * prompt files from disk?"), or one that names the subject elsewhere ("Which entry point do I
 * import the prompt loader from?") or only in a sentence that sets the scene ("My dog chewed
 * the cable. Which port does the app use?").
 *
 * @example
 * ```ts
 * rememberedUnits("What's my dog's name?", sources); // [{ text: "The user's dog is called Biscuit.", citationId: 'memory:…', … }]
 * ```
 */
export function rememberedUnits(question: string, sources: readonly PackedChunk[]): AnswerUnit[] {
  if (!QUESTION.test(question)) return [];
  const { shape, asks } = readQuestion(question);
  // A question asking how to do something no fact about the user answers.
  if (shape === 'howto') return [];
  // Only what asks: a sentence setting the scene ("I passed a variable that my prompt's schema
  // does not declare.") says what the user did, not what they ask about themselves.
  const asked = new Set(
    [...asks.matchAll(FIRST_PERSON)].flatMap((match) => analyzeTerms(match[1] as string)),
  );
  if (asked.size === 0) return [];
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
