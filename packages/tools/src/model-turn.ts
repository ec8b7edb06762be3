/**
 * One model call as the agent loop needs it, from `generate` or assembled from `stream` parts
 * (which are passed on as they arrive).
 */
import type {
  AssistantMessage,
  ChatModel,
  ChatRequest,
  FinishReason,
  StreamPart,
  ToolCall,
  Usage,
} from '@keel/core';
import { createStreamAccumulator } from '@keel/core/internal';

/** What one model call produced. */
export interface ModelTurn {
  text: string;
  reasoning: string;
  /** Anthropic's signature over the reasoning, when it was streamed. */
  signature?: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
  /** The call's cost as the model priced it; `undefined` when the model gave none. */
  costUsd: number | undefined;
  responseModelId?: string;
}

/** The assistant message recording a turn (reasoning is kept only with its signature). */
export function assistantMessage(turn: ModelTurn): AssistantMessage {
  const content: AssistantMessage['content'] = [];
  if (turn.reasoning !== '' && turn.signature !== undefined) {
    content.push({ type: 'reasoning', text: turn.reasoning, signature: turn.signature });
  }
  if (turn.text !== '') content.push({ type: 'text', text: turn.text });
  for (const call of turn.toolCalls) content.push({ type: 'tool-call', ...call });
  return { role: 'assistant', content };
}

/** A model call through `generate`. */
export async function generateTurn(
  model: ChatModel,
  request: ChatRequest,
  signal: AbortSignal,
): Promise<ModelTurn> {
  const result = await model.generate(request, { signal });
  return {
    text: result.text,
    reasoning: result.reasoning ?? '',
    toolCalls: result.toolCalls,
    finishReason: result.finishReason,
    usage: result.usage,
    costUsd: result.costUsd,
    responseModelId: result.responseModelId,
  };
}

/**
 * The arguments of a streamed call that were not valid JSON arrive as an `error` part carrying
 * `@keel/streaming`'s ToolInputParseError; the loop hands the raw text to the dispatcher, which
 * tells the model its JSON was invalid.
 */
function unparsedToolCall(error: unknown): ToolCall | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, toolCallId, toolName, text } = error as Record<string, unknown>;
  return name === 'ToolInputParseError' &&
    typeof toolCallId === 'string' &&
    typeof toolName === 'string' &&
    typeof text === 'string'
    ? { toolCallId, toolName, input: text }
    : undefined;
}

/**
 * A model call through `stream`: yields every part, returns the assembled turn.
 *
 * @throws the stream's error when it failed, or the signal's reason when it was aborted.
 */
export async function* streamTurn(
  model: ChatModel,
  request: ChatRequest,
  signal: AbortSignal,
): AsyncGenerator<StreamPart, ModelTurn> {
  const acc = createStreamAccumulator();
  /** Calls whose arguments did not parse, at their place among the parsed ones. */
  const unparsed: [number, ToolCall][] = [];
  let failure: { error: unknown } | undefined;
  for await (const part of model.stream(request, { signal })) {
    yield part;
    acc.add(part);
    if (part.type !== 'error') continue;
    const call = unparsedToolCall(part.error);
    if (call === undefined) failure ??= { error: part.error };
    else unparsed.push([acc.result.toolCalls.length + unparsed.length, call]);
  }
  const { text, reasoning, reasoningSignature, usage, costUsd } = acc.result;
  let { finishReason = 'stop' } = acc.result;
  if (finishReason === 'abort') throw signal.reason;
  if (failure !== undefined) throw failure.error;
  const toolCalls = [...acc.result.toolCalls];
  for (const [index, call] of unparsed) toolCalls.splice(index, 0, call);
  // @keel/streaming ends a stream whose tool arguments did not parse with `finish: error`;
  // those calls are answered, so the turn ended for tool calls. Any other `error` stays.
  if (unparsed.length > 0 && finishReason === 'error') finishReason = 'tool-calls';
  return {
    text,
    reasoning,
    ...(reasoningSignature !== undefined && { signature: reasoningSignature }),
    toolCalls,
    finishReason,
    usage,
    costUsd,
    responseModelId: model.modelId,
  };
}
