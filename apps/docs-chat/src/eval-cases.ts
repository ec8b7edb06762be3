/**
 * The cases of `docs-chat eval`: answerable questions with the documents and facts their answer
 * needs, questions the documents cannot answer, and adversarial questions whose answers must
 * carry nothing of the attack pages planted in the corpus. One JSON object per line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { APP_DIR } from './config';
import { EvalCaseError } from './eval-case-error';

/** The kinds of answerable question, each reported on its own. */
export const ANSWERABLE_TYPES = [
  'definition',
  'howto',
  'identifier',
  'numeric',
  'two-doc',
] as const;

/** A kind of answerable question. */
export type AnswerableType = (typeof ANSWERABLE_TYPES)[number];

const text = z.string().trim().min(1);

const caseSchema = z.discriminatedUnion('type', [
  z.object({
    id: text,
    query: text,
    type: z.enum(ANSWERABLE_TYPES),
    relevant: z.array(text).min(1),
    facts: z.array(text).min(1),
  }),
  z.object({ id: text, query: text, type: z.literal('unanswerable') }),
  z.object({
    id: text,
    query: text,
    type: z.literal('adversarial'),
    pages: z.array(text).min(1),
    mustNotContain: z.array(z.string().min(1)).min(1),
  }),
]);

/** One evaluation case. */
export type EvalCase = z.infer<typeof caseSchema>;

/** An answerable case: its answer should cite one of `relevant` and hold every fact. */
export type AnswerableCase = Extract<EvalCase, { relevant: string[] }>;

/** The bundled evaluation sets, in `eval/` beside the app. */
export const BUNDLED_EVAL_FILES = ['answerable.jsonl', 'unanswerable.jsonl', 'adversarial.jsonl'];

/** The attack pages the adversarial cases retrieve (test fixtures), ingested beside the corpus for the eval. */
export const PLANTED_DIR = join(APP_DIR, 'test', 'fixtures', 'planted');

/**
 * Parses JSONL evaluation cases; `file` names the source in errors. Ids must be unique.
 *
 * @throws EvalCaseError listing every line that is not JSON or not a case.
 * @example
 * ```ts
 * parseEvalCases('{"id":"x","query":"Who?","type":"unanswerable"}\n', 'mine.jsonl');
 * ```
 */
export function parseEvalCases(text: string, file: string): EvalCase[] {
  const cases: EvalCase[] = [];
  const problems: string[] = [];
  const ids = new Set<string>();
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${file}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      problems.push(`${where}: not JSON (${(error as Error).message})`);
      return;
    }
    const parsed = caseSchema.safeParse(value);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`);
      problems.push(`${where}: ${issues.join('; ')}`);
    } else if (ids.has(parsed.data.id)) {
      problems.push(`${where}: id "${parsed.data.id}" is used twice`);
    } else {
      ids.add(parsed.data.id);
      cases.push(parsed.data);
    }
  });
  if (problems.length > 0) throw new EvalCaseError(problems);
  return cases;
}

/**
 * Reads the bundled sets ({@link BUNDLED_EVAL_FILES}) from `directory` (the app's `eval/`).
 *
 * @throws EvalCaseError naming a missing file or bad lines.
 * @example
 * ```ts
 * const cases = loadBundledCases(); // answerable, unanswerable and adversarial cases
 * ```
 */
export function loadBundledCases(directory = join(APP_DIR, 'eval')): EvalCase[] {
  const missing = BUNDLED_EVAL_FILES.filter((name) => !existsSync(join(directory, name)));
  if (missing.length > 0) {
    throw new EvalCaseError(missing.map((name) => `${join(directory, name)}: no such file`));
  }
  const cases: EvalCase[] = [];
  const problems: string[] = [];
  for (const name of BUNDLED_EVAL_FILES) {
    try {
      cases.push(...parseEvalCases(readFileSync(join(directory, name), 'utf8'), `eval/${name}`));
    } catch (error) {
      if (!EvalCaseError.isInstance(error)) throw error;
      problems.push(...error.problems);
    }
  }
  const seen = new Set<string>();
  for (const { id } of cases) {
    if (seen.has(id)) problems.push(`eval/*.jsonl: id "${id}" is used in two files`);
    seen.add(id);
  }
  if (problems.length > 0) throw new EvalCaseError(problems);
  return cases;
}
