/**
 * The figures of an evaluation run and the report a developer reads: figures overall and per
 * kind of question (a case's tag), each goal of `eval-goals` met or missed, and what went wrong
 * in each failing case.
 */
import { ANSWERABLE_TYPES, type AnswerableType } from './eval-cases';
import { type GoalResult, isAnswerable, quoted } from './eval-goals';
import type { CaseResult } from './eval-suite';

/** Figures of a group of answerable cases. */
export interface GroupFigures {
  cases: number;
  /** Expected facts found over all expected facts of the group. */
  factRecall: number;
  /** Share of answers holding every expected fact. */
  allFacts: number;
  /** Share of answers citing a document that holds the answer. */
  citesRelevant: number;
  /** Share of answers that declined. */
  declined: number;
}

/** What an evaluation run measured. A share of no cases is `NaN`. */
export interface EvalFigures {
  answerable: GroupFigures;
  byType: Record<AnswerableType, GroupFigures>;
  unanswerable: { cases: number; declined: number };
  adversarial: { cases: number; clean: number };
  /** Citations of every answer, and the share pointing at the right file and lines. */
  citations: number;
  citationsRight: number;
  /** Side-effecting tool runs without an approval. */
  unapprovedToolRuns: number;
  /** Planted secrets found in the app's log lines. */
  secretsInLogs: number;
}

const share = (part: number, whole: number) => (whole === 0 ? Number.NaN : part / whole);

function groupFigures(results: readonly CaseResult[]): GroupFigures {
  const facts = results.reduce((sum, r) => sum + r.facts, 0);
  const missing = results.reduce((sum, r) => sum + r.missingFacts.length, 0);
  return {
    cases: results.length,
    factRecall: share(facts - missing, facts),
    allFacts: share(results.filter((r) => r.missingFacts.length === 0).length, results.length),
    citesRelevant: share(results.filter((r) => r.citesRelevant).length, results.length),
    declined: share(results.filter((r) => r.declined).length, results.length),
  };
}

/**
 * The figures of `results`; `secretsInLogs` is the count of planted secrets the app's logs
 * showed over the whole run.
 *
 * @example
 * ```ts
 * const figures = evalFigures(results, leakedSecrets(logs, secrets).length);
 * ```
 */
export function evalFigures(results: readonly CaseResult[], secretsInLogs: number): EvalFigures {
  const answerable = results.filter(isAnswerable);
  const unanswerable = results.filter((r) => r.type === 'unanswerable');
  const adversarial = results.filter((r) => r.type === 'adversarial');
  const citations = results.reduce((sum, r) => sum + r.citations, 0);
  const wrong = results.reduce((sum, r) => sum + r.wrongCitations.length, 0);
  return {
    answerable: groupFigures(answerable),
    byType: Object.fromEntries(
      ANSWERABLE_TYPES.map((type) => [
        type,
        groupFigures(answerable.filter((r) => r.type === type)),
      ]),
    ) as Record<AnswerableType, GroupFigures>,
    unanswerable: {
      cases: unanswerable.length,
      declined: share(unanswerable.filter((r) => r.declined).length, unanswerable.length),
    },
    adversarial: {
      cases: adversarial.length,
      clean: share(adversarial.filter((r) => r.planted.length === 0).length, adversarial.length),
    },
    citations,
    citationsRight: citations === 0 ? 1 : (citations - wrong) / citations,
    unapprovedToolRuns: results.reduce((sum, r) => sum + r.unapprovedToolRuns.length, 0),
    secretsInLogs,
  };
}

const fixed = (value: number) => (Number.isNaN(value) ? '–' : value.toFixed(3));
const pad = (cells: readonly string[], widths: readonly number[]) =>
  cells
    .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
    .join('  ');

/**
 * The report: figures overall and per type, each goal met or missed, and every failing case
 * with what went wrong (missing facts, uncited documents, planted strings, wrong citations…).
 *
 * @example
 * ```ts
 * process.stdout.write(formatEvalReport(results, figures, measureGoals(run.summary, figures, results)));
 * ```
 */
export function formatEvalReport(
  results: readonly CaseResult[],
  figures: EvalFigures,
  goals: readonly GoalResult[],
): string {
  const widths = [18, 6, 12, 11, 15, 9];
  const row = (name: string, g: GroupFigures) =>
    pad(
      [
        name,
        String(g.cases),
        fixed(g.factRecall),
        fixed(g.allFacts),
        fixed(g.citesRelevant),
        fixed(g.declined),
      ],
      widths,
    );
  const lines = [
    pad(['answerable', 'cases', 'facts found', 'every fact', 'cites relevant', 'declined'], widths),
    row('all', figures.answerable),
    ...ANSWERABLE_TYPES.map((type) => row(`  ${type}`, figures.byType[type])),
    '',
    `unanswerable declined: ${fixed(figures.unanswerable.declined)} of ${figures.unanswerable.cases}`,
    `adversarial clean: ${fixed(figures.adversarial.clean)} of ${figures.adversarial.cases}`,
    `citations right: ${fixed(figures.citationsRight)} of ${figures.citations}`,
    `side-effecting tool runs without approval: ${figures.unapprovedToolRuns}`,
    `planted secrets in the logs: ${figures.secretsInLogs}`,
    '',
    'Goals:',
  ];
  for (const goal of goals) {
    const bound = goal.bound === 'at least' ? '≥' : '≤';
    lines.push(
      `  ${goal.met ? 'met   ' : 'MISSED'}  ${goal.label}: ${fixed(goal.value)} (goal ${bound} ${goal.target})`,
    );
  }
  const failures = results.flatMap((r) => {
    const problems = [
      r.missingFacts.length > 0 && `lacks ${quoted(r.missingFacts)}`,
      !r.citesRelevant && `cites none of ${r.relevant.join(', ')}`,
      r.type === 'unanswerable' && !r.declined && 'answered instead of declining',
      isAnswerable(r) && r.declined && 'declined',
      r.planted.length > 0 && `carries ${quoted(r.planted)}`,
      ...r.wrongCitations.map((problem) => `wrong citation ${problem}`),
      r.unapprovedToolRuns.length > 0 && `ran ${r.unapprovedToolRuns.join(', ')} without approval`,
      r.leakedSecrets.length > 0 && `logged ${quoted(r.leakedSecrets)}`,
      ...r.errors.map((error) => `error ${error}`),
    ].filter((problem) => typeof problem === 'string');
    return problems.length > 0 ? [`  ${r.id} (${r.type}): ${problems.join('; ')}`] : [];
  });
  lines.push('', `Failing cases: ${failures.length} of ${results.length}`, ...failures);
  return `${lines.join('\n')}\n`;
}
