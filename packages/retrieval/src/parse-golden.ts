/**
 * The golden queries file of retrieval evaluation: one JSON object per line with the query and
 * its relevant document ids (a list, or an object of graded relevance).
 */
import { InvalidArgumentError } from '@keel/core';
import type { EvalQuery, Qrels } from './evaluate-retrieval';

/** Parses the golden JSONL into queries and qrels. */
export function parseGolden(text: string): { queries: EvalQuery[]; qrels: Qrels } {
  const queries: EvalQuery[] = [];
  const qrels: Qrels = {};
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let entry: { id?: unknown; query?: unknown; relevant?: unknown };
    try {
      entry = JSON.parse(line);
    } catch {
      throw new InvalidArgumentError({
        argument: 'golden',
        message: `line ${index + 1} is not JSON`,
      });
    }
    if (typeof entry.query !== 'string')
      throw new InvalidArgumentError({
        argument: 'golden',
        message: `line ${index + 1} has no "query" string`,
      });
    const id = typeof entry.id === 'string' ? entry.id : `q${queries.length + 1}`;
    const relevant = entry.relevant;
    let judged: Record<string, number>;
    if (Array.isArray(relevant) && relevant.every((item) => typeof item === 'string')) {
      judged = Object.fromEntries(relevant.map((doc) => [doc, 1]));
    } else if (
      relevant &&
      typeof relevant === 'object' &&
      Object.values(relevant).every((grade) => typeof grade === 'number')
    ) {
      judged = relevant as Record<string, number>;
    } else {
      throw new InvalidArgumentError({
        argument: 'golden',
        message: `line ${index + 1}: "relevant" must be an array of ids or an object of grades`,
      });
    }
    queries.push({ id, query: entry.query });
    qrels[id] = judged;
  });
  return { queries, qrels };
}
