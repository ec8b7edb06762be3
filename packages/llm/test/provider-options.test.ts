import { InvalidArgumentError } from '@keel/core';
import { BudgetExceededError, createBudget, estimateCost } from '@keel/tokens';
import { describe, expect, it } from 'vitest';
import { UnsupportedOptionError } from '../src/index';
import { ask, bodyOf, useMock } from './helpers';

const env = useMock();

const tool = {
  name: 'lookup',
  description: 'Look a word up',
  inputSchema: { type: 'object', properties: { word: { type: 'string' } }, required: ['word'] },
};

describe('provider options on OpenAI Chat Completions', () => {
  it('sends every option the API takes, and streams the logprobs it asked for', async () => {
    env.mock.enqueue('openai.chat', { text: 'Fine thanks.' });
    const result = await env.openai({ model: 'o3-mini' }).generate({
      ...ask('How are you?'),
      tools: [tool],
      providerOptions: {
        reasoningEffort: 'low',
        seed: 7,
        serviceTier: 'flex',
        promptCacheKey: 'greeting-v1',
        parallelToolCalls: false,
        logprobs: 2,
        safetyIdentifier: 'user-hash-1',
      },
    });
    expect(bodyOf(env.mock)).toMatchObject({
      reasoning_effort: 'low',
      seed: 7,
      service_tier: 'flex',
      prompt_cache_key: 'greeting-v1',
      parallel_tool_calls: false,
      logprobs: true,
      top_logprobs: 2,
      safety_identifier: 'user-hash-1',
    });
    expect(result.logprobs?.map((entry) => entry.token).join('')).toBe('Fine thanks.');
    expect(result.logprobs?.[0]?.top).toHaveLength(2);
  });

  it('counts reasoning tokens in the usage and prices them as output, once', async () => {
    env.mock.enqueue('openai.chat', {
      text: 'Done.',
      usage: { inputTokens: 100, outputTokens: 900, reasoningTokens: 800 },
    });
    const result = await env
      .openai({ model: 'o3-mini' })
      .generate({ ...ask('Think first.'), providerOptions: { reasoningEffort: 'high' } });
    expect(result.usage).toMatchObject({ outputTokens: 900, reasoningTokens: 800 });
    const priced = estimateCost(result.usage, 'o3-mini');
    expect(result.cost?.output).toBeCloseTo(priced.output, 12);
    expect(result.costUsd).toBeCloseTo(priced.total, 12);
  });
});

describe('provider options on the OpenAI Responses API', () => {
  it('sends reasoning effort and logprobs in the Responses shape', async () => {
    env.mock.enqueue('openai.responses', { text: 'Yes.' });
    const result = await env.openai({ api: 'responses' }).generate({
      ...ask('Sure?'),
      providerOptions: { reasoningEffort: 'minimal', logprobs: 1, serviceTier: 'priority' },
    });
    expect(bodyOf(env.mock)).toMatchObject({
      reasoning: { effort: 'minimal' },
      top_logprobs: 1,
      include: ['message.output_text.logprobs'],
      service_tier: 'priority',
    });
    expect(result.logprobs?.[0]).toMatchObject({ token: 'Yes.', top: [{ token: 'Yes.' }] });
  });

  it('refuses a seed, which only Chat Completions takes, before sending', async () => {
    const error = await env
      .openai({ api: 'responses' })
      .generate({ ...ask('Hi'), providerOptions: { seed: 1 } })
      .catch((caught: unknown) => caught);
    expect(UnsupportedOptionError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'openai-responses', option: 'providerOptions.seed' });
    expect((error as Error).message).toContain("api: 'chat'");
    expect(env.mock.requests).toHaveLength(0);
  });
});

describe('provider options on Anthropic', () => {
  it('turns on extended thinking with its budget and streams the reasoning', async () => {
    env.mock.enqueue('anthropic.messages', {
      reasoning: 'Let me think this through.',
      text: '42.',
      usage: { inputTokens: 20, outputTokens: 300 },
    });
    const result = await env.anthropic().generate({
      ...ask('The answer?'),
      maxTokens: 4_000,
      tools: [tool],
      providerOptions: {
        thinking: { budgetTokens: 2_048 },
        serviceTier: 'default',
        parallelToolCalls: false,
      },
    });
    expect(bodyOf(env.mock)).toMatchObject({
      max_tokens: 4_000,
      thinking: { type: 'enabled', budget_tokens: 2_048 },
      service_tier: 'standard_only',
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    });
    expect(result.reasoning).toBe('Let me think this through.');
    expect(result.reasoningSignature).toMatch(/^mock-signature/);
  });

  it('holds the thinking budget on the budgets as part of maxTokens', async () => {
    // 3,000 tokens fit a 2,048-token thinking budget but not the 4,000 output tokens it sits in.
    const budget = createBudget({ scope: 'user:1', maxTokens: 3_000 });
    const error = await env
      .anthropic()
      .generate(
        { ...ask('Hi'), maxTokens: 4_000, providerOptions: { thinking: { budgetTokens: 2_048 } } },
        { budget },
      )
      .catch((caught: unknown) => caught);
    expect(BudgetExceededError.isInstance(error)).toBe(true);
    expect(env.mock.requests).toHaveLength(0);
  });

  it.each([
    [{ seed: 1 }, 'providerOptions.seed', 'no seed option'],
    [{ reasoningEffort: 'low' as const }, 'providerOptions.reasoningEffort', 'use thinking'],
    [{ logprobs: 3 }, 'providerOptions.logprobs', 'no logprobs option'],
    [{ serviceTier: 'flex' as const }, 'providerOptions.serviceTier', 'auto or default'],
  ])('refuses %o before sending', async (providerOptions, option, hint) => {
    const error = await env
      .anthropic()
      .generate({ ...ask('Hi'), providerOptions })
      .catch((caught: unknown) => caught);
    expect(UnsupportedOptionError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'anthropic', option });
    expect((error as Error).message).toContain(hint);
    expect(env.mock.requests).toHaveLength(0);
  });

  it('refuses a thinking budget outside 1,024 and maxTokens, or with what thinking excludes', async () => {
    const attempt = (request: Parameters<ReturnType<typeof env.anthropic>['generate']>[0]) =>
      env
        .anthropic()
        .generate(request)
        .catch((caught: unknown) => caught);
    const thinking = { budgetTokens: 2_048 };
    const tooSmall = await attempt({
      ...ask('Hi'),
      providerOptions: { thinking: { budgetTokens: 512 } },
    });
    expect(InvalidArgumentError.isInstance(tooSmall)).toBe(true);
    const overLimit = await attempt({
      ...ask('Hi'),
      maxTokens: 2_048,
      providerOptions: { thinking },
    });
    expect((overLimit as Error).message).toMatch(/less than maxTokens \(2048\)/);
    const hot = await attempt({ ...ask('Hi'), temperature: 0.2, providerOptions: { thinking } });
    expect(hot).toMatchObject({ name: 'UnsupportedOptionError', option: 'temperature' });
    const forced = await attempt({
      ...ask('Hi'),
      responseFormat: { type: 'json', schema: { type: 'object' } },
      providerOptions: { thinking },
    });
    expect(forced).toMatchObject({ name: 'UnsupportedOptionError', option: 'responseFormat' });
    expect(env.mock.requests).toHaveLength(0);
  });

  it('refuses thinking on OpenAI, pointing at reasoningEffort', async () => {
    const error = await env
      .openai()
      .generate({ ...ask('Hi'), providerOptions: { thinking: { budgetTokens: 2_048 } } })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'UnsupportedOptionError', provider: 'openai-chat' });
    expect((error as Error).message).toContain('use reasoningEffort');
    expect(env.mock.requests).toHaveLength(0);
  });

  it('lets the mock refuse what the real API refuses when a request skips Keel', async () => {
    env.mock.enqueue('anthropic.messages', { text: 'x' });
    const response = await fetch(`${env.mock.anthropicBaseURL}/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': 'k',
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: 'claude-haiku-4-5',
        max_tokens: 1_000,
        messages: [{ role: 'user', content: 'Hi' }],
        thinking: { type: 'enabled', budget_tokens: 2_000 },
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(
      '`max_tokens` must be greater than `thinking.budget_tokens`',
    );
  });
});
