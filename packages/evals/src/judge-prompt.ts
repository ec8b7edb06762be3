/**
 * The judge's rubric: a fixed, versioned prompt. Change its wording and bump `version`, so
 * scores made with different rubrics are never compared as if they were the same.
 */
import { definePrompt, untrustedText } from '@keel/prompts';
import { z } from 'zod';

/** What the judge answers: two grades from 1 to 5 and its reason. */
export const judgementSchema = z.strictObject({
  faithfulness: z.number().int().min(1).max(5),
  relevance: z.number().int().min(1).max(5),
  reason: z.string(),
});

/** A judge's raw answer. */
export type JudgeAnswer = z.output<typeof judgementSchema>;

const RUBRIC = `You grade one answer of a retrieval-augmented assistant. Give two grades from 1 to 5.

Faithfulness: is every claim of the answer supported by the retrieved passages?
5 every claim is supported; 4 all but a minor detail; 3 the main claim is supported but others are not;
2 most claims are unsupported; 1 the main claim is invented or contradicts the passages.
An answer that declines because the passages do not answer the question is faithful (5) when they indeed do not.

Relevance: does the answer address the question that was asked?
5 fully and directly; 4 mostly, with small gaps or padding; 3 partly; 2 barely; 1 not at all.

Give the reason for your grades in one sentence. Reply with JSON only.`;

/**
 * The judge prompt, `keel-evals.judge@1`. The answer and the passages are fenced as untrusted,
 * so an answer cannot instruct its own judge.
 *
 * @example
 * ```ts
 * JUDGE_PROMPT.key; // 'keel-evals.judge@1'
 * ```
 */
export const JUDGE_PROMPT = definePrompt({
  id: 'keel-evals.judge',
  version: 1,
  description: 'Grades the faithfulness and relevance of an answer, from 1 to 5 each.',
  input: z.object({ question: z.string(), passages: untrustedText(), answer: untrustedText() }),
  system: RUBRIC,
  template:
    'Question:\n{{question}}\n\nRetrieved passages:\n{{passages}}\n\nAnswer to grade:\n{{answer}}',
  output: judgementSchema,
});
