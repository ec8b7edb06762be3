/**
 * The answer fields of a {@link GenerateResult}, from a collected stream of parts: what
 * `generate` returns and what a batch item's response becomes.
 */
import type { GenerateResult } from '@keel/core';
import type { CollectedStream } from '@keel/streaming';

/** The answer's fields; usage, cost and identity are the caller's. */
export type CollectedAnswer = Pick<
  GenerateResult,
  | 'text'
  | 'reasoning'
  | 'reasoningSignature'
  | 'toolCalls'
  | 'citations'
  | 'serverToolCalls'
  | 'serverToolResults'
  | 'logprobs'
  | 'finishReason'
  | 'providerFinishReason'
>;

/** The answer in `collected`, leaving out the fields it has nothing for. */
export function collectedAnswer(collected: CollectedStream): CollectedAnswer {
  return {
    text: collected.text,
    ...(collected.reasoning !== '' && { reasoning: collected.reasoning }),
    ...(collected.reasoningSignature !== undefined && {
      reasoningSignature: collected.reasoningSignature,
    }),
    toolCalls: collected.toolCalls,
    ...(collected.citations.length > 0 && { citations: collected.citations }),
    ...(collected.serverToolCalls.length > 0 && { serverToolCalls: collected.serverToolCalls }),
    ...(collected.serverToolResults.length > 0 && {
      serverToolResults: collected.serverToolResults,
    }),
    ...(collected.logprobs.length > 0 && { logprobs: collected.logprobs }),
    finishReason: collected.finishReason,
    ...(collected.providerFinishReason !== undefined && {
      providerFinishReason: collected.providerFinishReason,
    }),
  };
}
