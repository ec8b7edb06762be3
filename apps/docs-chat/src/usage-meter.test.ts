import { EMPTY_USAGE, type Usage } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { createUsageMeter } from './usage-meter';

const usage = (inputTokens: number, outputTokens: number): Usage => ({
  ...EMPTY_USAGE,
  inputTokens,
  outputTokens,
});

describe('createUsageMeter', () => {
  it("sums each call's last usage part and the cost the model gave it, ending calls at finish", () => {
    const meter = createUsageMeter();
    expect(meter.add({ type: 'step-start', index: 0 })).toBe(false);
    meter.add({ type: 'usage', usage: usage(100, 1) });
    meter.add({ type: 'text-delta', text: 'Hi' });
    meter.add({ type: 'usage', usage: usage(100, 7), costUsd: 0.002 });
    expect(meter.turn).toEqual({ inputTokens: 100, outputTokens: 7, costUsd: 0.002 });
    expect(meter.add({ type: 'finish', reason: 'tool-calls' })).toBe(true);
    meter.add({ type: 'usage', usage: usage(300, 5), costUsd: 0.001 });
    expect(meter.add({ type: 'finish', reason: 'stop' })).toBe(true);
    expect(meter.turn).toEqual({ inputTokens: 400, outputTokens: 12, costUsd: 0.003 });
  });

  it('counts a call cut before its finish at its last usage part, and no cost as $0', () => {
    const meter = createUsageMeter({ inputTokens: 10, outputTokens: 2, costUsd: 0.5 });
    meter.add({ type: 'usage', usage: usage(50, 4) });
    expect(meter.turn).toEqual({ inputTokens: 60, outputTokens: 6, costUsd: 0.5 });
  });

  it('ignores what is not a model part (a resumed step brings no usage)', () => {
    const meter = createUsageMeter({ inputTokens: 10, outputTokens: 2, costUsd: 0 });
    const step = {
      index: 0,
      text: '',
      toolCalls: [],
      toolResults: [],
      records: [],
      finishReason: 'tool-calls' as const,
      usage: usage(999, 999),
      costUsd: 9,
    };
    expect(meter.add({ type: 'step-finish', step })).toBe(false);
    expect(meter.turn).toEqual({ inputTokens: 10, outputTokens: 2, costUsd: 0 });
  });
});
