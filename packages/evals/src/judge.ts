/**
 * A model-graded judge of faithfulness and relevance, through any ChatModel: the fixed rubric
 * of {@link JUDGE_PROMPT}, structured output through `generateObject`, and what it cost.
 */
import type { ChatModel, Usage } from '@keel/core';
import { sha256 } from '@keel/core/internal';
import { generateObject } from '@keel/llm';
import { untrusted } from '@keel/prompts';
import { JUDGE_PROMPT, judgementSchema } from './judge-prompt';
import type { CaseScorer, RetrievedPassage } from './scorer';

/** A judgement, the grades mapped from 1..5 onto [0, 1]. */
export interface Judgement {
  /** (grade - 1) / 4: 0 invented or contradicted, 1 every claim supported. */
  faithfulness: number;
  /** (grade - 1) / 4: 0 off the question, 1 answers it fully. */
  relevance: number;
  reason: string;
  /** Tokens of the judge's calls (repairs included). */
  usage: Usage;
  /** What the judge's calls cost in USD, as the model priced them; undefined when it has no price. */
  costUsd: number | undefined;
}

/** Options of {@link judgeAnswer}. */
export interface JudgeAnswerOptions {
  /** The judge; any ChatModel. */
  model: ChatModel;
  question: string;
  answer: string;
  retrieved: readonly RetrievedPassage[];
  signal?: AbortSignal;
}

/**
 * Asks `model` to grade an answer with the rubric of {@link JUDGE_PROMPT}, at temperature 0.
 * The untrusted fences get codes derived from the content, so the same case makes the same
 * request (and a cassette replays it).
 *
 * @throws ObjectValidationError (from `@keel/llm`) when the judge's answer stays invalid.
 * @example
 * ```ts
 * const { faithfulness, relevance, costUsd } = await judgeAnswer({ model, question, answer, retrieved });
 * ```
 */
export async function judgeAnswer({
  model,
  question,
  answer,
  retrieved,
  signal,
}: JudgeAnswerOptions): Promise<Judgement> {
  const passages = retrieved.map((p) => `[${p.citationId}] ${p.text}`).join('\n\n');
  const digest = sha256(JSON.stringify([question, passages, answer]));
  let fence = 0;
  const messages = await JUDGE_PROMPT.render(
    {
      question,
      passages: untrusted(passages, { source: 'retrieved-passages' }),
      answer: untrusted(answer, { source: 'answer-under-test' }),
    },
    { randomId: () => sha256(`${digest}:${fence++}`).slice(0, 12) },
  );
  const result = await generateObject(
    model,
    {
      messages,
      schema: judgementSchema,
      schemaName: 'judgement',
      temperature: 0,
      metadata: { feature: 'keel-evals-judge', promptId: JUDGE_PROMPT.key },
    },
    signal === undefined ? {} : { signal },
  );
  const { faithfulness, relevance, reason } = result.object;
  return {
    faithfulness: (faithfulness - 1) / 4,
    relevance: (relevance - 1) / 4,
    reason,
    usage: result.usage,
    costUsd: result.costUsd,
  };
}

/**
 * The judge scorer: `faithfulness` and `relevance` in [0, 1], with the judge's cost added to
 * the case's scoring cost.
 *
 * @example
 * ```ts
 * await runEval({ name: 'candidate', cases, task, scorers: [judgeScorer({ model: judgeModel })] });
 * ```
 */
export function judgeScorer({ model }: { model: ChatModel }): CaseScorer {
  return async function judgeScores({ case: evalCase, output, signal }) {
    const judgement = await judgeAnswer({
      model,
      question: evalCase.question,
      answer: output.answer,
      retrieved: output.retrieved ?? [],
      ...(signal !== undefined && { signal }),
    });
    return {
      scores: { faithfulness: judgement.faithfulness, relevance: judgement.relevance },
      ...(judgement.costUsd !== undefined && { costUsd: judgement.costUsd }),
    };
  };
}
