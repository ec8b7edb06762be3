/**
 * OpenAI Responses API: `response` objects with reasoning, message and function_call output
 * items, and the typed event stream from `response.created` to `response.completed`.
 */
import type { Usage } from '@keel/core';
import { argumentFragments, wordChunks } from '../text-chunks';
import { mockLogprobs, requestedLogprobs } from './mock-logprobs';
import type { RenderContext, Rendered, SseEvent } from './rendered';

/** OpenAI Responses `usage`. */
export function openaiResponsesUsage(usage: Usage) {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cacheReadTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

const incompleteReasons = {
  length: 'max_output_tokens',
  'content-filter': 'content_filter',
} as const;

/** Renders a Responses API response or stream. */
export function renderOpenAIResponses({ body, reply, ids, created }: RenderContext): Rendered {
  const responseId = ids.next('resp_');
  const reasoningItem =
    reply.reasoning === undefined
      ? undefined
      : {
          id: ids.next('rs_'),
          type: 'reasoning',
          summary: [{ type: 'summary_text', text: reply.reasoning }],
        };
  const messageItem =
    reply.text === '' && reply.toolCalls.length > 0
      ? undefined
      : {
          id: ids.next('msg_'),
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: reply.text, annotations: [], logprobs: [] }],
        };
  const callItems = reply.toolCalls.map((call) => ({
    id: ids.next('fc_'),
    type: 'function_call',
    status: 'completed',
    arguments: call.arguments,
    call_id: call.id ?? ids.next('call_'),
    name: call.name,
  }));
  const output = [reasoningItem, messageItem, ...callItems].filter((item) => item !== undefined);
  const incomplete =
    reply.finishReason === 'length' || reply.finishReason === 'content-filter'
      ? incompleteReasons[reply.finishReason]
      : undefined;

  const response = (status: string, items: unknown[], usage: unknown) => ({
    id: responseId,
    object: 'response',
    created_at: created,
    status,
    background: false,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: incomplete } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: reply.model,
    output: items,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage,
    user: null,
    metadata: body.metadata ?? {},
  });
  const finalStatus = incomplete === undefined ? 'completed' : 'incomplete';
  const final = response(finalStatus, output, openaiResponsesUsage(reply.usage));

  if (body.stream !== true) return { kind: 'json', body: final };

  const events: SseEvent[] = [];
  const emit = (type: string, payload: Record<string, unknown>, content = false) => {
    events.push({
      event: type,
      data: JSON.stringify({ type, sequence_number: events.length, ...payload }),
      content,
    });
  };
  emit('response.created', { response: response('in_progress', [], null) });
  emit('response.in_progress', { response: response('in_progress', [], null) });
  output.forEach((item, output_index) => {
    if (item.type === 'reasoning' && reasoningItem) {
      const text = reasoningItem.summary[0]?.text ?? '';
      const part = { item_id: item.id, output_index, summary_index: 0 };
      emit('response.output_item.added', { output_index, item: { ...item, summary: [] } });
      emit('response.reasoning_summary_part.added', {
        ...part,
        part: { type: 'summary_text', text: '' },
      });
      for (const piece of wordChunks(text))
        emit('response.reasoning_summary_text.delta', { ...part, delta: piece }, true);
      emit('response.reasoning_summary_text.done', { ...part, text });
      emit('response.reasoning_summary_part.done', {
        ...part,
        part: { type: 'summary_text', text },
      });
    } else if (item.type === 'message') {
      const part = { item_id: item.id, output_index, content_index: 0 };
      emit('response.output_item.added', {
        output_index,
        item: { ...item, status: 'in_progress', content: [] },
      });
      emit('response.content_part.added', {
        ...part,
        part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
      });
      const top = requestedLogprobs(body);
      for (const delta of reply.chunks) {
        const logprobs = top === undefined ? [] : mockLogprobs(delta, top);
        emit('response.output_text.delta', { ...part, delta, logprobs }, true);
      }
      emit('response.output_text.done', { ...part, text: reply.text, logprobs: [] });
      emit('response.content_part.done', {
        ...part,
        part: { type: 'output_text', text: reply.text, annotations: [], logprobs: [] },
      });
    } else if (item.type === 'function_call' && 'arguments' in item) {
      emit('response.output_item.added', {
        output_index,
        item: { ...item, status: 'in_progress', arguments: '' },
      });
      for (const delta of argumentFragments(item.arguments)) {
        emit(
          'response.function_call_arguments.delta',
          { item_id: item.id, output_index, delta },
          true,
        );
      }
      emit('response.function_call_arguments.done', {
        item_id: item.id,
        output_index,
        arguments: item.arguments,
      });
    }
    emit('response.output_item.done', { output_index, item });
  });
  emit(`response.${finalStatus}`, { response: final });
  const last = events.at(-1);
  if (last) last.terminal = true;
  return { kind: 'sse', events };
}

/** The Responses API's mid-stream `error` event. */
export function openaiResponsesStreamError(
  error: { type: string; message: string },
  sequenceNumber: number,
): SseEvent {
  return {
    event: 'error',
    data: JSON.stringify({
      type: 'error',
      code: error.type,
      message: error.message,
      param: null,
      sequence_number: sequenceNumber,
    }),
  };
}
