/**
 * Prompt tests as data: a JSONL file of cases, each an input and what must hold for it (the
 * rendered prompt contains or avoids text, fits a token budget, fails with a given error, or
 * gets output that matches the output schema), run in any test runner.
 */
import type { ChatModel, Message } from '@keel/core';
import { encodingFor, type TokenizerOptions } from '@keel/tokens';
import { z } from 'zod';
import type { Prompt } from './define-prompt';
import { zodIssues } from './define-prompt';
import { LONGEST_FENCE_CODE } from './fence-untrusted';
import { formatMessages } from './format-messages';
import { PromptFileError } from './prompt-file-error';
import { formatIssues } from './prompt-input-error';
import { contentTokens } from './render-prompt';
import { untrusted } from './untrusted';

const textChecks = {
  contains: z.array(z.string()).optional(),
  notContains: z.array(z.string()).optional(),
};

const caseSchema = z.strictObject({
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  /** A recorded model answer, checked by `expect.output` when no model is given. */
  output: z.string().optional(),
  expect: z
    .strictObject({
      ...textChecks,
      maxTokens: z.number().int().positive().optional(),
      /** The `name` of the error rendering must fail with, e.g. `'PromptInputError'`. */
      error: z.string().optional(),
      output: z.strictObject({ ...textChecks, valid: z.boolean().optional() }).optional(),
    })
    .default({}),
});

/** One case of a prompt test file. In `input`, `{ "$untrusted": text, "source": ... }` is untrusted text. */
export type PromptCase = z.output<typeof caseSchema> & { line: number };

/** What a case found. */
export interface PromptCaseResult {
  name: string;
  passed: boolean;
  /** One sentence per expectation that did not hold. */
  failures: string[];
  messages?: Message[];
  output?: string;
}

/** Options of {@link runPromptCase}. */
export interface RunPromptCaseOptions {
  /** Asked for the output when the case has `expect.output`; without it, the case's recorded `output` is used. */
  model?: ChatModel;
  /** For `maxTokens`; default the prompt's budget tokenizer, else o200k_base. */
  tokenizer?: TokenizerOptions;
  signal?: AbortSignal;
}

const untrustedSpec = z.strictObject({
  $untrusted: z.string(),
  source: z.string(),
  mode: z.enum(['fence', 'datamark', 'base64']).optional(),
});

/** `value` with every `{ "$untrusted": ... }` object turned into `untrusted(...)`. */
function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (typeof value !== 'object' || value === null) return value;
  if (Object.hasOwn(value, '$untrusted')) {
    const { $untrusted, source, mode } = untrustedSpec.parse(value);
    return untrusted($untrusted, mode === undefined ? { source } : { source, mode });
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, revive(item)]));
}

/**
 * The cases of a JSONL prompt test file: one JSON object per line, blank lines skipped.
 *
 * @throws PromptFileError naming the line of a malformed case.
 * @example
 * ```ts
 * const cases = parsePromptCases(readFileSync('prompts/summarize.v2.cases.jsonl', 'utf8'), 'summarize.v2.cases.jsonl');
 * for (const c of cases) it(c.name, async () => expect((await runPromptCase(summarize, c)).failures).toEqual([]));
 * ```
 */
export function parsePromptCases(jsonl: string, file = 'cases.jsonl'): PromptCase[] {
  const cases: PromptCase[] = [];
  jsonl.split(/\r?\n/).forEach((text, index) => {
    if (text.trim() === '') return;
    const line = index + 1;
    try {
      const parsed = caseSchema.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(formatIssues(zodIssues(parsed.error)));
      cases.push({
        ...parsed.data,
        input: revive(parsed.data.input) as Record<string, unknown>,
        line,
      });
    } catch (cause) {
      throw new PromptFileError({
        file,
        problem: `line ${line}: ${(cause as Error).message}`,
        cause,
      });
    }
  });
  return cases;
}

function checkText(
  text: string,
  checks: { contains?: string[]; notContains?: string[] },
  what: string,
): string[] {
  return [
    ...(checks.contains ?? [])
      .filter((s) => !text.includes(s))
      .map((s) => `${what} does not contain ${JSON.stringify(s)}`),
    ...(checks.notContains ?? [])
      .filter((s) => text.includes(s))
      .map((s) => `${what} contains ${JSON.stringify(s)}`),
  ];
}

async function answer(
  prompt: Prompt<z.ZodType, z.ZodType | undefined>,
  messages: Message[],
  { model, signal }: RunPromptCaseOptions,
): Promise<string | undefined> {
  if (!model) return undefined;
  const system = messages.find((m) => m.role === 'system')?.content as string | undefined;
  const result = await model.generate(
    {
      messages: messages.filter((m) => m.role !== 'system'),
      ...(system === undefined ? {} : { system }),
      metadata: { promptId: prompt.key },
    },
    signal ? { signal } : {},
  );
  return result.text;
}

/**
 * Runs one case: renders the prompt with its input and checks every expectation, collecting
 * failures rather than stopping at the first. Errors other than an expected one fail the case.
 *
 * @example
 * ```ts
 * const result = await runPromptCase(summarize, cases[0], { model: createFakeChatModel({ text: '{"summary":"…"}' }) });
 * expect(result.failures).toEqual([]);
 * ```
 */
export async function runPromptCase(
  prompt: Prompt<z.ZodType, z.ZodType | undefined>,
  testCase: PromptCase,
  options: RunPromptCaseOptions = {},
): Promise<PromptCaseResult> {
  const { name, expect: expected } = testCase;
  const done = (failures: string[], extra: Partial<PromptCaseResult> = {}): PromptCaseResult => ({
    name,
    passed: failures.length === 0,
    failures,
    ...extra,
  });
  let messages: Message[];
  try {
    messages = await prompt.render(testCase.input);
  } catch (error) {
    const errorName = (error as Error)?.name;
    if (expected.error !== undefined && errorName === expected.error) return done([]);
    return done([`render failed with ${errorName}: ${(error as Error)?.message}`]);
  }
  if (expected.error !== undefined)
    return done([`render succeeded, expected ${expected.error}`], { messages });

  const failures = checkText(formatMessages(messages), expected, 'the prompt');
  if (expected.maxTokens !== undefined) {
    const encoding = await encodingFor(options.tokenizer ?? prompt.budget?.tokenizer);
    // Counted with the longest fence code, so a case passes or fails whatever codes are drawn.
    const longest = await prompt.render(testCase.input, { randomId: () => LONGEST_FENCE_CODE });
    const tokens = contentTokens(encoding, longest);
    if (tokens > expected.maxTokens)
      failures.push(`the prompt is ${tokens} tokens, over ${expected.maxTokens}`);
  }
  if (expected.output === undefined) return done(failures, { messages });

  const output = (await answer(prompt, messages, options)) ?? testCase.output;
  if (output === undefined) {
    failures.push('expect.output needs a model option or a recorded "output" in the case');
    return done(failures, { messages });
  }
  failures.push(...checkText(output, expected.output, 'the output'));
  if (expected.output.valid !== undefined) {
    let problem: string | undefined;
    try {
      prompt.parseOutput(output);
    } catch (error) {
      problem = (error as Error).message;
    }
    if (expected.output.valid && problem) failures.push(`the output is invalid: ${problem}`);
    if (!expected.output.valid && !problem)
      failures.push('the output matches the output schema, expected it not to');
  }
  return done(failures, { messages, output });
}
