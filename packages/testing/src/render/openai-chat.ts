/**
 * OpenAI Chat Completions: `chat.completion` bodies and `chat.completion.chunk` streams with
 * tool calls by index, the `include_usage` final chunk and `data: [DONE]`.
 */
import type { Usage } from '@keel/core';
import { argumentFragments } from '../text-chunks';
import { mockLogprobs, requestedLogprobs } from './mock-logprobs';
import type { RenderContext, Rendered, SseEvent } from './rendered';

const finishReasons = {
  stop: 'stop',
  length: 'length',
  'tool-calls': 'tool_calls',
  'content-filter': 'content_filter',
} as const;

/** OpenAI Chat Completions `usage`. */
export function openaiChatUsage(usage: Usage) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** Renders a Chat Completions response or stream. */
export function renderOpenAIChat({ body, reply, ids, created }: RenderContext): Rendered {
  const id = ids.next('chatcmpl-');
  const toolCalls = reply.toolCalls.map((call) => ({ ...call, id: call.id ?? ids.next('call_') }));
  const head = {
    id,
    created,
    model: reply.model,
    service_tier: 'default',
    system_fingerprint: 'fp_keel_mock',
  };
  const finishReason = finishReasons[reply.finishReason];

  if (body.stream !== true) {
    return {
      kind: 'json',
      body: {
        ...head,
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: reply.text === '' && toolCalls.length > 0 ? null : reply.text,
              refusal: null,
              annotations: [],
              ...(toolCalls.length > 0 && {
                tool_calls: toolCalls.map((call) => ({
                  id: call.id,
                  type: 'function',
                  function: { name: call.name, arguments: call.arguments },
                })),
              }),
            },
            logprobs: null,
            finish_reason: finishReason,
          },
        ],
        usage: openaiChatUsage(reply.usage),
      },
    };
  }

  const includeUsage =
    (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const chunk = (
    choices: unknown[],
    extra: Record<string, unknown> = {},
    content = false,
  ): SseEvent => ({
    data: JSON.stringify({
      ...head,
      object: 'chat.completion.chunk',
      choices,
      ...(includeUsage && { usage: null }),
      ...extra,
    }),
    content,
  });
  const delta = (value: Record<string, unknown>, content = true) =>
    chunk([{ index: 0, delta: value, logprobs: null, finish_reason: null }], {}, content);

  const events: SseEvent[] = [delta({ role: 'assistant', content: '', refusal: null }, false)];
  const top = requestedLogprobs(body);
  for (const text of reply.chunks) {
    const logprobs = top === undefined ? null : { content: mockLogprobs(text, top), refusal: null };
    events.push(
      chunk([{ index: 0, delta: { content: text }, logprobs, finish_reason: null }], {}, true),
    );
  }
  toolCalls.forEach((call, index) => {
    events.push(
      delta(
        {
          tool_calls: [
            { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
          ],
        },
        false,
      ),
    );
    for (const fragment of argumentFragments(call.arguments)) {
      events.push(delta({ tool_calls: [{ index, function: { arguments: fragment } }] }));
    }
  });
  events.push(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason }]));
  if (includeUsage) events.push(chunk([], { usage: openaiChatUsage(reply.usage) }));
  events.push({ data: '[DONE]', terminal: true });
  return { kind: 'sse', events };
}

/** OpenAI's mid-stream error: a data line holding an `error` object. */
export function openaiChatStreamError(error: { type: string; message: string }): SseEvent {
  return {
    data: JSON.stringify({
      error: { message: error.message, type: error.type, param: null, code: null },
    }),
  };
}
