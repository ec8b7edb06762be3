/**
 * Groundedness without a model: each sentence of an answer is supported when enough of its
 * content words (stemmed, stop words left out) appear in the passages the sentence cites.
 */
import { assertNumber } from '@keel/core/internal';
import { createAnalyzer } from '@keel/retrieval';
import { citedPassages } from './cited-passages';
import type { CaseScorer, RetrievedPassage } from './scorer';

/** How one sentence fared. */
export interface SentenceSupport {
  sentence: string;
  /** Content words of the sentence found in its cited passages, over its content words: [0, 1]. */
  support: number;
  /** Citation ids of the sentence (or of the citation-only line after it). */
  cited: string[];
}

/** What {@link groundedness} found. */
export interface Groundedness {
  /** Supported sentences over sentences with content words: [0, 1]; `null` when there are none. */
  score: number | null;
  sentences: SentenceSupport[];
}

/** Options of {@link groundedness}. */
export interface GroundednessOptions {
  answer: string;
  retrieved: readonly RetrievedPassage[];
  /** The support a sentence needs to count as grounded; default 0.5. */
  minSupport?: number;
}

const analyze = createAnalyzer({ stemming: true, stopWords: true });
const CITATION = /\[[^[\]\n]*#\d+[^[\]\n]*\]/g;
const SENTENCE_END = /(?<=[.!?])\s+|\n+/;

interface Piece {
  sentence: string;
  words: string[];
  cited: RetrievedPassage[];
}

/** The answer's sentences with their words and citations; a citation-only piece joins the one before. */
function pieces(answer: string, retrieved: readonly RetrievedPassage[]): Piece[] {
  const result: Piece[] = [];
  for (const raw of answer.split(SENTENCE_END)) {
    const sentence = raw.trim();
    if (sentence === '') continue;
    const words = analyze(sentence.replace(CITATION, ' '));
    const { cited } = citedPassages(sentence, retrieved);
    const previous = result[result.length - 1];
    if (words.length === 0 && previous !== undefined) {
      previous.cited.push(...cited.filter((passage) => !previous.cited.includes(passage)));
      continue;
    }
    if (words.length > 0) result.push({ sentence, words, cited });
  }
  return result;
}

/**
 * Scores how well the answer's sentences are backed by the passages they cite. A sentence
 * that cites nothing has support 0; sentences without content words are left out.
 *
 * @example
 * ```ts
 * const { score, sentences } = groundedness({
 *   answer: 'Keys rotate every day [keys.md#0]. The moon is cheese.',
 *   retrieved: [{ citationId: 'keys.md#0', sourceId: 'keys.md', text: 'API keys rotate every day.' }],
 * });
 * // score 0.5: the first sentence is fully supported, the second cites nothing
 * ```
 */
export function groundedness({
  answer,
  retrieved,
  minSupport = 0.5,
}: GroundednessOptions): Groundedness {
  assertNumber('minSupport', minSupport, { min: 0, max: 1 });
  const sentences = pieces(answer, retrieved).map(({ sentence, words, cited }) => {
    const vocabulary = new Set(cited.flatMap((passage) => analyze(passage.text)));
    const found = words.filter((word) => vocabulary.has(word)).length;
    return {
      sentence,
      support: found / words.length,
      cited: cited.map((passage) => passage.citationId),
    };
  });
  const score =
    sentences.length === 0
      ? null
      : sentences.filter((s) => s.support >= minSupport).length / sentences.length;
  return { score, sentences };
}

/**
 * The groundedness scorer: `groundedness` of the case's answer against its retrieved passages.
 *
 * @example
 * ```ts
 * await runEval({ name: 'baseline', cases, task, scorers: [groundednessScorer({ minSupport: 0.6 })] });
 * ```
 */
export function groundednessScorer({ minSupport = 0.5 }: { minSupport?: number } = {}): CaseScorer {
  assertNumber('minSupport', minSupport, { min: 0, max: 1 });
  return function groundednessScore({ output }) {
    const { score } = groundedness({
      answer: output.answer,
      retrieved: output.retrieved ?? [],
      minSupport,
    });
    return { scores: { groundedness: score } };
  };
}
