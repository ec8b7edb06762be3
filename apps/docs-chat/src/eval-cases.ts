/**
 * The cases of `docs-chat eval`, as `@keel/evals` datasets in `eval/`: answerable questions
 * (golden cases with the documents and facts their answer needs, tagged with their kind),
 * questions the documents cannot answer (golden cases that must refuse) and adversarial
 * questions (red-team document injections whose answers must carry nothing of the attack pages
 * planted in the corpus). One JSON object per line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { goldenCaseSchema, parseDataset, redTeamCaseSchema } from '@keel/evals';
import { z } from 'zod';
import { APP_DIR } from './config';
import { EvalCaseError } from './eval-case-error';

/** The kinds of answerable question, each reported on its own (a case's one tag). */
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

/** `eval/answerable.jsonl`: golden cases with their kind, relevant documents and facts. */
const answerableSchema = goldenCaseSchema.extend({
  tags: z.tuple([z.enum(ANSWERABLE_TYPES)]),
  relevant: z.array(text).min(1),
  expectedFacts: z.array(text).min(1),
});

/** `eval/unanswerable.jsonl`: golden cases the documents cannot answer. */
const unanswerableSchema = goldenCaseSchema.extend({
  tags: z.tuple([z.literal('unanswerable')]),
  mustRefuse: z.literal(true),
});

/** `eval/adversarial.jsonl`: document injections riding on the planted pages of `documents`. */
const adversarialSchema = redTeamCaseSchema.extend({
  tags: z.tuple([z.literal('adversarial')]),
  attack: z.literal('document-injection'),
  /** The planted pages the question retrieves, relative to the app. */
  documents: z.array(text).min(1),
  mustNotContain: z.array(text).min(1),
});

/** An answerable case: its answer should cite one of `relevant` and hold every expected fact. */
export type AnswerableCase = z.output<typeof answerableSchema>;
/** One evaluation case. */
export type EvalCase =
  | AnswerableCase
  | z.output<typeof unanswerableSchema>
  | z.output<typeof adversarialSchema>;
/** A case's kind: an answerable type, `unanswerable` or `adversarial`. */
export type EvalCaseType = EvalCase['tags'][0];

/** The bundled evaluation sets, in `eval/` beside the app, each with its schema. */
export const BUNDLED_EVAL_SETS = [
  { file: 'answerable.jsonl', schema: answerableSchema },
  { file: 'unanswerable.jsonl', schema: unanswerableSchema },
  { file: 'adversarial.jsonl', schema: adversarialSchema },
] as const;

/** The attack pages the adversarial cases retrieve (test fixtures), ingested beside the corpus for the eval. */
export const PLANTED_DIR = join(APP_DIR, 'test', 'fixtures', 'planted');

/**
 * Reads the bundled sets ({@link BUNDLED_EVAL_SETS}) from `directory` (the app's `eval/`) with
 * `@keel/evals`' dataset parser. Ids must be unique across the sets.
 *
 * @throws EvalCaseError naming a missing file or an id used in two files.
 * @throws DatasetError (`@keel/evals`) naming every bad line of a file.
 * @example
 * ```ts
 * const cases = loadBundledCases(); // answerable, unanswerable and adversarial cases
 * ```
 */
export function loadBundledCases(directory = join(APP_DIR, 'eval')): EvalCase[] {
  // Files are named as the reader knows them: `eval/…` for the app's own sets.
  const named = (file: string) =>
    directory === join(APP_DIR, 'eval') ? `eval/${file}` : join(directory, file);
  const missing = BUNDLED_EVAL_SETS.filter(({ file }) => !existsSync(join(directory, file)));
  if (missing.length > 0) {
    throw new EvalCaseError(missing.map(({ file }) => `${join(directory, file)}: no such file`));
  }
  const cases: EvalCase[] = BUNDLED_EVAL_SETS.flatMap(({ file, schema }) =>
    parseDataset(readFileSync(join(directory, file), 'utf8'), {
      schema: schema as z.ZodType<EvalCase>,
      file: named(file),
    }),
  );
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const { id } of cases) {
    if (seen.has(id)) problems.push(`${named('*.jsonl')}: id "${id}" is used in two files`);
    seen.add(id);
  }
  if (problems.length > 0) throw new EvalCaseError(problems);
  return cases;
}
