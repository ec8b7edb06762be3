/**
 * A complete Anthropic `message` as the stream events that would have delivered it, so that
 * one adapter (`fromAnthropic`) reads both live streams and batch results.
 */
import type Anthropic from '@anthropic-ai/sdk';

/** The events of one content block: its start, its deltas, its stop. */
function blockEvents(block: Anthropic.ContentBlock, index: number): object[] {
  const stop = { type: 'content_block_stop', index };
  switch (block.type) {
    case 'text': {
      const { citations, ...text } = block;
      return [
        { type: 'content_block_start', index, content_block: { ...text, citations: null } },
        ...(citations ?? []).map((citation) => ({
          type: 'content_block_delta',
          index,
          delta: { type: 'citations_delta', citation },
        })),
        stop,
      ];
    }
    case 'thinking':
      return [
        { type: 'content_block_start', index, content_block: { ...block, signature: '' } },
        {
          type: 'content_block_delta',
          index,
          delta: { type: 'signature_delta', signature: block.signature },
        },
        stop,
      ];
    case 'tool_use':
      return [
        { type: 'content_block_start', index, content_block: { ...block, input: {} } },
        {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input ?? {}) },
        },
        stop,
      ];
    default:
      // Server tool calls keep their input in the start; results and the rest arrive whole.
      return [{ type: 'content_block_start', index, content_block: block }, stop];
  }
}

/** `message` replayed from `message_start` to `message_stop`. */
export async function* anthropicMessageEvents(message: Anthropic.Message): AsyncGenerator<object> {
  const { content, stop_reason, stop_sequence, usage, ...start } = message;
  yield {
    type: 'message_start',
    message: { ...start, content: [], stop_reason: null, stop_sequence: null, usage },
  };
  for (const [index, block] of content.entries()) yield* blockEvents(block, index);
  yield { type: 'message_delta', delta: { stop_reason, stop_sequence }, usage };
  yield { type: 'message_stop' };
}
