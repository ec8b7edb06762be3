/**
 * A ChatModel with no HTTP at all, for unit tests of code that takes a ChatModel: scripted
 * answers, tool calls, usage, errors before or during a stream, and cancellation.
 */
import {
  type CallOptions,
  type ChatModel,
  type ChatRequest,
  type Clock,
  type GenerateResult,
  InvalidArgumentError,
  type StreamPart,
  sleep,
  systemClock,
  type ToolCall,
} from '@keel/core';
import { assertDelay, assertNumber } from '@keel/core/internal';
import type { ScriptedReply } from './mock-reply';
import { summarizeChatRequest } from './request-summary';
import { defaultReply, type ResolvedReply, resolveReply } from './resolve-reply';
import { argumentFragments, wordChunks } from './text-chunks';
import { validateReply } from './validate-reply';

/** One scripted call of the fake model. */
export interface FakeStep extends ScriptedReply {
  /** Thrown by `generate`, or by the stream's first `next()`, before any part. */
  error?: unknown;
  /** After this many stream parts, yield an `error` part and finish with reason `error`. */
  streamError?: { afterParts: number; error: unknown };
  /** Wait this long before answering and between stream parts (on the model's clock). */
  delayMs?: number;
  /**
   * The cost the model reports for this reply's usage (`costUsd` on the usage part and the
   * result), as a pricing model such as `@keel/llm`'s does; none by default.
   */
  costUsd?: number;
}

/** A step, or a function of the request that returns one. */
export type FakeScript =
  | FakeStep
  | ((request: ChatRequest, callIndex: number) => FakeStep | Promise<FakeStep>);

/** Options for {@link createFakeChatModel}. */
export interface FakeChatModelOptions {
  provider?: string;
  modelId?: string;
  /** Clock for `delayMs`; default the real one. */
  clock?: Clock;
}

/** A fake model that also records its calls. */
export interface FakeChatModel extends ChatModel {
  /** Every call, in order. */
  readonly calls: Array<{
    method: 'generate' | 'stream';
    request: ChatRequest;
    options?: CallOptions;
  }>;
  /** Adds steps to the queue. */
  enqueue(...steps: FakeScript[]): void;
  /** Steps left in the queue. */
  pending(): number;
}

/**
 * Creates a fake ChatModel. An array is a queue answered in order; a single step or function
 * answers every call. When the queue is empty the model answers like the mock server's default
 * (a sentence quoting the user, or a forced tool call with the smallest valid input).
 *
 * @example
 * ```ts
 * const model = createFakeChatModel([
 *   { toolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }] },
 *   { text: 'It is 4 °C in Oslo.', usage: { inputTokens: 120, outputTokens: 9 } },
 * ]);
 * const answer = await runAgent({ model, tools }); // the code under test
 * expect(model.calls).toHaveLength(2);
 * ```
 */
export function createFakeChatModel(
  script: FakeScript | FakeScript[] = [],
  { provider = 'fake', modelId = 'fake-model', clock = systemClock }: FakeChatModelOptions = {},
): FakeChatModel {
  const queue: FakeScript[] = [];
  const always = Array.isArray(script) ? undefined : script;
  const calls: FakeChatModel['calls'] = [];
  let responses = 0;

  const enqueue = (...steps: FakeScript[]) => {
    steps.forEach((step, i) => {
      if (typeof step !== 'function') validateStep(step, `steps[${i}]`);
    });
    queue.push(...steps);
  };
  if (Array.isArray(script)) enqueue(...script);
  else if (typeof script !== 'function') validateStep(script, 'script');

  async function nextStep(
    request: ChatRequest,
    options: CallOptions | undefined,
    method: 'generate' | 'stream',
  ) {
    calls.push({ method, request, options });
    options?.signal?.throwIfAborted();
    const script = queue.shift() ?? always;
    const summary = summarizeChatRequest(request, modelId);
    const step =
      script === undefined
        ? defaultReply(summary)
        : typeof script === 'function'
          ? await script(request, calls.length - 1)
          : script;
    if (typeof script === 'function')
      validateStep(step, 'the step returned by the script function');
    const fake = step as FakeStep;
    if (fake.error !== undefined) throw fake.error;
    return {
      step: fake,
      reply: resolveReply(fake, summary),
      responseId: `fake-response-${++responses}`,
    };
  }

  return {
    provider,
    modelId,
    calls,
    enqueue,
    pending: () => queue.length,
    async generate(request, options) {
      const { step, reply, responseId } = await nextStep(request, options, 'generate');
      if (step.delayMs) await sleep(step.delayMs, { signal: options?.signal, clock });
      return {
        text: reply.text,
        ...(reply.reasoning !== undefined && { reasoning: reply.reasoning }),
        toolCalls: toolCalls(reply),
        finishReason: reply.finishReason,
        usage: reply.usage,
        ...(step.costUsd !== undefined && { costUsd: step.costUsd }),
        responseModelId: reply.model,
        responseId,
      } satisfies GenerateResult;
    },
    async *stream(request, options) {
      const { step, reply } = await nextStep(request, options, 'stream');
      const signal = options?.signal;
      for (const [index, part] of streamParts(reply, step.costUsd).entries()) {
        if (step.streamError && index === step.streamError.afterParts) {
          yield { type: 'error', error: step.streamError.error };
          yield { type: 'finish', reason: 'error' };
          return;
        }
        try {
          if (step.delayMs) await sleep(step.delayMs, { signal, clock });
          signal?.throwIfAborted();
        } catch (error) {
          if (!signal?.aborted) throw error;
          yield { type: 'finish', reason: 'abort' };
          return;
        }
        yield part;
      }
    },
  };
}

function validateStep(step: FakeStep, argument: string): void {
  const { error: _thrown, streamError, delayMs, costUsd, ...reply } = step;
  validateReply(reply, argument);
  for (const field of ['serverToolCalls', 'citations'] as const) {
    if (reply[field] === undefined) continue;
    throw new InvalidArgumentError({
      argument: `${argument}.${field}`,
      message: `${argument}.${field} are Anthropic wire blocks, which the fake chat model does not render; script them on startMockProvider's 'anthropic.messages' route`,
    });
  }
  if (costUsd !== undefined) {
    assertNumber(`${argument}.costUsd`, costUsd, { min: 0, unit: 'USD' });
  }
  if (delayMs !== undefined) assertDelay(`${argument}.delayMs`, delayMs);
  if (streamError !== undefined) {
    assertNumber(`${argument}.streamError.afterParts`, streamError.afterParts, {
      integer: true,
      min: 0,
    });
  }
}

/** Tool calls with parsed input (the raw text when a script gave invalid JSON on purpose). */
function toolCalls(reply: ResolvedReply): ToolCall[] {
  return reply.toolCalls.map((call, i) => {
    let input: unknown;
    try {
      input = JSON.parse(call.arguments);
    } catch {
      input = call.arguments;
    }
    return { toolCallId: call.id ?? `fake-call-${i + 1}`, toolName: call.name, input };
  });
}

/** The stream parts of a reply, in provider order: reasoning, text, tool calls, usage, finish. */
function streamParts(reply: ResolvedReply, costUsd: number | undefined): StreamPart[] {
  const parts: StreamPart[] = [];
  for (const text of wordChunks(reply.reasoning ?? ''))
    parts.push({ type: 'reasoning-delta', text });
  for (const text of reply.chunks) parts.push({ type: 'text-delta', text });
  for (const [i, call] of toolCalls(reply).entries()) {
    parts.push({ type: 'tool-call-start', toolCallId: call.toolCallId, toolName: call.toolName });
    const source = reply.toolCalls[i]?.arguments ?? '';
    for (const inputTextDelta of argumentFragments(source)) {
      parts.push({ type: 'tool-call-delta', toolCallId: call.toolCallId, inputTextDelta });
    }
    parts.push({ type: 'tool-call', ...call });
  }
  parts.push({ type: 'usage', usage: reply.usage, ...(costUsd !== undefined && { costUsd }) });
  parts.push({ type: 'finish', reason: reply.finishReason });
  return parts;
}
