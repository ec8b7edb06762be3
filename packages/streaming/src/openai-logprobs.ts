/**
 * OpenAI's token log probabilities (Chat Completions `choices[].logprobs.content`, Responses
 * `response.output_text.delta` `logprobs`), which both APIs spell the same way.
 */
import type { LogprobsPart, TokenLogprob } from '@keel/core';

/** One token's entry as OpenAI sends it. */
export interface OpenAILogprob {
  token?: string;
  logprob?: number;
  top_logprobs?: Array<{ token?: string; logprob?: number }> | null;
}

/** A `logprobs` part for `entries`; `undefined` when there are none. */
export function logprobsPart(entries: unknown): LogprobsPart | undefined {
  if (!Array.isArray(entries) || entries.length === 0) return undefined;
  const tokens: TokenLogprob[] = (entries as OpenAILogprob[]).map((entry) => ({
    token: entry.token ?? '',
    logprob: entry.logprob ?? 0,
    top: (entry.top_logprobs ?? []).map((top) => ({
      token: top.token ?? '',
      logprob: top.logprob ?? 0,
    })),
  }));
  return { type: 'logprobs', tokens };
}
