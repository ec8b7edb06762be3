import type { ChatModel, Message, StreamPart, ToolMessage } from '@keel/core';
import { createFakeChatModel, createFakeClock } from '@keel/testing';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { AgentState, AgentStreamPart } from './agent-state';
import { defineTool } from './define-tool';
import { runAgent } from './run-agent';
import { streamAgent } from './stream-agent';
import { createToolbox } from './toolbox';

const ask: Message[] = [{ role: 'user', content: 'Weather in Oslo?' }];

function weather(
  run: (input: { city: string }) => Promise<unknown> = async ({ city }) => ({ city, tempC: 4 }),
) {
  return defineTool({
    name: 'get_weather',
    description: 'Current weather for a city.',
    input: z.object({ city: z.string() }),
    effect: 'read',
    run,
  });
}

function email(
  run: (input: { to: string; body: string }) => Promise<unknown> = async ({ to }) =>
    `sent to ${to}`,
) {
  return defineTool({
    name: 'send_email',
    description: 'Send an email.',
    input: z.object({ to: z.string(), body: z.string() }),
    effect: 'external',
    run,
  });
}

/** A read tool that never returns; `onStart` tells when it was called. */
function hanging({
  timeoutMs,
  onStart,
}: {
  timeoutMs?: number;
  onStart?: (signal: AbortSignal) => void;
} = {}) {
  return defineTool({
    name: 'hang',
    description: 'Never returns.',
    input: z.object({}),
    effect: 'read',
    ...(timeoutMs !== undefined && { timeoutMs }),
    run: (_input, { signal }) => {
      onStart?.(signal);
      return new Promise<never>(() => {});
    },
  });
}

const toolMessages = (state: AgentState) =>
  state.messages.filter((m): m is ToolMessage => m.role === 'tool');

describe('runAgent', () => {
  it('runs tools, feeds results back and returns the answer with usage and cost', async () => {
    const model = createFakeChatModel(
      [
        {
          toolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }],
          usage: { inputTokens: 100, outputTokens: 10 },
          costUsd: 0.0012,
        },
        {
          text: 'It is 4 °C in Oslo.',
          usage: { inputTokens: 150, outputTokens: 8 },
          costUsd: 0.0021,
        },
      ],
      { modelId: 'gpt-4o-mini' },
    );
    const steps: number[] = [];
    const state = await runAgent({
      model,
      tools: [weather()],
      messages: ask,
      system: 'Be brief.',
      onStep: (step) => {
        steps.push(step.index);
      },
    });
    expect(state.stopReason).toBe('final-answer');
    expect(state.text).toBe('It is 4 °C in Oslo.');
    expect(state.steps).toHaveLength(2);
    expect(steps).toEqual([0, 1]);
    expect(state.usage).toMatchObject({ inputTokens: 250, outputTokens: 18 });
    // The model's own figures, never a second pricing by model id.
    expect(state.steps.map((step) => step.costUsd)).toEqual([0.0012, 0.0021]);
    expect(state.costUsd).toBeCloseTo(0.0033, 12);
    expect(state.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(toolMessages(state)[0]?.content[0]).toMatchObject({
      toolName: 'get_weather',
      output: { city: 'Oslo', tempC: 4 },
    });
    const second = model.calls[1]?.request;
    expect(second?.system).toBe('Be brief.');
    expect(second?.tools?.map((t) => t.name)).toEqual(['get_weather']);
    expect(second?.messages).toHaveLength(3);
    expect(state.steps[0]?.records[0]).toMatchObject({ decision: 'allowed', outcome: 'ok' });
  });

  it('runs reads of one turn in parallel and side effects one at a time, in order', async () => {
    let active = 0;
    let maxActive = 0;
    const order: string[] = [];
    const tracked = (name: string, effect: 'read' | 'write') =>
      defineTool({
        name,
        description: name,
        input: z.object({ id: z.number() }),
        effect,
        requiresApproval: false,
        run: async ({ id }) => {
          active++;
          maxActive = Math.max(maxActive, active);
          await new Promise((resolve) => setTimeout(resolve, 20));
          order.push(`${name}:${id}`);
          active--;
          return id;
        },
      });
    const reads = createFakeChatModel([
      { toolCalls: [1, 2, 3].map((id) => ({ name: 'lookup', input: { id } })) },
      { text: 'done' },
    ]);
    const readState = await runAgent({
      model: reads,
      tools: [tracked('lookup', 'read')],
      messages: ask,
    });
    expect(maxActive).toBe(3);
    expect(toolMessages(readState)[0]?.content.map((p) => p.output)).toEqual([1, 2, 3]);
    maxActive = 0;
    order.length = 0;
    const writes = createFakeChatModel([
      { toolCalls: [1, 2, 3].map((id) => ({ name: 'save', input: { id } })) },
      { text: 'done' },
    ]);
    await runAgent({ model: writes, tools: [tracked('save', 'write')], messages: ask });
    expect(maxActive).toBe(1);
    expect(order).toEqual(['save:1', 'save:2', 'save:3']);
  });

  it('stops at maxSteps with a conversation that can continue', async () => {
    const model = createFakeChatModel((_request, index) => ({
      toolCalls: [{ name: 'get_weather', input: { city: `City ${index}` } }],
    }));
    const state = await runAgent({
      model,
      tools: [weather()],
      messages: ask,
      maxSteps: 4,
      cost: () => 0,
    });
    expect(state.stopReason).toBe('max-steps');
    expect(model.calls).toHaveLength(4);
    expect(state.messages.at(-1)?.role).toBe('tool');
  });

  it('stops a model that repeats the same call, without running it again', async () => {
    const run = vi.fn(async () => ({ tempC: 4 }));
    const model = createFakeChatModel({
      toolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }],
    });
    const state = await runAgent({
      model,
      tools: [weather(run)],
      messages: ask,
      maxSteps: 50,
      cost: () => 0,
    });
    expect(state.stopReason).toBe('repeated-call');
    expect(run).toHaveBeenCalledTimes(3);
    expect(model.calls).toHaveLength(4);
    expect(toolMessages(state).at(-1)?.content[0]).toMatchObject({
      isError: true,
      output: 'This call was not run: the same call was made more than 3 times.',
    });
  });

  it('stops once the cost budget is spent, priced by the caller or by the model', async () => {
    const model = createFakeChatModel((_r, i) => ({
      toolCalls: [{ name: 'get_weather', input: { city: `C${i}` } }],
    }));
    const state = await runAgent({
      model,
      tools: [weather()],
      messages: ask,
      maxCostUsd: 0.025,
      cost: () => 0.01,
    });
    expect(state.stopReason).toBe('max-cost');
    expect(state.steps).toHaveLength(3);
    expect(state.costUsd).toBeCloseTo(0.03);
    await expect(
      runAgent({ model: createFakeChatModel([]), tools: [], messages: ask, maxCostUsd: 1 }),
    ).rejects.toThrow(/maxCostUsd needs each step's cost, and model "fake-model" reported none/);
    // A catalogue model that prices its calls at 0 (a self-hosted deployment) costs 0 here too.
    const free = await runAgent({
      model: createFakeChatModel([{ text: 'hi', costUsd: 0 }], { modelId: 'gpt-4o-mini' }),
      tools: [],
      messages: ask,
      maxCostUsd: 1,
    });
    expect(free.costUsd).toBe(0);
    const unpriced = await runAgent({
      model: createFakeChatModel([{ text: 'hi' }]),
      tools: [],
      messages: ask,
    });
    expect(unpriced.costUsd).toBeUndefined();
  });

  it('stops at its timeout, even inside a hung tool, closing the turn', async () => {
    const clock = createFakeClock();
    const hang = hanging();
    const model = createFakeChatModel([{ toolCalls: [{ name: 'hang', input: {} }] }]);
    const running = runAgent({
      model,
      tools: [hang],
      messages: ask,
      timeoutMs: 10_000,
      clock,
      cost: () => 0,
    });
    await vi.waitFor(() => expect(model.calls).toHaveLength(1));
    await clock.advance(10_000);
    const state = await running;
    expect(state.stopReason).toBe('timeout');
    expect(toolMessages(state)[0]?.content[0]).toMatchObject({
      isError: true,
      output: 'This call was not run: the agent ran out of time.',
    });
    const slowModel = createFakeChatModel([{ text: 'late', delayMs: 60_000 }], { clock });
    const waiting = runAgent({
      model: slowModel,
      tools: [],
      messages: ask,
      timeoutMs: 1_000,
      clock,
      cost: () => 0,
    });
    await vi.waitFor(() => expect(slowModel.calls).toHaveLength(1));
    await clock.advance(1_000);
    expect((await waiting).stopReason).toBe('timeout');
  });

  it("times a hung tool out on the run's clock when tools are given as an array", async () => {
    const clock = createFakeClock();
    let started = false;
    const hang = hanging({
      timeoutMs: 5_000,
      onStart: () => {
        started = true;
      },
    });
    const model = createFakeChatModel([
      { toolCalls: [{ name: 'hang', input: {} }] },
      { text: 'It timed out.' },
    ]);
    const running = runAgent({ model, tools: [hang], messages: ask, clock, cost: () => 0 });
    await vi.waitFor(() => expect(started).toBe(true));
    await clock.advance(5_000);
    const state = await running;
    expect(state.stopReason).toBe('final-answer');
    expect(state.steps[0]?.records[0]).toMatchObject({ failure: 'timeout', latencyMs: 5_000 });
  });

  it('rejects with the reason when the caller aborts', async () => {
    const controller = new AbortController();
    const model = createFakeChatModel([{ text: 'x', delayMs: 60_000 }]);
    const running = runAgent({
      model,
      tools: [],
      messages: ask,
      signal: controller.signal,
      cost: () => 0,
    });
    controller.abort(new Error('gone'));
    await expect(running).rejects.toThrow('gone');
  });

  it('lets a model error through', async () => {
    const model = createFakeChatModel([{ error: new Error('provider down') }]);
    await expect(runAgent({ model, tools: [], messages: ask, cost: () => 0 })).rejects.toThrow(
      'provider down',
    );
  });

  it('answers a throwing tool and a tool outside the run allowlist, then continues', async () => {
    const broken = defineTool({
      name: 'broken',
      description: 'x',
      input: z.object({}),
      effect: 'read',
      run: async () => {
        throw new Error('disk full');
      },
    });
    const model = createFakeChatModel([
      {
        toolCalls: [
          { name: 'broken', input: {} },
          { name: 'get_weather', input: { city: 'Oslo' } },
        ],
      },
      { text: 'Partly done.' },
    ]);
    const state = await runAgent({
      model,
      tools: [broken, weather()],
      messages: ask,
      allow: ['broken'],
      cost: () => 0,
    });
    expect(model.calls[0]?.request.tools?.map((t) => t.name)).toEqual(['broken']);
    expect(state.stopReason).toBe('final-answer');
    expect(state.steps[0]?.records.map((r) => r.failure).sort()).toEqual([
      'not-allowed',
      'tool-error',
    ]);
    expect(toolMessages(state)[0]?.content[0]?.output).toBe('The tool "broken" failed: disk full');
  });

  it('keeps going through hostile calls, each answered with a readable error', async () => {
    const run = vi.fn(async () => 'ok');
    const model = createFakeChatModel([
      {
        toolCalls: [
          { name: 'drop_database', input: {} },
          { name: 'get_weather', arguments: '{"city": "Oslo"' },
          { name: 'get_weather', arguments: '{"city":"Oslo","__proto__":{"isAdmin":true}}' },
          { name: 'get_weather', input: { city: 'x'.repeat(10 * 1024 * 1024) } },
          { name: 'get_weather', input: { city: { nested: true } } },
        ],
      },
      { text: 'Sorry.' },
    ]);
    const state = await runAgent({ model, tools: [weather(run)], messages: ask, cost: () => 0 });
    expect(state.stopReason).toBe('final-answer');
    expect(run).not.toHaveBeenCalled();
    expect(state.steps[0]?.records.map((r) => r.failure).sort()).toEqual([
      'input-too-large',
      'invalid-arguments',
      'invalid-arguments',
      'invalid-json',
      'unknown-tool',
    ]);
    expect(toolMessages(state)[0]?.content.every((part) => part.isError)).toBe(true);
  });
});

describe('approvals in the loop', () => {
  it('stops for approval and resumes from stored state to run exactly the approved call', async () => {
    const send = vi.fn(async ({ to }: { to: string }) => `sent to ${to}`);
    const toolbox = createToolbox([weather(), email(send)]);
    const model = createFakeChatModel([
      {
        toolCalls: [
          { name: 'get_weather', input: { city: 'Oslo' } },
          { name: 'send_email', input: { to: 'ana@example.com', body: '4 °C' } },
        ],
      },
      { text: 'Sent.' },
    ]);
    const stopped = await runAgent({ model, tools: toolbox, messages: ask, cost: () => 0 });
    expect(stopped.stopReason).toBe('pending-approval');
    expect(stopped.pendingApprovals).toHaveLength(1);
    expect(stopped.pendingApprovals[0]).toMatchObject({
      toolName: 'send_email',
      input: { to: 'ana@example.com', body: '4 °C' },
    });
    expect(stopped.pendingTurn?.results.map((r) => r?.toolName ?? null)).toEqual([
      'get_weather',
      null,
    ]);
    expect(send).not.toHaveBeenCalled();

    const stored = JSON.parse(JSON.stringify(stopped)) as AgentState;
    const still = await runAgent({ model, tools: toolbox, state: stored, cost: () => 0 });
    expect(still.stopReason).toBe('pending-approval');
    expect(model.calls).toHaveLength(1);

    const token = stopped.pendingApprovals[0]?.token as string;
    const resumed = await runAgent({
      model,
      tools: toolbox,
      state: stored,
      approvals: [{ token, approved: true }],
      cost: () => 0,
    });
    expect(resumed.stopReason).toBe('final-answer');
    expect(resumed.text).toBe('Sent.');
    expect(send).toHaveBeenCalledTimes(1);
    expect(toolMessages(resumed)[0]?.content.map((p) => p.output)).toEqual([
      { city: 'Oslo', tempC: 4 },
      'sent to ana@example.com',
    ]);
    expect(resumed.steps[0]?.records.map((r) => r.decision)).toEqual([
      'allowed',
      'pending-approval',
      'approved',
    ]);

    const replay = await runAgent({
      model: createFakeChatModel([{ text: 'again' }]),
      tools: toolbox,
      state: stored,
      approvals: [{ token, approved: true }],
      cost: () => 0,
    });
    expect(send).toHaveBeenCalledTimes(1);
    expect(toolMessages(replay)[0]?.content[1]).toMatchObject({
      isError: true,
      output: expect.stringContaining('unknown or was already used'),
    });
  });

  it('refuses approvals with tools given as an array, whose fresh toolbox knows no token', async () => {
    const send = vi.fn(async () => 'sent');
    const model = createFakeChatModel([
      { toolCalls: [{ name: 'send_email', input: { to: 'a@example.com', body: 'x' } }] },
    ]);
    const stopped = await runAgent({ model, tools: [email(send)], messages: ask, cost: () => 0 });
    expect(stopped.stopReason).toBe('pending-approval');
    const token = stopped.pendingApprovals[0]?.token as string;
    await expect(
      runAgent({
        model,
        tools: [email(send)],
        state: stopped,
        approvals: [{ token, approved: true }],
        cost: () => 0,
      }),
    ).rejects.toThrow(/pass tools: createToolbox\(tools\)/);
    expect(send).not.toHaveBeenCalled();
  });

  it('runs an approved call once when two resumes of the same state race', async () => {
    const send = vi.fn(async () => 'sent');
    const toolbox = createToolbox([email(send)]);
    const model = createFakeChatModel([
      { toolCalls: [{ name: 'send_email', input: { to: 'a@example.com', body: 'x' } }] },
      { text: 'done' },
      { text: 'done' },
    ]);
    const stopped = await runAgent({ model, tools: toolbox, messages: ask, cost: () => 0 });
    const approvals = [{ token: stopped.pendingApprovals[0]?.token as string, approved: true }];
    const [a, b] = await Promise.all([
      runAgent({ model, tools: toolbox, state: stopped, approvals, cost: () => 0 }),
      runAgent({ model, tools: toolbox, state: stopped, approvals, cost: () => 0 }),
    ]);
    expect(send).toHaveBeenCalledTimes(1);
    const outcomes = [a, b].map((state) => state.steps[0]?.records.at(-1)?.decision).sort();
    expect(outcomes).toEqual(['approved', 'denied']);
  });

  it('rejects an approval whose stored arguments were altered', async () => {
    const send = vi.fn(async () => 'sent');
    const toolbox = createToolbox([email(send)]);
    const model = createFakeChatModel([
      { toolCalls: [{ name: 'send_email', input: { to: 'ana@example.com', body: 'hi' } }] },
      { text: 'Could not send.' },
    ]);
    const stopped = await runAgent({ model, tools: toolbox, messages: ask, cost: () => 0 });
    const tampered = structuredClone(stopped);
    const callPart = (tampered.pendingTurn?.calls[0] ?? {}) as { input: unknown };
    callPart.input = { to: 'eve@example.com', body: 'hi' };
    const token = stopped.pendingApprovals[0]?.token as string;
    const resumed = await runAgent({
      model,
      tools: toolbox,
      state: tampered,
      approvals: [{ token, approved: true }],
      cost: () => 0,
    });
    expect(send).not.toHaveBeenCalled();
    expect(resumed.steps[0]?.records.at(-1)).toMatchObject({
      failure: 'approval-rejected',
      reason: 'the arguments differ from the ones approved',
    });
  });

  it('tells the model a denied call was denied, and later side effects of the turn wait for the first', async () => {
    const send = vi.fn(async ({ to }: { to: string }) => `sent to ${to}`);
    const toolbox = createToolbox([email(send)]);
    const model = createFakeChatModel([
      {
        toolCalls: [
          { name: 'send_email', input: { to: 'a@example.com', body: '1' } },
          { name: 'send_email', input: { to: 'b@example.com', body: '2' } },
        ],
      },
      { text: 'One was declined.' },
    ]);
    const first = await runAgent({ model, tools: toolbox, messages: ask, cost: () => 0 });
    expect(first.pendingApprovals.map((p) => p.input)).toEqual([
      { to: 'a@example.com', body: '1' },
    ]);
    const second = await runAgent({
      model,
      tools: toolbox,
      state: first,
      approvals: [
        {
          token: first.pendingApprovals[0]?.token as string,
          approved: false,
          reason: 'wrong person',
        },
      ],
      cost: () => 0,
    });
    expect(second.stopReason).toBe('pending-approval');
    expect(second.pendingApprovals.map((p) => p.input)).toEqual([
      { to: 'b@example.com', body: '2' },
    ]);
    const third = await runAgent({
      model,
      tools: toolbox,
      state: second,
      approvals: [{ token: second.pendingApprovals[0]?.token as string, approved: true }],
      cost: () => 0,
    });
    expect(third.stopReason).toBe('final-answer');
    expect(send).toHaveBeenCalledTimes(1);
    expect(toolMessages(third)[0]?.content.map((p) => p.output)).toEqual([
      'This call was denied: wrong person. Do not retry it unchanged.',
      'sent to b@example.com',
    ]);
  });
});

describe('streamAgent', () => {
  async function collect(parts: AsyncIterable<AgentStreamPart>) {
    const out: AgentStreamPart[] = [];
    for await (const part of parts) out.push(part);
    return out;
  }

  it('streams model parts, step boundaries and tool status, ending with the state', async () => {
    const model = createFakeChatModel([
      { toolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }] },
      { text: 'It is 4 °C.' },
    ]);
    const parts = await collect(
      streamAgent({ model, tools: [weather()], messages: ask, cost: () => 0 }),
    );
    const types = parts.map((p) => (p.type === 'tool-status' ? `tool-status:${p.status}` : p.type));
    expect(types[0]).toBe('step-start');
    expect(types).toContain('tool-call');
    expect(types.indexOf('tool-status:running')).toBeLessThan(types.indexOf('tool-status:done'));
    expect(types.filter((t) => t === 'finish')).toHaveLength(2);
    expect(types.at(-1)).toBe('agent-finish');
    const text = parts.flatMap((p) => (p.type === 'text-delta' ? [p.text] : [])).join('');
    expect(text).toBe('It is 4 °C.');
    const last = parts.at(-1);
    expect(last?.type === 'agent-finish' && last.state.stopReason).toBe('final-answer');
    const done = parts.find((p) => p.type === 'tool-status' && p.status === 'done');
    expect(done).toMatchObject({
      toolName: 'get_weather',
      result: { output: { city: 'Oslo', tempC: 4 } },
    });
  });

  it('reports a pending approval as a tool status', async () => {
    const model = createFakeChatModel([
      { toolCalls: [{ name: 'send_email', input: { to: 'a@b.co', body: 'x' } }] },
    ]);
    const parts = await collect(
      streamAgent({ model, tools: [email()], messages: ask, cost: () => 0 }),
    );
    const status = parts.find((p) => p.type === 'tool-status' && p.status === 'pending-approval');
    expect(status).toMatchObject({ approval: { toolName: 'send_email' } });
  });

  it('answers arguments a provider stream could not parse as invalid JSON', async () => {
    let calls = 0;
    const model: ChatModel = {
      provider: 'test',
      modelId: 'test',
      generate: () => Promise.reject(new Error('unused')),
      async *stream() {
        calls++;
        if (calls === 1) {
          const error = Object.assign(new Error('bad json'), {
            name: 'ToolInputParseError',
            toolCallId: 'c1',
            toolName: 'get_weather',
            text: '{"city":',
          });
          yield {
            type: 'tool-call-start',
            toolCallId: 'c1',
            toolName: 'get_weather',
          } satisfies StreamPart;
          yield { type: 'error', error } satisfies StreamPart;
          yield { type: 'finish', reason: 'error' } satisfies StreamPart;
        } else {
          yield { type: 'text-delta', text: 'ok' } satisfies StreamPart;
          yield { type: 'finish', reason: 'stop' } satisfies StreamPart;
        }
      },
    };
    const parts = await collect(
      streamAgent({ model, tools: [weather()], messages: ask, cost: () => 0 }),
    );
    const failed = parts.find((p) => p.type === 'tool-status' && p.status === 'failed');
    expect(failed).toMatchObject({ record: { failure: 'invalid-json' } });
    expect(parts.at(-1)).toMatchObject({
      type: 'agent-finish',
      state: { stopReason: 'final-answer', text: 'ok' },
    });
  });

  it('opens a resumed step with step-start before its tool status and step-finish', async () => {
    const toolbox = createToolbox([email()]);
    const model = createFakeChatModel([
      { toolCalls: [{ name: 'send_email', input: { to: 'a@b.co', body: 'x' } }] },
      { text: 'Sent.' },
    ]);
    const first = await collect(
      streamAgent({ model, tools: toolbox, messages: ask, cost: () => 0 }),
    );
    const last = first.at(-1);
    if (last?.type !== 'agent-finish') throw new Error('expected agent-finish');
    const token = last.state.pendingApprovals[0]?.token as string;
    const parts = await collect(
      streamAgent({
        model,
        tools: toolbox,
        state: last.state,
        approvals: [{ token, approved: true }],
        cost: () => 0,
      }),
    );
    const outline = parts
      .filter((p) => p.type !== 'text-delta' && p.type !== 'usage')
      .map((p) =>
        p.type === 'tool-status'
          ? `tool-status:${p.status}`
          : p.type === 'step-start'
            ? `step-start:${p.index}`
            : p.type === 'step-finish'
              ? `step-finish:${p.step.index}`
              : p.type,
      );
    expect(outline).toEqual([
      'step-start:0',
      'tool-status:running',
      'tool-status:done',
      'step-finish:0',
      'step-start:1',
      'finish',
      'step-finish:1',
      'agent-finish',
    ]);
  });

  it('keeps a stream that finished with error and no error part as finish reason error', async () => {
    const model: ChatModel = {
      provider: 'test',
      modelId: 'test',
      generate: () => Promise.reject(new Error('unused')),
      async *stream() {
        yield { type: 'text-delta', text: 'partial' } satisfies StreamPart;
        yield { type: 'finish', reason: 'error' } satisfies StreamPart;
      },
    };
    const parts = await collect(
      streamAgent({ model, tools: [weather()], messages: ask, cost: () => 0 }),
    );
    const last = parts.at(-1);
    if (last?.type !== 'agent-finish') throw new Error('expected agent-finish');
    expect(last.state.steps[0]?.finishReason).toBe('error');
  });

  it('cancels the tools in flight when the consumer stops reading', async () => {
    const seen: AbortSignal[] = [];
    const model = createFakeChatModel([
      {
        toolCalls: [
          { name: 'hang', input: {} },
          { name: 'hang', input: {} },
        ],
      },
    ]);
    const hang = hanging({ onStart: (signal) => seen.push(signal) });
    let running = 0;
    for await (const part of streamAgent({ model, tools: [hang], messages: ask, cost: () => 0 })) {
      // The first call starts once its `running` status has been read.
      if (part.type === 'tool-status' && part.status === 'running' && ++running === 2) {
        await vi.waitFor(() => expect(seen).toHaveLength(1));
        break;
      }
    }
    expect(seen[0]?.aborted).toBe(true);
  });

  it('throws a stream error that is not about tool arguments', async () => {
    const model = createFakeChatModel([
      { text: 'a b c', streamError: { afterParts: 1, error: new Error('connection lost') } },
    ]);
    await expect(
      collect(streamAgent({ model, tools: [], messages: ask, cost: () => 0 })),
    ).rejects.toThrow('connection lost');
  });
});
