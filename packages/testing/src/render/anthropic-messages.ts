/**
 * Anthropic Messages: `message` bodies with thinking, text and tool_use blocks, and the event
 * stream from `message_start` to `message_stop` (thinking and signature deltas, input_json_delta,
 * pings, cumulative output tokens in `message_delta`).
 */
import type { Usage } from '@keel/core';
import { argumentFragments, wordChunks } from '../text-chunks';
import { type ServerBlock, serverBlocks } from './anthropic-server-blocks';
import type { RenderContext, Rendered, SseEvent } from './rendered';

const stopReasons = {
  stop: 'end_turn',
  length: 'max_tokens',
  'tool-calls': 'tool_use',
  'content-filter': 'refusal',
} as const;

/** Anthropic `usage`: `input_tokens` excludes the cached tokens reported beside it. */
export function anthropicUsage(usage: Usage) {
  return {
    input_tokens: usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
    cache_creation: {
      ephemeral_5m_input_tokens: usage.cacheWriteTokens,
      ephemeral_1h_input_tokens: 0,
    },
    output_tokens: usage.outputTokens,
    service_tier: 'standard',
  };
}

type Block =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'text'; text: string; citations?: unknown[] }
  | { type: 'server'; block: ServerBlock }
  | { type: 'tool_use'; id: string; name: string; arguments: string };

/** A tool_use block's `input`: the parsed arguments, or the raw text when a script sent invalid JSON. */
function toolInput(json: string): unknown {
  try {
    return JSON.parse(json || '{}');
  } catch {
    return json;
  }
}

/** Renders a Messages response or stream. */
export function renderAnthropicMessages({ body, reply, ids }: RenderContext): Rendered {
  const id = ids.next('msg_');
  const blocks: Block[] = [];
  if (reply.reasoning !== undefined) {
    blocks.push({
      type: 'thinking',
      thinking: reply.reasoning,
      signature: reply.reasoningSignature,
    });
  }
  for (const block of serverBlocks(reply.serverToolCalls, ids))
    blocks.push({ type: 'server', block });
  if (reply.text !== '' || reply.toolCalls.length === 0) {
    const cited = reply.citations.length > 0 ? { citations: reply.citations } : {};
    blocks.push({ type: 'text', text: reply.text, ...cited });
  }
  for (const call of reply.toolCalls) {
    blocks.push({
      type: 'tool_use',
      id: call.id ?? ids.next('toolu_'),
      name: call.name,
      arguments: call.arguments,
    });
  }
  const stopReason = stopReasons[reply.finishReason];
  const usage = anthropicUsage(reply.usage);
  const message = (content: unknown[], stop: string | null, messageUsage: unknown) => ({
    id,
    type: 'message',
    role: 'assistant',
    model: reply.model,
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: messageUsage,
  });

  if (body.stream !== true) {
    const content = blocks.map((block) =>
      block.type === 'tool_use'
        ? { type: 'tool_use', id: block.id, name: block.name, input: toolInput(block.arguments) }
        : block.type === 'server'
          ? block.block
          : block,
    );
    return { kind: 'json', body: message(content, stopReason, usage) };
  }

  const events: SseEvent[] = [];
  const emit = (type: string, payload: Record<string, unknown>, content = false) => {
    events.push({ event: type, data: JSON.stringify({ type, ...payload }), content });
  };
  emit('message_start', { message: message([], null, { ...usage, output_tokens: 1 }) });
  blocks.forEach((block, index) => {
    const delta = (value: Record<string, unknown>) =>
      emit('content_block_delta', { index, delta: value }, true);
    if (block.type === 'thinking') {
      emit('content_block_start', {
        index,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      });
      for (const thinking of wordChunks(block.thinking))
        delta({ type: 'thinking_delta', thinking });
      delta({ type: 'signature_delta', signature: block.signature });
    } else if (block.type === 'text') {
      emit('content_block_start', { index, content_block: { type: 'text', text: '' } });
      for (const citation of block.citations ?? []) delta({ type: 'citations_delta', citation });
      for (const text of reply.chunks) delta({ type: 'text_delta', text });
    } else if (block.type === 'server') {
      const { block: server } = block;
      if ('input' in server) {
        emit('content_block_start', { index, content_block: { ...server, input: {} } });
        delta({ type: 'input_json_delta', partial_json: JSON.stringify(server.input) });
      } else emit('content_block_start', { index, content_block: server });
    } else {
      emit('content_block_start', {
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      });
      for (const partial_json of ['', ...argumentFragments(block.arguments)])
        delta({ type: 'input_json_delta', partial_json });
    }
    emit('content_block_stop', { index });
    if (index === 0) emit('ping', {});
  });
  emit('message_delta', {
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: usage.output_tokens },
  });
  emit('message_stop', {});
  const last = events.at(-1);
  if (last) last.terminal = true;
  return { kind: 'sse', events };
}

/** Anthropic's mid-stream `error` event. */
export function anthropicStreamError(error: { type: string; message: string }): SseEvent {
  return {
    event: 'error',
    data: JSON.stringify({ type: 'error', error: { type: error.type, message: error.message } }),
  };
}

/** `POST /v1/messages/count_tokens`: the prompt's input tokens. */
export function renderAnthropicCountTokens({ reply }: RenderContext): Rendered {
  return { kind: 'json', body: { input_tokens: reply.usage.inputTokens } };
}
