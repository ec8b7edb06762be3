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
      citations: [],
      serverToolCalls: [],
      serverToolResults: [],
      logprobs: [],
      usage: EMPTY_USAGE,
      costUsd: undefined,
      finishReason: undefined,
      providerFinishReason: undefined,
      errors: [],
    });
  });

  it('gathers server tool calls, their results, citations and logprobs in order', () => {
    const acc = createStreamAccumulator();
    const citation = {
      citedText: 'Oslo is the capital.',
      url: 'https://example.org/oslo',
      providerType: 'web_search_result_location',
    };
    const parts: StreamPart[] = [
      { type: 'server-tool-call', toolCallId: 's1', toolName: 'web_search', input: { q: 'x' } },
      {
        type: 'server-tool-result',
        toolCallId: 's1',
        toolName: 'web_search',
        resultType: 'web_search_tool_result',
        output: [{ url: 'https://example.org/oslo' }],
        isError: false,
      },
      { type: 'text-delta', text: 'Oslo.' },
      { type: 'citation', citation },
      { type: 'logprobs', tokens: [{ token: 'Oslo', logprob: -0.1, top: [] }] },
    ];
    for (const part of parts) acc.add(part);
    expect(acc.result.serverToolCalls).toEqual([
      { toolCallId: 's1', toolName: 'web_search', input: { q: 'x' } },
    ]);
    expect(acc.result.serverToolResults[0]).toMatchObject({ toolCallId: 's1', isError: false });
    expect(acc.result.citations).toEqual([citation]);
    expect(acc.result.logprobs.map((token) => token.token)).toEqual(['Oslo']);
    expect(acc.result.toolCalls).toEqual([]);
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
