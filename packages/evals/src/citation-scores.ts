/**
 * Citation scorers: do the answer's citations point to passages it was shown, and do they
 * cover the documents that answer the question?
 */
import { citedPassages } from './cited-passages';
import type { CaseScorer, RetrievedPassage } from './scorer';

/** Options of {@link citationValidity} and {@link citationRecall}. */
export interface CitationScoreOptions {
  answer: string;
  retrieved: readonly RetrievedPassage[];
}

/**
 * Citations that name a retrieved passage, over all citations (`[x#n]` ids) in the answer:
 * 1 when every citation is valid, 0 when none is; `null` when the answer cites nothing.
 *
 * @example
 * ```ts
 * citationValidity({ answer: 'See [a.md#0] and [z.md#9].', retrieved }); // 0.5 when only a.md#0 was retrieved
 * ```
 */
export function citationValidity({ answer, retrieved }: CitationScoreOptions): number | null {
  const { cited, unknown } = citedPassages(answer, retrieved);
  const total = cited.length + unknown.length;
  return total === 0 ? null : cited.length / total;
}

/**
 * Relevant documents the answer cites (through a retrieved passage), over all relevant
 * documents: in [0, 1]; `null` when the case has no relevant document.
 *
 * @example
 * ```ts
 * citationRecall({ answer: 'Yes [a.md#0].', retrieved, relevant: ['a.md', 'b.md'] }); // 0.5
 * ```
 */
export function citationRecall({
  answer,
  retrieved,
  relevant,
}: CitationScoreOptions & { relevant: readonly string[] }): number | null {
  if (relevant.length === 0) return null;
  const citedSources = new Set(citedPassages(answer, retrieved).cited.map((p) => p.sourceId));
  return relevant.filter((id) => citedSources.has(id)).length / relevant.length;
}

/**
 * The citation scorer: `citationValidity` and `citationRecall` of the case's answer.
 *
 * @example
 * ```ts
 * await runEval({ name: 'baseline', cases, task, scorers: [citationScorer()] });
 * ```
 */
export function citationScorer(): CaseScorer {
  return function citationScores({ case: evalCase, output }) {
    const options = { answer: output.answer, retrieved: output.retrieved ?? [] };
    return {
      scores: {
        citationValidity: citationValidity(options),
        citationRecall: citationRecall({ ...options, relevant: evalCase.relevant ?? [] }),
      },
    };
  };
}
