/**
 * `docs-chat eval golden.jsonl`: retrieval metrics over the golden queries (recall, MRR, nDCG
 * at k, per query and overall), then answer checks: each query is asked, and its answer must
 * cite a relevant document and contain the expected phrases.
 */
import { evaluateRetrieval, formatEvaluation, parseGolden } from '@keel/retrieval';
import type { App } from './app';

/** One answer check. */
export interface AnswerCheck {
  id: string;
  passed: boolean;
  problems: string[];
}

/** What an evaluation found. */
export interface EvalReport {
  table: string;
  recall: number;
  mrr: number;
  answers: AnswerCheck[];
}

/** Runs the evaluation of `text` (golden JSONL) against the app. */
export async function runEval(app: App, text: string, k = 5): Promise<EvalReport> {
  const { queries, qrels } = parseGolden(text);
  const expected = new Map<string, string[]>();
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const entry = JSON.parse(line) as { id?: string; answerIncludes?: unknown };
    const id = entry.id ?? queries[index]?.id;
    if (id && Array.isArray(entry.answerIncludes)) {
      expected.set(id, entry.answerIncludes.map(String));
    }
  });
  const evaluation = await evaluateRetrieval({
    queries,
    qrels,
    k,
    retrieve: async ({ query }) =>
      (await app.knowledge.search(query, { k: k * 3 })).map((hit) => hit.chunk.sourceId),
  });
  const answers: AnswerCheck[] = [];
  for (const query of queries) {
    let answer = '';
    const cited = new Set<string>();
    for await (const event of app.engine.turn({
      userId: 'eval',
      message: query.query,
      feature: 'eval',
    })) {
      if (event.type === 'text') answer += event.delta;
      if (event.type === 'citations') for (const c of event.citations) cited.add(c.sourceId);
    }
    const problems: string[] = [];
    const relevant = Object.keys(qrels[query.id] ?? {});
    if (relevant.length > 0 && !relevant.some((id) => cited.has(id))) {
      problems.push(`cites none of ${relevant.join(', ')}`);
    }
    for (const phrase of expected.get(query.id) ?? []) {
      if (!answer.toLowerCase().includes(phrase.toLowerCase())) problems.push(`lacks "${phrase}"`);
    }
    answers.push({ id: query.id, passed: problems.length === 0, problems });
  }
  return {
    table: formatEvaluation(evaluation),
    recall: evaluation.overall.recall,
    mrr: evaluation.overall.mrr,
    answers,
  };
}
