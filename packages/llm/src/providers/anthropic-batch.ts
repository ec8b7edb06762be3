/**
 * Anthropic Message Batches: Keel requests as batch requests (the driver's own params, without
 * `stream`), and each result line back as a Keel answer. A succeeded line's `message` is read
 * through the same stream adapter as a live call, replayed as the events that stream it, so a
 * batch answer and a streamed one are the same.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { ChatRequest, StreamPart, Usage } from '@keel/core';
import { collect, fromAnthropic } from '@keel/streaming';
import { type CollectedAnswer, collectedAnswer } from '../collected-answer';
import { anthropicMessageEvents } from './anthropic-message-events';
import { jsonToolAsText, toAnthropicMessageParams } from './anthropic-messages';

type BatchRequest = Anthropic.Messages.Batches.BatchCreateParams.Request;

/** One batch request: the params a live call sends, without `stream`. */
export function toAnthropicBatchRequest(
  modelId: string,
  customId: string,
  request: ChatRequest,
  maxTokens: number,
): BatchRequest {
  const { stream: _stream, ...params } = toAnthropicMessageParams(
    modelId,
    request,
    maxTokens,
    undefined,
  );
  return { custom_id: customId, params };
}

/** A succeeded line's message as a Keel answer with its usage, model and id. */
export async function readAnthropicMessage(
  message: Anthropic.Message,
  structured: boolean,
): Promise<CollectedAnswer & { usage: Usage; responseModelId: string; responseId: string }> {
  const parts: AsyncIterable<StreamPart> = fromAnthropic(anthropicMessageEvents(message));
  const collected = await collect(structured ? jsonToolAsText(parts) : parts);
  return {
    ...collectedAnswer(collected),
    usage: collected.usage,
    responseModelId: message.model,
    responseId: message.id,
  };
}
