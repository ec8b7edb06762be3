/**
 * The agent loop, written once for both `runAgent` and `streamAgent`: model, tool calls (reads
 * in parallel, side effects one at a time, in order), results, model again, until an answer or
 * a bound. It yields events as it goes and returns the final state.
 */
import {
  addUsage,
  type ChatRequest,
  deadlineSignal,
  EMPTY_USAGE,
  InvalidArgumentError,
  TimeoutError,
  type ToolCall,
  type ToolResultPart,
} from '@keel/core';
import { assertDelay, assertNumber, linkSignals } from '@keel/core/internal';
import type {
  AgentOptions,
  AgentState,
  AgentStep,
  AgentStopReason,
  AgentStreamPart,
  PendingTurn,
} from './agent-state';
import { argumentsDigest } from './canonical-json';
import { DEFAULT_LIMITS, readArguments } from './inspect-arguments';
import { assistantMessage, generateTurn, type ModelTurn, streamTurn } from './model-turn';
import { createToolbox } from './toolbox';
import type { ApprovalDecision, DispatchResult, Toolbox } from './toolbox-types';

type Settled = { index: number; result: DispatchResult } | { index: number; error: unknown };

function isToolbox(tools: AgentOptions['tools']): tools is Toolbox {
  return !Array.isArray(tools);
}

function notRun(call: ToolCall, why: string): ToolResultPart {
  return {
    type: 'tool-result',
    toolCallId: call.toolCallId,
    toolName: call.toolName,
    output: `This call was not run: ${why}.`,
    isError: true,
  };
}

/** Groups of call indices run together: consecutive reads in parallel, anything else alone. */
function groups(toolbox: Toolbox, calls: readonly ToolCall[]): number[][] {
  const result: number[][] = [];
  let readGroup: number[] | undefined;
  calls.forEach((call, index) => {
    if (toolbox.get(call.toolName)?.effect !== 'read') {
      result.push([index]);
      readGroup = undefined;
    } else if (readGroup === undefined) {
      readGroup = [index];
      result.push(readGroup);
    } else {
      readGroup.push(index);
    }
  });
  return result;
}

/** A key equal for calls of the same tool with the same arguments, whatever their key order. */
function identity(call: ToolCall): string {
  const parsed = readArguments(call.input, DEFAULT_LIMITS);
  return `${call.toolName}\u0000${parsed.ok ? argumentsDigest(parsed.value) : parsed.fault.kind}`;
}

/** A step's cost: the caller's `cost` when given, else the model's own price of the turn. */
function stepCost(options: AgentOptions, turn: ModelTurn): number | undefined {
  const { model, cost, maxCostUsd } = options;
  const usd = cost === undefined ? turn.costUsd : cost(turn.usage, model);
  if (usd === undefined && maxCostUsd !== undefined) {
    throw new InvalidArgumentError({
      argument: 'cost',
      message: `maxCostUsd needs each step's cost, and model "${model.modelId}" reported none; pass cost: (usage) => usd, or a model that prices its calls (@keel/llm)`,
    });
  }
  return usd;
}

/**
 * Runs the loop. Yields model parts (in stream mode), step boundaries and tool status; returns
 * the state it stopped in.
 */
export async function* agentLoop(
  options: AgentOptions,
  mode: 'generate' | 'stream',
): AsyncGenerator<AgentStreamPart, AgentState> {
  const {
    model,
    system,
    maxSteps = 10,
    maxCostUsd,
    timeoutMs,
    maxIdenticalCalls = 3,
    allow,
    request: extra,
    onStep,
    signal,
    clock,
  } = options;
  assertNumber('maxSteps', maxSteps, { integer: true, min: 1 });
  assertNumber('maxIdenticalCalls', maxIdenticalCalls, { integer: true, min: 1 });
  if (maxCostUsd !== undefined) assertNumber('maxCostUsd', maxCostUsd, { min: 0, unit: 'USD' });
  // Checked here, before the caller's signal is linked, so a bad value leaves nothing attached.
  if (timeoutMs !== undefined) assertDelay('timeoutMs', timeoutMs);
  if (options.state === undefined && !Array.isArray(options.messages)) {
    throw new InvalidArgumentError({
      argument: 'messages',
      message: 'runAgent needs messages to start from, or the state of a stopped run to resume',
    });
  }
  if (!isToolbox(options.tools) && (options.approvals?.length ?? 0) > 0) {
    // A toolbox made here from an array has a fresh approval store that knows no token.
    throw new InvalidArgumentError({
      argument: 'tools',
      message:
        'approvals can only be checked by the toolbox that issued them; pass tools: createToolbox(tools) to both runs instead of an array',
    });
  }
  const toolbox = isToolbox(options.tools)
    ? options.tools
    : createToolbox(options.tools, clock === undefined ? {} : { clock });
  const definitions = toolbox.definitions(allow === undefined ? {} : { allow });
  const decisions = new Map<string, ApprovalDecision>(
    (options.approvals ?? []).map((decision) => [decision.token, decision]),
  );
  const state: AgentState =
    options.state !== undefined
      ? structuredClone(options.state)
      : {
          messages: [...(options.messages ?? [])],
          steps: [],
          usage: EMPTY_USAGE,
          costUsd: 0,
          stopReason: 'final-answer',
          text: '',
          pendingApprovals: [],
        };
  // A stream closed early (a UI that stops reading) cancels the model call and tools in flight.
  const closed = new AbortController();
  // Not AbortSignal.any, which stays attached to a long-lived caller signal until it aborts:
  // the link is undone in `finally`, however the run ends.
  const link = signal === undefined ? undefined : linkSignals([signal, closed.signal]);
  const deadline = deadlineSignal({ signal: link?.signal ?? closed.signal, timeoutMs, clock });
  const dispatchContext = (approval?: ApprovalDecision) => ({
    signal: deadline.signal,
    ...(allow !== undefined && { allow }),
    ...(extra?.metadata !== undefined && { metadata: extra.metadata }),
    ...(approval !== undefined && { approval }),
  });

  const stop = (reason: AgentStopReason): AgentState => {
    state.stopReason = reason;
    return state;
  };

  /** Dispatches the unfinished calls of a turn; yields tool status as calls start and end. */
  async function* runTurn(
    turn: PendingTurn,
    step: AgentStep,
  ): AsyncGenerator<AgentStreamPart, void> {
    const waiting = new Map(
      state.pendingApprovals.map((approval) => [approval.toolCallId, approval]),
    );
    const stillPending: typeof state.pendingApprovals = [];
    let blocked = false; // a side effect waits for approval: later side effects wait too
    for (const group of groups(toolbox, turn.calls)) {
      const open = group.filter((index) => turn.results[index] === null);
      const sideEffect = open.some(
        (index) => toolbox.get(turn.calls[index]?.toolName ?? '')?.effect !== 'read',
      );
      if (sideEffect && blocked) continue;
      const running = new Map<number, Promise<Settled>>();
      for (const index of open) {
        const call = turn.calls[index] as ToolCall;
        const pending = waiting.get(call.toolCallId);
        const decision = pending === undefined ? undefined : decisions.get(pending.token);
        if (pending !== undefined && decision === undefined) {
          stillPending.push(pending);
          if (sideEffect) blocked = true;
          continue;
        }
        yield {
          type: 'tool-status',
          toolCallId: call.toolCallId,
          toolName: call.toolName,
          status: 'running',
        };
        running.set(
          index,
          toolbox.dispatch(call, dispatchContext(decision)).then(
            (result) => ({ index, result }),
            (error: unknown) => ({ index, error }),
          ),
        );
      }
      // Every dispatch settles (they share the run's signal); the first failure is rethrown
      // once all have, so none is left unobserved.
      let failure: { error: unknown } | undefined;
      while (running.size > 0) {
        const settled = await Promise.race(running.values());
        running.delete(settled.index);
        if (!('result' in settled)) {
          failure ??= { error: settled.error };
          continue;
        }
        const { index, result } = settled;
        const call = turn.calls[index] as ToolCall;
        step.records.push(result.record);
        if (result.status === 'pending-approval') {
          stillPending.push(result.approval);
          if (sideEffect) blocked = true;
          yield {
            type: 'tool-status',
            toolCallId: call.toolCallId,
            toolName: call.toolName,
            status: 'pending-approval',
            record: result.record,
            approval: result.approval,
          };
        } else {
          turn.results[index] = result.part;
          yield {
            type: 'tool-status',
            toolCallId: call.toolCallId,
            toolName: call.toolName,
            status: result.part.isError ? 'failed' : 'done',
            record: result.record,
            result: result.part,
          };
        }
      }
      if (failure !== undefined) throw failure.error;
    }
    state.pendingApprovals = stillPending;
    step.toolResults = turn.results.filter((part): part is ToolResultPart => part !== null);
  }

  /** Closes the turn: results for calls that never ran (saying `why`), and the tool message. */
  function closeTurn(turn: PendingTurn, step: AgentStep, why = 'the turn ended'): void {
    turn.results = turn.results.map((part, i) => part ?? notRun(turn.calls[i] as ToolCall, why));
    step.toolResults = turn.results as ToolResultPart[];
    state.messages.push({ role: 'tool', content: step.toolResults });
    state.pendingApprovals = [];
    delete state.pendingTurn;
  }

  /** Runs the turn; true when it completed, false when calls wait for approval. */
  async function* settleTurn(
    turn: PendingTurn,
    step: AgentStep,
  ): AsyncGenerator<AgentStreamPart, boolean> {
    state.pendingTurn = turn;
    yield* runTurn(turn, step);
    if (turn.results.some((part) => part === null)) return false;
    closeTurn(turn, step);
    return true;
  }

  try {
    const resumed = state.pendingTurn;
    const lastStep = state.steps.at(-1);
    if (resumed !== undefined && lastStep !== undefined) {
      yield { type: 'step-start', index: lastStep.index };
      const done = yield* settleTurn(resumed, lastStep);
      yield { type: 'step-finish', step: lastStep };
      await onStep?.(lastStep, state);
      if (!done) return stop('pending-approval');
    }
    for (;;) {
      if (state.steps.length >= maxSteps) return stop('max-steps');
      if (maxCostUsd !== undefined && (state.costUsd ?? 0) >= maxCostUsd) return stop('max-cost');
      const index = state.steps.length;
      yield { type: 'step-start', index };
      const request: ChatRequest = {
        ...extra,
        messages: [...state.messages],
        ...(system !== undefined && { system }),
        ...(definitions.length > 0 && { tools: definitions }),
      };
      let turn: ModelTurn;
      if (mode === 'stream') turn = yield* streamTurn(model, request, deadline.signal);
      else turn = await generateTurn(model, request, deadline.signal);
      const usd = stepCost(options, turn);
      const step: AgentStep = {
        index,
        text: turn.text,
        toolCalls: turn.toolCalls,
        toolResults: [],
        records: [],
        finishReason: turn.finishReason,
        usage: turn.usage,
        ...(usd !== undefined && { costUsd: usd }),
        ...(turn.responseModelId !== undefined && { responseModelId: turn.responseModelId }),
      };
      state.steps.push(step);
      state.messages.push(assistantMessage(turn));
      state.usage = addUsage(state.usage, turn.usage);
      if (usd === undefined) delete state.costUsd;
      else if (state.costUsd !== undefined) state.costUsd += usd;
      state.text = turn.text;
      if (turn.toolCalls.length === 0) {
        yield { type: 'step-finish', step };
        await onStep?.(step, state);
        return stop('final-answer');
      }
      const pendingTurn: PendingTurn = {
        calls: turn.toolCalls,
        results: turn.toolCalls.map(() => null),
      };
      const seen = new Map<string, number>();
      for (const earlier of state.steps.flatMap((s) => s.toolCalls)) {
        const key = identity(earlier);
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      const repeated = [...seen.values()].some((count) => count > maxIdenticalCalls);
      if (repeated) {
        closeTurn(pendingTurn, step, `the same call was made more than ${maxIdenticalCalls} times`);
        yield { type: 'step-finish', step };
        await onStep?.(step, state);
        return stop('repeated-call');
      }
      const done = yield* settleTurn(pendingTurn, step);
      yield { type: 'step-finish', step };
      await onStep?.(step, state);
      if (!done) return stop('pending-approval');
    }
  } catch (error) {
    const timedOut =
      !signal?.aborted &&
      deadline.signal.aborted &&
      TimeoutError.isInstance(deadline.signal.reason);
    if (!timedOut) throw error;
    const turn = state.pendingTurn;
    const step = state.steps.at(-1);
    if (turn !== undefined && step !== undefined)
      closeTurn(turn, step, 'the agent ran out of time');
    return stop('timeout');
  } finally {
    // Reached with calls in flight only when the consumer stopped early; a no-op otherwise.
    closed.abort(new DOMException('The agent stream was closed before it finished', 'AbortError'));
    link?.unlink();
    deadline.clear();
  }
}
