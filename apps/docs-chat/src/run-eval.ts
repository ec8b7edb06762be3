/**
 * `docs-chat eval golden.jsonl`: retrieval metrics over the golden queries (recall, MRR, nDCG
 * at k, per query and overall), then answer checks: each query is asked, and its answer must
 * cite a relevant document and contain the expected phrases.
 *
 * `docs-chat eval`: the bundled answer-quality sets (answerable, unanswerable, adversarial:
 * `@keel/evals` datasets) run through `@keel/evals`' runner and scorers on an app of their own
 * whose corpus is the bundled one plus the planted attack pages, with the figures held to
 * `EVAL_GOALS` as thresholds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EvalProgress, type RunSummary, runEval as runEvalSet } from '@keel/evals';
import { evaluateRetrieval, formatEvaluation, parseGolden } from '@keel/retrieval';
import { type App, createApp } from './app';
import { bundledCorpus, type Config } from './config';
import { type EvalCase, loadBundledCases, PLANTED_DIR } from './eval-cases';
import { leakedSecrets } from './eval-checks';
import { type GoalResult, measureGoals } from './eval-goals';
import { type EvalFigures, evalFigures, formatEvalReport } from './eval-report';
import { type CaseResult, docsChatEval, plantedSecrets } from './eval-suite';

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

/** What a run of the bundled sets found. */
export interface BundledEvalReport {
  results: CaseResult[];
  figures: EvalFigures;
  goals: GoalResult[];
  /** The `@keel/evals` summary: every score's mean (groundedness, citation recall, …). */
  summary: RunSummary;
  /** Planted secrets the app's logs showed over the whole run (ingest included). */
  leakedSecrets: string[];
  /** Log lines the app wrote over the run, all searched for the planted secrets. */
  logLines: number;
  /** The report for a developer: figures, goals, failing cases. */
  text: string;
}

/**
 * Runs `cases` (the bundled sets by default) through `@keel/evals`' runner on an app of their
 * own: embedded database and index in a temporary data directory (removed after), corpus the
 * bundled one plus the planted pages, the configured answerer, log lines captured to look for
 * planted secrets. Cases run one at a time, each once. The eval's user has no request rate and
 * no daily token cap; its dollar budget is the configured one.
 *
 * @throws EvalCaseError for a missing case file or planted page.
 * @throws DatasetError (`@keel/evals`) for a malformed case file.
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
    onProgress,
  }: { cases?: readonly EvalCase[]; onProgress?: (progress: EvalProgress) => void } = {},
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
    let summary: RunSummary;
    try {
      await app.ingestCorpus();
      const { task, scorers, caseResult } = docsChatEval(app, { logs, secrets });
      const run = await runEvalSet({
        name: 'docs-chat',
        cases,
        task,
        scorers,
        concurrency: 1,
        retry: { maxAttempts: 1 },
        ...(onProgress && { onProgress }),
      });
      const byId = new Map(cases.map((evalCase) => [evalCase.id, evalCase]));
      results = run.results.map((result) => caseResult(byId.get(result.id) as EvalCase, result));
      summary = run.summary;
    } finally {
      await app.close();
    }
    const leaked = leakedSecrets(logs, secrets);
    const figures = evalFigures(results, leaked.length);
    const goals = measureGoals(summary, figures, results);
    return {
      results,
      figures,
      goals,
      summary,
      leakedSecrets: leaked,
      logLines: logs.length,
      text:
        formatEvalReport(results, figures, goals) +
        `${logs.length} log lines searched for ${secrets.length} planted secrets${leaked.length > 0 ? `; found: ${leaked.join(', ')}` : ''}\n`,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
