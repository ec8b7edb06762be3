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
import { EMPTY_USAGE } from '@keel/core';

/** What one model call produced. */
export interface ModelTurn {
  text: string;
  reasoning: string;
  /** Anthropic's signature over the reasoning, when it was streamed. */
  signature?: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
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
  const turn: ModelTurn = {
    text: '',
    reasoning: '',
    toolCalls: [],
    finishReason: 'stop',
    usage: EMPTY_USAGE,
    responseModelId: model.modelId,
  };
  let failure: { error: unknown } | undefined;
  let unparsed = false;
  for await (const part of model.stream(request, { signal })) {
    yield part;
    switch (part.type) {
      case 'text-delta':
        turn.text += part.text;
        break;
      case 'reasoning-delta':
        turn.reasoning += part.text;
        if (part.signature !== undefined) turn.signature = part.signature;
        break;
      case 'tool-call':
        turn.toolCalls.push({
          toolCallId: part.toolCallId,
          toolName: part.toolName,
          input: part.input,
        });
        break;
      case 'usage':
        turn.usage = part.usage;
        break;
      case 'error': {
        const call = unparsedToolCall(part.error);
        if (call === undefined) failure ??= { error: part.error };
        else {
          turn.toolCalls.push(call);
          unparsed = true;
        }
        break;
      }
      case 'finish':
        turn.finishReason = part.reason;
        break;
    }
  }
  if (turn.finishReason === 'abort') throw signal.reason;
  if (failure !== undefined) throw failure.error;
  // @keel/streaming ends a stream whose tool arguments did not parse with `finish: error`;
  // those calls are answered, so the turn ended for tool calls. Any other `error` stays.
  if (unparsed && turn.finishReason === 'error') turn.finishReason = 'tool-calls';
  return turn;
}
