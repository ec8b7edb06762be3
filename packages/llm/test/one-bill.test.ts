/**
 * One bill per call, on every ending, through both official SDKs against the mock provider: the
 * last usage part before `finish`, `stream.result`, the instrumentation record, the ledger and
 * the budget carry the same usage and cost, and equal what the provider sent when it sent it.
 */
import type { Instrumentation, ModelCallEnd, StreamPart, Usage } from '@keel/core';
import type { MockReply, MockRoute } from '@keel/testing';
import { createBudget, createCostLedger, estimateCost } from '@keel/tokens';
import { describe, expect, it } from 'vitest';
import type { LlmModel, ModelOptions, StreamSummary } from '../src/index';
import { ask, useMock } from './helpers';

const env = useMock();

const sent = { inputTokens: 1_200, outputTokens: 40, cacheReadTokens: 1_024 };
const story = Array.from({ length: 60 }, (_, index) => `word${index}`).join(' ');

type Ending =
  | 'stop'
  | 'length'
  | 'tool-calls'
  | 'abort'
  | 'break'
  | 'timeout'
  | 'error'
  | 'fallback';

interface Case {
  reply: MockReply;
  /** The model's options beyond the ledger and instrumentation. */
  options?: Partial<ModelOptions>;
  /** Stop reading (break) or abort after this many text deltas. */
  stopAfter?: number;
  finishReason: StreamSummary['finishReason'] | undefined;
  /** The provider's own usage is the bill (it reported all of it). */
  billsSent: boolean;
}

const cases: Record<Ending, Case> = {
  stop: { reply: { text: 'All done.', usage: sent }, finishReason: 'stop', billsSent: true },
  length: {
    reply: { text: 'Cut at the limit', finishReason: 'length', usage: sent },
    finishReason: 'length',
    billsSent: true,
  },
  'tool-calls': {
    reply: { toolCalls: [{ name: 'search', input: { q: 'keel' } }], usage: sent },
    finishReason: 'tool-calls',
    billsSent: true,
  },
  abort: {
    reply: { text: story, usage: sent, faults: { tokensPerSecond: 40 } },
    stopAfter: 3,
    finishReason: 'abort',
    billsSent: false,
  },
  break: {
    reply: { text: story, usage: sent, faults: { tokensPerSecond: 40 } },
    stopAfter: 3,
    finishReason: undefined,
    billsSent: false,
  },
  timeout: {
    reply: { text: story, usage: sent, faults: { stallAfterEvents: 4, stallMs: 60_000 } },
    options: { timeouts: { totalMs: 1_500 } },
    finishReason: 'error',
    billsSent: false,
  },
  error: {
    reply: { text: story, usage: sent, faults: { resetAfterEvents: 5 } },
    finishReason: 'error',
    billsSent: false,
  },
  fallback: {
    reply: { error: { status: 500 } },
    finishReason: 'stop',
    billsSent: true,
  },
};

interface Recorded {
  parts: StreamPart[];
  summary: StreamSummary;
  records: ModelCallEnd[];
  ledger: { calls: number; usage: Usage; costUsd: number };
  budgetSpentUsd: number;
}

function recorder(records: ModelCallEnd[]): Instrumentation {
  return { startModelCall: () => ({ event() {}, end: (record) => records.push(record) }) };
}

async function run(
  provider: 'openai' | 'anthropic',
  route: MockRoute,
  ending: Ending,
): Promise<Recorded> {
  const { reply, options = {}, stopAfter } = cases[ending];
  const records: ModelCallEnd[] = [];
  const ledger = createCostLedger();
  const budget = createBudget({ scope: 'day', maxCostUsd: 100 });
  const shared = { ledger, instrumentation: recorder(records), budget, retry: false as const };
  // The fallback shares the ledger and instrumentation; the budget is the calling model's.
  const theirs = { ledger, instrumentation: shared.instrumentation, retry: false as const };
  const fallbacks =
    ending === 'fallback'
      ? [provider === 'openai' ? env.anthropic(theirs) : env.openai(theirs)]
      : [];
  env.mock.enqueue(route, reply);
  if (ending === 'fallback') {
    const other = provider === 'openai' ? 'anthropic.messages' : 'openai.chat';
    env.mock.enqueue(other, { text: 'From the fallback.', usage: sent });
  }
  const model: LlmModel = env[provider]({ ...shared, ...options, fallbacks });
  const controller = new AbortController();
  const stream = model.stream(ask('Tell me about Keel'), { signal: controller.signal });
  const parts: StreamPart[] = [];
  let deltas = 0;
  for await (const part of stream) {
    parts.push(part);
    if (part.type !== 'text-delta' || stopAfter === undefined || ++deltas < stopAfter) continue;
    if (ending === 'break') break;
    controller.abort();
  }
  const summary = await stream.result;
  const total = ledger.snapshot().total;
  return {
    parts,
    summary,
    records,
    ledger: { calls: total.calls, usage: total.usage, costUsd: total.cost.total },
    budgetSpentUsd: budget.snapshot().spentUsd,
  };
}

const model = (provider: 'openai' | 'anthropic') =>
  provider === 'openai' ? 'gpt-4o-mini' : 'claude-haiku-4-5';

const providers = [
  ['openai', 'openai.chat'],
  ['anthropic', 'anthropic.messages'],
] as const;

describe.each(providers)('%s: one bill on every ending', (provider, route) => {
  it.each(Object.keys(cases) as Ending[])('%s', async (ending) => {
    const { parts, summary, records, ledger, budgetSpentUsd } = await run(provider, route, ending);
    const expected = cases[ending];
    if (expected.finishReason !== undefined) {
      expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: expected.finishReason });
      // The last usage part before `finish` is the bill.
      const last = parts.findLast((part) => part.type === 'usage');
      expect(last).toEqual({ type: 'usage', usage: summary.usage, costUsd: summary.costUsd });
    }
    expect(summary.finishReason).toBe(expected.finishReason ?? 'abort');
    expect(summary.usage.inputTokens).toBeGreaterThan(0);
    expect(summary.usage.outputTokens).toBeGreaterThan(0);
    expect(summary.costUsd).toBe(estimateCost(summary.usage, summary.modelId).total);
    if (expected.billsSent) expect(summary.usage).toMatchObject(sent);
    // A fallback's answer is labelled with the model that gave it, in the result and the record.
    if (ending === 'fallback') {
      expect(summary.modelId).not.toBe(model(provider));
      expect(records.at(-1)?.responseModel).toBe(summary.responseModelId);
      expect(summary.responseModelId).toContain(summary.modelId);
    }
    // Instrumentation: one record per model call; the answering call's record is the bill.
    expect(records.at(-1)).toMatchObject({ usage: summary.usage, costUsd: summary.costUsd });
    // The ledger and the budget hold the same call once.
    expect(ledger.calls).toBe(1);
    expect(ledger.usage).toEqual(summary.usage);
    expect(ledger.costUsd).toBeCloseTo(summary.costUsd ?? Number.NaN, 12);
    expect(budgetSpentUsd).toBeCloseTo(summary.costUsd ?? Number.NaN, 12);
  });
});
