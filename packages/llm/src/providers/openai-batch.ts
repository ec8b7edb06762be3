/**
 * OpenAI's Batch API for Chat Completions: Keel requests as input-file lines (the driver's own
 * params, without streaming), and each output line's completion back as a Keel answer. The
 * completion is read through the same stream adapter as a live call, replayed as the one chunk
 * that would carry it, so a batch answer and a streamed one are the same.
 */
import type { ChatRequest } from '@keel/core';
import { collect, fromOpenAIChat } from '@keel/streaming';
import type OpenAI from 'openai';
import type { ItemAnswer } from '../batch-client';
import { collectedAnswer } from '../collected-answer';
import { toChatParams } from './openai-chat';

/** The endpoint the batches run. */
export const OPENAI_BATCH_ENDPOINT = '/v1/chat/completions';

/** One input-file line: the params a live call sends, without `stream` and `stream_options`. */
export function toOpenAIBatchLine(
  modelId: string,
  customId: string,
  request: ChatRequest,
  maxTokens: number | undefined,
): { custom_id: string; method: 'POST'; url: string; body: object } {
  const {
    stream: _stream,
    stream_options: _options,
    ...body
  } = toChatParams(modelId, request, maxTokens, 'max_completion_tokens');
  return { custom_id: customId, method: 'POST', url: OPENAI_BATCH_ENDPOINT, body };
}

/** `completion` as the single chunk that would have streamed it, usage included. */
async function* completionChunks(completion: OpenAI.Chat.ChatCompletion): AsyncGenerator<object> {
  const { choices, usage, ...identity } = completion;
  yield {
    ...identity,
    object: 'chat.completion.chunk',
    choices: choices.map(({ message, logprobs, finish_reason, index }) => {
      const { tool_calls: calls, ...delta } = message;
      return {
        index,
        delta: {
          ...delta,
          ...(calls !== undefined && {
            tool_calls: calls.flatMap((call, i) =>
              call.type === 'function' ? [{ index: i, ...call }] : [],
            ),
          }),
        },
        logprobs,
        finish_reason,
      };
    }),
    usage: usage ?? null,
  };
}

/** An output line's completion as a Keel answer with its usage, model and id. */
export async function readOpenAICompletion(
  completion: OpenAI.Chat.ChatCompletion,
): Promise<ItemAnswer> {
  const collected = await collect(fromOpenAIChat(completionChunks(completion)));
  return {
    ...collectedAnswer(collected),
    usage: collected.usage,
    responseModelId: completion.model,
    responseId: completion.id,
  };
}
