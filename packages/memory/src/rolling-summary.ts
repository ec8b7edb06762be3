/**
 * One update of a conversation's rolling summary: the turns that just left the history window
 * folded into the summary so far, by a model through the versioned summary prompt, or offline
 * by the extractive summary. Either way the result fits its token budget.
 */
import type { ChatModel, Message, RequestMetadata } from '@keel/core';
import { untrusted } from '@keel/prompts';
import { truncateTokens } from '@keel/tokens';
import { EXTRACTIVE_SUMMARY_ID, extractiveSummary } from './extractive-summary';
import { SUMMARY_PROMPT } from './memory-prompts';
import { formatTurns, modelRequest } from './model-request';
import { type MemorySpend, NO_SPEND } from './spend';

/** Options of {@link updateSummary}. */
export interface UpdateSummaryOptions {
  /** The summariser; without one, the offline extractive summary. */
  model?: ChatModel | undefined;
  previous: string;
  turns: readonly { turn: number; message: Message }[];
  /** Most tokens of the summary. */
  maxTokens: number;
  metadata: RequestMetadata;
  signal?: AbortSignal | undefined;
}

/** The updated summary, the prompt that wrote it, and what the call cost. */
export interface UpdatedSummary extends MemorySpend {
  text: string;
  promptId: string;
}

/**
 * Folds `turns` into `previous`.
 *
 * @example
 * ```ts
 * const { text, costUsd } = await updateSummary({ model, previous, turns, maxTokens: 300, metadata: { userId } });
 * ```
 */
export async function updateSummary({
  model,
  previous,
  turns,
  maxTokens,
  metadata,
  signal,
}: UpdateSummaryOptions): Promise<UpdatedSummary> {
  if (model === undefined) {
    const text = await extractiveSummary(previous, turns, maxTokens);
    return { text, promptId: EXTRACTIVE_SUMMARY_ID, ...NO_SPEND };
  }
  const rendered = await SUMMARY_PROMPT.render({
    previous: untrusted(previous === '' ? '(empty)' : previous, { source: 'memory-summary' }),
    turns: untrusted(formatTurns(turns), { source: 'conversation' }),
    words: Math.max(1, Math.floor(maxTokens * 0.7)),
  });
  const result = await model.generate(
    { ...modelRequest(SUMMARY_PROMPT, rendered, metadata), maxTokens },
    { ...(signal && { signal }) },
  );
  return {
    text: await truncateTokens(result.text.trim(), maxTokens),
    promptId: SUMMARY_PROMPT.key,
    usage: result.usage,
    costUsd: result.costUsd,
  };
}
