/**
 * OpenAI Responses API streams (`response.created` … `response.completed`) to StreamParts.
 */
import {
  type FinishReason,
  normalizeOpenAIResponsesUsage,
  type OpenAIResponsesUsage,
  type StreamPart,
} from '@keel/core';
import {
  adaptStream,
  type ProviderStreamSource,
  type StreamAdapterOptions,
  type StreamProtocol,
} from './adapt-stream';
import type { EventLayoutRules } from './learned-layouts';
import { logprobsPart } from './openai-logprobs';
import type { PartWriter } from './part-writer';
import { ProviderStreamError } from './provider-stream-error';
import { StreamTruncatedError } from './stream-truncated-error';

/** `incomplete_details.reason` to {@link FinishReason}. */
const incompleteReasons: Record<string, FinishReason> = {
  max_output_tokens: 'length',
  content_filter: 'content-filter',
};

/** Events that carry nothing a StreamPart needs (their content came as deltas). */
const ignoredEvents: ReadonlySet<string> = new Set([
  'response.created',
  'response.in_progress',
  'response.queued',
  'response.content_part.added',
  'response.content_part.done',
  'response.output_text.done',
  'response.output_text.annotation.added',
  'response.refusal.done',
  'response.reasoning_summary_part.added',
  'response.reasoning_summary_part.done',
  'response.reasoning_summary_text.done',
  'response.reasoning_text.done',
]);

interface OutputItem {
  id?: string;
  type?: string;
  call_id?: string;
  name?: string;
  arguments?: string;
}

interface ResponseObject {
  status?: string;
  usage?: OpenAIResponsesUsage | null;
  incomplete_details?: { reason?: string } | null;
  error?: { code?: string; message?: string } | null;
}

interface ResponsesEvent {
  type?: string;
  item_id?: string;
  item?: OutputItem;
  delta?: string;
  /** A text delta's log probabilities, when they were requested. */
  logprobs?: unknown[];
  arguments?: string;
  response?: ResponseObject;
  code?: string | null;
  message?: string;
}

const TERMINAL = 'response.completed';

/** The members of an event the adapter reads; `sequence_number`, `output_index`, ... may vary. */
const readMembers: ReadonlySet<string | number | undefined> = new Set([
  'type',
  'item_id',
  'item',
  'delta',
  'logprobs',
  'arguments',
  'response',
  'code',
  'message',
]);

/** Delta events (text, refusal, reasoning, tool arguments) are most of a stream's events. */
const layout: EventLayoutRules = {
  reads: (path) => readMembers.has(path[0]),
  // Deltas with log probabilities vary in more than their text: they are parsed in full.
  hole: ({ delta, logprobs }: ResponsesEvent) =>
    typeof delta === 'string' && !(Array.isArray(logprobs) && logprobs.length > 0)
      ? ['delta']
      : undefined,
};

function openAIResponsesProtocol(writer: PartWriter): StreamProtocol {
  let toolCalls = 0;
  let refused = false;

  function usageOf(response: ResponseObject | undefined): void {
    if (response?.usage) writer.emitUsage(normalizeOpenAIResponsesUsage(response.usage));
  }

  return {
    provider: 'openai-responses',
    terminal: TERMINAL,
    chunk(payload) {
      const event = payload as ResponsesEvent;
      const type = event.type ?? '';
      switch (type) {
        case 'response.output_text.delta': {
          writer.text(event.delta ?? '');
          const probabilities = logprobsPart(event.logprobs);
          if (probabilities) writer.whole(probabilities);
          return;
        }
        case 'response.refusal.delta':
          refused = true;
          writer.text(event.delta ?? '');
          return;
        case 'response.reasoning_summary_text.delta':
        case 'response.reasoning_text.delta':
          writer.reasoning(event.delta ?? '');
          return;
        case 'response.output_item.added':
          if (event.item?.type === 'function_call' && event.item.id !== undefined) {
            const { id, call_id, name } = event.item;
            toolCalls++;
            writer.toolCallStart(id, call_id ?? id, name ?? '');
            writer.toolCallDelta(id, event.item.arguments ?? '');
          }
          return;
        case 'response.function_call_arguments.delta':
          writer.toolCallDelta(event.item_id ?? '', event.delta ?? '');
          return;
        case 'response.function_call_arguments.done':
          writer.toolCallEnd(event.item_id ?? '', event.arguments);
          return;
        case 'response.output_item.done':
          if (event.item?.type === 'function_call' && event.item.id !== undefined) {
            writer.toolCallEnd(event.item.id, event.item.arguments);
          }
          return;
        case 'response.completed':
          usageOf(event.response);
          writer.finish(
            toolCalls > 0 ? 'tool-calls' : refused ? 'content-filter' : 'stop',
            event.response?.status,
          );
          return;
        case 'response.incomplete': {
          usageOf(event.response);
          const reason = event.response?.incomplete_details?.reason;
          writer.finish(
            reason === undefined ? 'length' : (incompleteReasons[reason] ?? 'length'),
            reason,
          );
          return;
        }
        case 'response.failed':
          usageOf(event.response);
          throw new ProviderStreamError({
            provider: 'openai-responses',
            type: event.response?.error?.code ?? 'response_failed',
            message: event.response?.error?.message ?? '',
            raw: payload,
          });
        case 'error':
          throw new ProviderStreamError({
            provider: 'openai-responses',
            type: event.code ?? 'error',
            message: event.message ?? '',
            raw: payload,
          });
        default:
          if (!ignoredEvents.has(type)) writer.unknownEvent();
      }
    },
    layout,
    done() {},
    end() {
      throw new StreamTruncatedError({ expected: TERMINAL });
    },
  };
}

/**
 * Adapts an OpenAI Responses API stream to StreamParts: `output_text` and refusal deltas as text,
 * reasoning summaries (and raw reasoning text) as reasoning, function calls from
 * `function_call_arguments` deltas (the tool call id is the item's `call_id`), usage from
 * `response.completed`, `response.incomplete` mapped to `length` or `content-filter`. `error` and
 * `response.failed` end with a {@link ProviderStreamError}; a stream without its terminal event
 * with a {@link StreamTruncatedError}. Unknown event types are skipped and counted.
 *
 * @example
 * ```ts
 * const stream = await openai.responses.create({ model, input: 'Hi', stream: true });
 * const { text, usage } = await collect(fromOpenAIResponses(stream));
 * ```
 */
export function fromOpenAIResponses(
  source: ProviderStreamSource,
  options: StreamAdapterOptions = {},
): AsyncIterableIterator<StreamPart> {
  return adaptStream(source, openAIResponsesProtocol, options);
}
