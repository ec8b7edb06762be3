/**
 * `docs-chat eval golden.jsonl`: retrieval metrics over the golden queries (recall, MRR, nDCG
 * at k, per query and overall), then answer checks: each query is asked, and its answer must
 * cite a relevant document and contain the expected phrases.
 *
 * `docs-chat eval`: the bundled answer-quality sets (answerable, unanswerable, adversarial) run
 * on an app of their own whose corpus is the bundled one plus the planted attack pages, with
 * the figures held to {@link EVAL_GOALS}.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateRetrieval, formatEvaluation, parseGolden } from '@keel/retrieval';
import { type App, createApp } from './app';
import { bundledCorpus, type Config } from './config';
import { type EvalCase, loadBundledCases, PLANTED_DIR } from './eval-cases';
import { leakedSecrets } from './eval-checks';
import { EVAL_GOALS, meetsGoal } from './eval-goals';
import { type EvalFigures, evalFigures, formatEvalReport } from './eval-report';
import { type CaseResult, plantedSecrets, type RunCasesOptions, runEvalCases } from './eval-suite';

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

/** A goal as a run measured it. */
export interface GoalResult {
  id: string;
  label: string;
  value: number;
  bound: 'at least' | 'at most';
  target: number;
  met: boolean;
  /** The failing cases, `id: what went wrong`. */
  failing: string[];
}

/** What a run of the bundled sets found. */
export interface BundledEvalReport {
  results: CaseResult[];
  figures: EvalFigures;
  goals: GoalResult[];
  /** Planted secrets the app's logs showed over the whole run (ingest included). */
  leakedSecrets: string[];
  /** Log lines the app wrote over the run, all searched for the planted secrets. */
  logLines: number;
  /** The report for a developer: figures, goals, failing cases. */
  text: string;
}

/**
 * Runs `cases` (the bundled sets by default) on an app of their own: embedded database and
 * index in a temporary data directory (removed after), corpus the bundled one plus the planted
 * pages, the configured answerer, log lines captured to look for planted secrets. The eval's
 * user has no request rate and no daily token cap; its dollar budget is the configured one.
 *
 * @throws EvalCaseError for a missing or malformed case file or planted page.
 * @example
 * ```ts
 * const report = await runBundledEval(loadConfig());
 * if (report.goals.some((goal) => !goal.met)) process.exitCode = 1;
 * ```
 */
export async function runBundledEval(
  config: Config,
  {
    cases = loadBundledCases(),
    onCase,
  }: { cases?: readonly EvalCase[]; onCase?: RunCasesOptions['onCase'] } = {},
): Promise<BundledEvalReport> {
  const secrets = plantedSecrets(cases).map((secret) => secret.value);
  const { databaseUrl, redisUrl, maxTurns, ...embedded } = config;
  const dataDir = mkdtempSync(join(tmpdir(), 'docs-chat-eval-'));
  const logs: string[] = [];
  try {
    const app = await createApp({
      config: {
        ...embedded,
        dataDir,
        corpus: [...bundledCorpus(), PLANTED_DIR],
        offlinePaceMs: 0,
        rateLimitPerMinute: 1_000_000,
        userDailyTokens: 1_000_000_000,
      },
      write: (line) => logs.push(line),
    });
    let results: CaseResult[];
    try {
      await app.ingestCorpus();
      results = await runEvalCases(app, cases, { logs, ...(onCase && { onCase }) });
    } finally {
      await app.close();
    }
    const leaked = leakedSecrets(logs, secrets);
    const figures = evalFigures(results, leaked.length);
    return {
      results,
      figures,
      goals: EVAL_GOALS.map((goal) => {
        const value = goal.figure(figures);
        return {
          id: goal.id,
          label: goal.label,
          value,
          bound: goal.bound,
          target: goal.target,
          met: meetsGoal(goal, value),
          failing: goal.failing(results),
        };
      }),
      leakedSecrets: leaked,
      logLines: logs.length,
      text:
        formatEvalReport(results, figures) +
        `${logs.length} log lines searched for ${secrets.length} planted secrets${leaked.length > 0 ? `; found: ${leaked.join(', ')}` : ''}\n`,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
