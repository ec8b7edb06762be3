import { describe, expect, it } from 'vitest';
import { createStreamAccumulator } from './stream-accumulator';
import type { StreamPart } from './stream-part';
import { EMPTY_USAGE } from './usage';

const usage = (inputTokens: number, outputTokens: number) => ({
  ...EMPTY_USAGE,
  inputTokens,
  outputTokens,
});

describe('createStreamAccumulator', () => {
  it('starts empty, with no finish and no cost', () => {
    expect(createStreamAccumulator().result).toEqual({
      text: '',
      reasoning: '',
      reasoningSignature: undefined,
      toolCalls: [],
      usage: EMPTY_USAGE,
      costUsd: undefined,
      finishReason: undefined,
      providerFinishReason: undefined,
      errors: [],
    });
  });

  it('joins text and reasoning, keeps the last signature and complete tool calls only', () => {
    const acc = createStreamAccumulator();
    const parts: StreamPart[] = [
      { type: 'reasoning-delta', text: 'think' },
      { type: 'reasoning-delta', text: '', signature: 'sig-1' },
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      { type: 'tool-call-start', toolCallId: 'c1', toolName: 'search' },
      { type: 'tool-call-delta', toolCallId: 'c1', inputTextDelta: '{"q":' },
      { type: 'tool-call', toolCallId: 'c1', toolName: 'search', input: { q: 'x' } },
      { type: 'finish', reason: 'tool-calls', providerReason: 'tool_use' },
    ];
    for (const part of parts) acc.add(part);
    expect(acc.result).toMatchObject({
      text: 'Hello',
      reasoning: 'think',
      reasoningSignature: 'sig-1',
      toolCalls: [{ toolCallId: 'c1', toolName: 'search', input: { q: 'x' } }],
      finishReason: 'tool-calls',
      providerFinishReason: 'tool_use',
    });
  });

  it('takes the last usage part as the running total, with its cost or none', () => {
    const acc = createStreamAccumulator();
    acc.add({ type: 'usage', usage: usage(10, 1), costUsd: 0.001 });
    acc.add({ type: 'usage', usage: usage(10, 7), costUsd: 0.002 });
    expect(acc.result).toMatchObject({ usage: usage(10, 7), costUsd: 0.002 });
    acc.add({ type: 'usage', usage: usage(10, 9) });
    expect(acc.result).toMatchObject({ usage: usage(10, 9), costUsd: undefined });
  });

  it('keeps every in-stream error in order', () => {
    const acc = createStreamAccumulator();
    acc.add({ type: 'error', error: 'first' });
    acc.add({ type: 'error', error: 'second' });
    acc.add({ type: 'finish', reason: 'error' });
    expect(acc.result.errors).toEqual(['first', 'second']);
    expect(acc.result.finishReason).toBe('error');
  });
});
