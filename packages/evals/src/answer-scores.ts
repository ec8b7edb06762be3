/**
 * Answer scorers that need neither citations nor a model: is the answer JSON matching a
 * schema, and does it state the facts the case expects?
 */
import type { z } from 'zod';
import type { CaseScorer } from './scorer';

/**
 * 1 when `text` is JSON matching `schema`, else 0.
 *
 * @example
 * ```ts
 * schemaValidity(z.object({ title: z.string() }), '{"title":"Hi"}'); // 1
 * schemaValidity(z.object({ title: z.string() }), 'Sure! {"title":"Hi"}'); // 0
 * ```
 */
export function schemaValidity(schema: z.ZodType, text: string): 0 | 1 {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 0;
  }
  return schema.safeParse(value).success ? 1 : 0;
}

/** Text as a fact is matched in it: markdown backticks and `*` removed, whitespace collapsed, lower case. */
const normalize = (text: string) =>
  text.replace(/[`*]/g, '').toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * The expected facts the answer does not state, each looked for as a substring with case,
 * whitespace and markdown emphasis (backticks, `*`) ignored on both sides.
 *
 * @example
 * ```ts
 * missingFacts('Use **`retryBudget()`** here.', ['retryBudget', 'jitter']); // ['jitter']
 * ```
 */
export function missingFacts(answer: string, expectedFacts: readonly string[]): string[] {
  const text = normalize(answer);
  return expectedFacts.filter((fact) => !text.includes(normalize(fact)));
}

/**
 * Expected facts the answer states (matched as {@link missingFacts} does), over all expected
 * facts: [0, 1]; `null` when the case expects none.
 *
 * @example
 * ```ts
 * factRecall('Budgets reserve tokens before the call.', ['reserve tokens', 'refund']); // 0.5
 * ```
 */
export function factRecall(answer: string, expectedFacts: readonly string[]): number | null {
  if (expectedFacts.length === 0) return null;
  return 1 - missingFacts(answer, expectedFacts).length / expectedFacts.length;
}

/**
 * The answer scorer: `factRecall` against the case's `expectedFacts`, and `schemaValid` when a
 * schema is given.
 *
 * @example
 * ```ts
 * await runEval({ name: 'baseline', cases, task, scorers: [answerScorer({ schema: ticketSchema })] });
 * ```
 */
export function answerScorer({ schema }: { schema?: z.ZodType } = {}): CaseScorer {
  return function answerScores({ case: evalCase, output }) {
    const scores: Record<string, number | null> = {
      factRecall: factRecall(output.answer, evalCase.expectedFacts ?? []),
    };
    if (schema !== undefined) scores.schemaValid = schemaValidity(schema, output.answer);
    return { scores };
  };
}
