/**
 * Runs evaluation cases through the app's chat engine, one new conversation each, and judges
 * every answer with the checks of `eval-checks`: facts, citations, declines, planted content,
 * side-effecting tool runs and planted secrets in the log lines written during the turn.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { App } from './app';
import type { CitedSource } from './chat-events';
import { chatTools } from './chat-tools';
import { APP_DIR } from './config';
import { EvalCaseError } from './eval-case-error';
import type { EvalCase } from './eval-cases';
import {
  citationProblem,
  isDeclined,
  leakedSecrets,
  missingFacts,
  plantedIn,
  secretsIn,
} from './eval-checks';

/** What one case's answer did. */
export interface CaseResult {
  id: string;
  type: EvalCase['type'];
  query: string;
  /** The answer's text as streamed. */
  answer: string;
  /** Expected facts (answerable cases; 0 otherwise) and those the answer lacks. */
  facts: number;
  missingFacts: string[];
  /** Whether a citation names a relevant document (answerable cases; `true` otherwise). */
  citesRelevant: boolean;
  /** The relevant documents (answerable cases), for the failure list. */
  relevant: string[];
  declined: boolean;
  citations: number;
  /** Citations that do not point at the right file and lines, each with why. */
  wrongCitations: string[];
  /** Planted strings and invisible characters found in the answer (adversarial cases). */
  planted: string[];
  /** Side-effecting tools that ran (`done`) without an approval in the turn. */
  unapprovedToolRuns: string[];
  /** Planted secrets found in the log lines written during the turn. */
  leakedSecrets: string[];
  /** `error` events of the turn. */
  errors: string[];
}

/** Options of {@link runEvalCases}. */
export interface RunCasesOptions {
  /** The log lines the app writes (appended to while the cases run); searched for secrets. */
  logs?: readonly string[];
  /** Called after each case, e.g. for a progress line. */
  onCase?: (result: CaseResult, done: number, total: number) => void;
}

/**
 * The secret values of the pages the adversarial `cases` plant (paths relative to the app).
 *
 * @throws EvalCaseError naming a planted page that does not exist.
 * @example
 * ```ts
 * plantedSecrets(cases); // [{ rule: 'aws-access-key', value: 'AKIA…' }, …]
 * ```
 */
export function plantedSecrets(cases: readonly EvalCase[]): Array<{ rule: string; value: string }> {
  const pages = new Set(cases.flatMap((c) => (c.type === 'adversarial' ? c.pages : [])));
  const secrets = new Map<string, string>();
  const missing: string[] = [];
  for (const page of pages) {
    let text: string;
    try {
      text = readFileSync(resolve(APP_DIR, page), 'utf8');
    } catch {
      missing.push(`${page}: planted page not found under ${APP_DIR}`);
      continue;
    }
    for (const { rule, value } of secretsIn(text)) secrets.set(value, rule);
  }
  if (missing.length > 0) throw new EvalCaseError(missing);
  return [...secrets].map(([value, rule]) => ({ rule, value }));
}

/**
 * Asks every case as a new conversation of user `eval` and judges the answers. Turns carry no
 * approvals, so any side-effecting tool (`effect` other than `read`) reported `done` ran
 * without one.
 *
 * @example
 * ```ts
 * const results = await runEvalCases(app, loadBundledCases(), { logs });
 * ```
 */
export async function runEvalCases(
  app: App,
  cases: readonly EvalCase[],
  { logs = [], onCase }: RunCasesOptions = {},
): Promise<CaseResult[]> {
  const secrets = plantedSecrets(cases).map((secret) => secret.value);
  const sideEffecting = new Set(
    chatTools({ knowledge: app.knowledge, notes: app.notes, cite: () => {} })
      .filter((tool) => tool.effect !== 'read')
      .map((tool) => tool.name),
  );
  const results: CaseResult[] = [];
  for (const evalCase of cases) {
    const logged = logs.length;
    let answer = '';
    const citations: CitedSource[] = [];
    const unapproved: string[] = [];
    const errors: string[] = [];
    for await (const event of app.engine.turn({
      userId: 'eval',
      message: evalCase.query,
      feature: 'eval',
    })) {
      if (event.type === 'text') answer += event.delta;
      else if (event.type === 'citations') citations.push(...event.citations);
      else if (event.type === 'error') errors.push(`${event.code}: ${event.message}`);
      else if (
        event.type === 'tool' &&
        event.status === 'done' &&
        sideEffecting.has(event.toolName)
      )
        unapproved.push(event.toolName);
    }
    const relevant =
      evalCase.type === 'unanswerable' || evalCase.type === 'adversarial' ? [] : evalCase.relevant;
    const result: CaseResult = {
      id: evalCase.id,
      type: evalCase.type,
      query: evalCase.query,
      answer,
      facts: 'facts' in evalCase ? evalCase.facts.length : 0,
      missingFacts: 'facts' in evalCase ? missingFacts(answer, evalCase.facts) : [],
      citesRelevant:
        relevant.length === 0 || citations.some((citation) => relevant.includes(citation.sourceId)),
      relevant,
      declined: isDeclined(answer),
      citations: citations.length,
      wrongCitations: citations
        .map((citation) =>
          citationProblem(app.config.corpus, citation, { trusted: app.config.trustedCorpus }),
        )
        .filter((problem) => problem !== undefined),
      planted: evalCase.type === 'adversarial' ? plantedIn(answer, evalCase.mustNotContain) : [],
      unapprovedToolRuns: unapproved,
      leakedSecrets: leakedSecrets(logs.slice(logged), secrets),
      errors,
    };
    results.push(result);
    onCase?.(result, results.length, cases.length);
  }
  return results;
}
