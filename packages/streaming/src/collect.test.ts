import type { StreamPart } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { iterate, trackedStream } from './__fixtures__/fixtures';
import { collect } from './collect';
import { StreamTruncatedError } from './stream-truncated-error';

const usage = {
  inputTokens: 5,
  outputTokens: 7,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 2,
};

describe('collect', () => {
  it('assembles text, reasoning with its signature, tool calls, usage and the finish reason', async () => {
    const parts: StreamPart[] = [
      { type: 'reasoning-delta', text: 'Think ' },
      { type: 'reasoning-delta', text: 'hard.' },
      { type: 'reasoning-delta', text: '', signature: 'sig' },
      { type: 'text-delta', text: 'Hello ' },
      { type: 'text-delta', text: 'world' },
      { type: 'tool-call-start', toolCallId: 'c1', toolName: 'f' },
      { type: 'tool-call-delta', toolCallId: 'c1', inputTextDelta: '{"a":1}' },
      { type: 'tool-call', toolCallId: 'c1', toolName: 'f', input: { a: 1 } },
      { type: 'usage', usage },
      { type: 'finish', reason: 'tool-calls', providerReason: 'tool_use' },
    ];
    expect(await collect(iterate(parts))).toEqual({
      text: 'Hello world',
      reasoning: 'Think hard.',
      reasoningSignature: 'sig',
      toolCalls: [{ toolCallId: 'c1', toolName: 'f', input: { a: 1 } }],
      citations: [],
      serverToolCalls: [],
      serverToolResults: [],
      logprobs: [],
      usage,
      finishReason: 'tool-calls',
      providerFinishReason: 'tool_use',
      errors: [],
    });
  });

  it('keeps in-stream errors as data', async () => {
    const failure = new Error('lost');
    const result = await collect(
      iterate<StreamPart>([
        { type: 'text-delta', text: 'partial' },
        { type: 'error', error: failure },
        { type: 'finish', reason: 'error' },
      ]),
    );
    expect([result.text, result.finishReason, result.errors]).toEqual([
      'partial',
      'error',
      [failure],
    ]);
  });

  it('reports a stream without a finish part as truncated', async () => {
    const result = await collect(iterate<StreamPart>([{ type: 'text-delta', text: 'x' }]));
    expect(result.finishReason).toBe('error');
    expect(result.errors[0]).toBeInstanceOf(StreamTruncatedError);
  });

  it('rejects with an error the stream throws', async () => {
    const failing = (async function* (): AsyncGenerator<StreamPart> {
      yield* [];
      throw new Error('before any part');
    })();
    await expect(collect(failing)).rejects.toThrow('before any part');
  });

  it('stops reading at the finish part and releases the source', async () => {
    const { stream, state } = trackedStream<StreamPart>([{ type: 'finish', reason: 'stop' }], {
      endAfter: false,
    });
    expect((await collect(stream)).finishReason).toBe('stop');
    expect(state.cancelled).toBe(true);
  });
});
