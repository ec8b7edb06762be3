/**
 * A consumer that stops reading (`break` out of `for await`) is billed exactly as an abort at the
 * same point is: through the official SDKs, against the mock provider.
 */
import type { StreamPart } from '@keel/core';
import type { MockReply, MockRoute } from '@keel/testing';
import { type Budget, type CostLedger, createBudget, createCostLedger } from '@keel/tokens';
import { describe, expect, it } from 'vitest';
import type { LlmModel } from '../src/index';
import { ask, useMock } from './helpers';

const env = useMock();

const story = Array.from({ length: 120 }, (_, index) => `word${index}`).join(' ');
/** Text deltas read before stopping. */
const DELTAS = 5;

interface Setup {
  route: MockRoute;
  reply: MockReply;
  model: (options: { ledger: CostLedger }) => LlmModel;
}

const setups: [string, Setup][] = [
  [
    'OpenAI Chat Completions',
    {
      route: 'openai.chat',
      reply: { text: story, faults: { tokensPerSecond: 40 } },
      model: (options) => env.openai(options),
    },
  ],
  [
    'OpenAI Responses',
    {
      route: 'openai.responses',
      reply: { text: story, faults: { tokensPerSecond: 40 } },
      model: (options) => env.openai({ api: 'responses', ...options }),
    },
  ],
  [
    'Anthropic Messages, cached prompt',
    {
      route: 'anthropic.messages',
      reply: {
        text: story,
        usage: {
          inputTokens: 2257,
          cacheReadTokens: 2048,
          cacheWriteTokens: 188,
          outputTokens: 400,
        },
        faults: { tokensPerSecond: 40 },
      },
      model: (options) => env.anthropic(options),
    },
  ],
];

/** Streams the story and stops after {@link DELTAS} text deltas, by `break` or by an abort. */
async function stopEarly({ route, reply, model }: Setup, how: 'break' | 'abort') {
  env.mock.enqueue(route, reply);
  const ledger = createCostLedger();
  const budget: Budget = createBudget({ scope: 'user:1', maxTokens: 1_000_000 });
  const controller = new AbortController();
  const stream = model({ ledger }).stream(ask('Tell me a long story'), {
    signal: controller.signal,
    budget,
  });
  const parts: StreamPart[] = [];
  let text = '';
  for await (const part of stream) {
    parts.push(part);
    if (part.type !== 'text-delta') continue;
    text += part.text;
    if (parts.filter((seen) => seen.type === 'text-delta').length < DELTAS) continue;
    if (how === 'break') break;
    controller.abort();
  }
  const summary = await stream.result;
  await expect.poll(() => env.mock.requests.at(-1)?.clientDisconnected).toBe(true);
  return { summary, text, parts, ledger: ledger.snapshot().total, budget: budget.snapshot() };
}

describe.each(setups)('%s: a consumer break', (_name, setup) => {
  it('bills what arrived exactly as an abort at the same point does', async () => {
    const stopped = await stopEarly(setup, 'break');
    const aborted = await stopEarly(setup, 'abort');

    expect(stopped.text).toBe(aborted.text);
    // The output is estimated from the text delivered, four characters a token.
    expect(stopped.summary.usage.outputTokens).toBe(Math.ceil(stopped.text.length / 4));
    expect(stopped.summary.usage.outputTokens).toBeGreaterThan(0);
    expect(stopped.summary.usage.inputTokens).toBeGreaterThan(0);
    expect(stopped.summary.usage).toEqual(aborted.summary.usage);
    expect(stopped.summary.costUsd).toBeGreaterThan(0);
    expect(stopped.summary.costUsd).toBe(aborted.summary.costUsd);
    expect(stopped.summary.finishReason).toBe('abort');
    expect(aborted.summary.finishReason).toBe('abort');
    // The ledger and the budget hold the same figures as the result.
    expect(stopped.ledger).toEqual(aborted.ledger);
    expect(stopped.ledger.calls).toBe(1);
    expect(stopped.ledger.cost.total).toBeCloseTo(stopped.summary.costUsd ?? Number.NaN, 12);
    expect(stopped.budget).toEqual(aborted.budget);
    expect(stopped.budget).toMatchObject({ reservedTokens: 0, inFlight: 0 });
  });
});

describe('Anthropic Messages: a consumer break', () => {
  it("bills the provider's input and cache counts from message_start, not a local count", async () => {
    const [, anthropic] = setups[2] as [string, Setup];
    const { summary } = await stopEarly(anthropic, 'break');
    expect(summary.usage).toMatchObject({
      inputTokens: 2257,
      cacheReadTokens: 2048,
      cacheWriteTokens: 188,
    });
  });
});
