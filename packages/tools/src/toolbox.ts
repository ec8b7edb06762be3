/**
 * The dispatcher: one place where a model's tool call is checked, decided, run and recorded.
 * Everything the model can get wrong comes back as a tool-result part it can read and correct;
 * only the caller's own cancellation is thrown.
 */
import { InvalidArgumentError, systemClock, type ToolCall } from '@keel/core';
import { assertDelay, assertNumber } from '@keel/core/internal';
import {
  approvalProblem,
  approvalToken,
  createMemoryApprovalStore,
  type PendingApproval,
} from './approval-store';
import { argumentsDigest } from './canonical-json';
import type { AnyTool } from './define-tool';
import { type RecordFields, startDispatchReport } from './dispatch-report';
import { type ArgumentLimits, DEFAULT_LIMITS, readArguments } from './inspect-arguments';
import { defaultPolicy, type PolicyDecision, type PolicyVerdict } from './policy';
import { runTool, type ToolRun } from './run-tool';
import { shapeResult } from './shape-result';
import type { ToolCallRecord, ToolFailure } from './tool-call-record';
import type { DispatchContext, DispatchResult, Toolbox, ToolboxOptions } from './toolbox-types';
import { validateInput } from './validate-input';

const MAX_ERROR_CHARS = 1_000;

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** A tool name as echoed to the model: a hostile one is cut (real names have at most 64). */
function shownName(name: string): string {
  return JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);
}

function verdictOf(value: PolicyDecision | PolicyVerdict): PolicyVerdict {
  return typeof value === 'string' ? { decision: value } : value;
}

/**
 * Creates a toolbox. Calls are parsed (a JSON string is accepted), checked against the limits,
 * validated with the tool's schema, decided by the allowlists and the policy, run with a time
 * limit, their output validated and cut to its token budget, and recorded.
 *
 * @throws InvalidArgumentError for duplicate tool names, an allowlist naming an unknown tool, or bad limits.
 * @example
 * ```ts
 * const toolbox = createToolbox([getWeather, sendEmail], { allow: ['get_weather', 'send_email'] });
 * const result = await toolbox.dispatch(call, { signal, metadata: { userId } });
 * if (result.status === 'pending-approval') await askUser(result.approval);
 * else messages.push({ role: 'tool', content: [result.part] });
 * ```
 */
export function createToolbox(tools: readonly AnyTool[], options: ToolboxOptions = {}): Toolbox {
  const {
    allow,
    policy = defaultPolicy,
    approvals = createMemoryApprovalStore(),
    approvalTtlMs = 3_600_000,
    timeoutMs = 30_000,
    maxResultTokens = 4_000,
    encoding = 'o200k_base',
    limits: limitOptions,
    instrumentation,
    onRecord,
    clock = systemClock,
  } = options;
  assertDelay('approvalTtlMs', approvalTtlMs, { integer: true, min: 1 });
  assertDelay('timeoutMs', timeoutMs, { integer: true, min: 1 });
  assertNumber('maxResultTokens', maxResultTokens, { integer: true, min: 1 });
  const limits: ArgumentLimits = { ...DEFAULT_LIMITS, ...limitOptions };
  assertNumber('limits.maxDepth', limits.maxDepth, { integer: true, min: 1 });
  assertNumber('limits.maxChars', limits.maxChars, { integer: true, min: 1 });

  const byName = new Map<string, AnyTool>();
  for (const tool of tools) {
    if (byName.has(tool.name)) {
      throw new InvalidArgumentError({
        argument: 'tools',
        message: `Two tools are named "${tool.name}"; tool names must be unique in a toolbox`,
      });
    }
    byName.set(tool.name, tool);
  }
  const checkAllowlist = (list: readonly string[] | undefined, argument: string) => {
    const unknown = list?.find((name) => !byName.has(name));
    if (unknown !== undefined) {
      throw new InvalidArgumentError({
        argument,
        message: `${argument} names "${unknown}", which is not in the toolbox (${[...byName.keys()].join(', ')})`,
      });
    }
  };
  checkAllowlist(allow, 'allow');

  const isAllowed = (name: string, extra?: readonly string[]) =>
    (allow === undefined || allow.includes(name)) && (extra === undefined || extra.includes(name));

  const available = (extra?: readonly string[]) =>
    [...byName.keys()].filter((name) => isAllowed(name, extra));

  async function dispatch(call: ToolCall, context: DispatchContext = {}): Promise<DispatchResult> {
    const { signal, metadata, approval } = context;
    signal?.throwIfAborted();
    const tool = byName.get(call.toolName);
    const report = startDispatchReport({
      call,
      effect: tool?.effect,
      metadata,
      clock,
      instrumentation,
      onRecord,
    });
    const { record } = report;

    const fail = (
      failure: ToolFailure,
      decision: ToolCallRecord['decision'],
      message: string,
      extra: Partial<RecordFields> = {},
    ): DispatchResult => ({
      status: 'done',
      part: {
        type: 'tool-result',
        toolCallId: call.toolCallId,
        toolName: call.toolName,
        output: message,
        isError: true,
      },
      record: record({
        decision,
        outcome: failure === 'denied' ? 'ok' : 'error',
        failure,
        ...extra,
      }),
    });

    const decide = async (): Promise<DispatchResult> => {
      if (tool === undefined || !isAllowed(tool.name, context.allow)) {
        const names = available(context.allow).join(', ') || 'none';
        return tool === undefined
          ? fail(
              'unknown-tool',
              'unknown-tool',
              `There is no tool named ${shownName(call.toolName)}. Available tools: ${names}.`,
            )
          : fail(
              'not-allowed',
              'denied',
              `The tool ${shownName(call.toolName)} is not available here. Available tools: ${names}.`,
            );
      }
      const parsed = readArguments(call.input, limits);
      if (!parsed.ok) return fail(parsed.fault.kind, 'invalid-arguments', parsed.fault.message);
      const validation = await validateInput(tool.input, parsed.value);
      if (!validation.ok) return fail('invalid-arguments', 'invalid-arguments', validation.message);
      const digest = argumentsDigest(validation.accepted);

      let decision: ToolCallRecord['decision'] = 'allowed';
      let reason: string | undefined;
      if (approval !== undefined) {
        const pending = await approvals.take(approval.token);
        const problem = approvalProblem(pending, call, digest, clock.now());
        if (problem !== undefined) {
          return fail('approval-rejected', 'denied', `This call was not run: ${problem}.`, {
            argumentsDigest: digest,
            reason: problem,
          });
        }
        if (!approval.approved) {
          const why = approval.reason ?? 'the user declined';
          return fail(
            'denied',
            'denied',
            `This call was denied: ${why}. Do not retry it unchanged.`,
            {
              argumentsDigest: digest,
              reason: why,
            },
          );
        }
        decision = 'approved';
        reason = approval.reason;
      } else {
        let verdict: PolicyVerdict;
        try {
          verdict = verdictOf(
            await policy({
              tool,
              input: validation.value,
              toolCallId: call.toolCallId,
              ...(metadata !== undefined && { metadata }),
            }),
          );
        } catch (error) {
          // A policy that cannot decide denies: fail closed.
          return fail('denied', 'denied', 'This call was denied: the policy could not decide.', {
            argumentsDigest: digest,
            reason: 'the policy threw',
            errorType: nameOf(error),
            errorMessage: messageOf(error),
          });
        }
        reason = verdict.reason;
        if (verdict.decision === 'deny') {
          const why = verdict.reason ?? 'the policy does not allow it';
          return fail('denied', 'denied', `This call was denied: ${why}.`, {
            argumentsDigest: digest,
            reason: why,
          });
        }
        if (verdict.decision === 'require-approval') {
          const now = clock.now();
          const pending: PendingApproval = {
            token: approvalToken(),
            toolCallId: call.toolCallId,
            toolName: tool.name,
            effect: tool.effect,
            input: validation.accepted,
            argumentsDigest: digest,
            createdAt: now,
            expiresAt: now + approvalTtlMs,
          };
          await approvals.save(pending);
          return {
            status: 'pending-approval',
            approval: pending,
            record: record({
              decision: 'pending-approval',
              outcome: 'pending',
              argumentsDigest: digest,
              ...(reason !== undefined && { reason }),
            }),
          };
        }
      }

      const decided = {
        decision,
        argumentsDigest: digest,
        ...(reason !== undefined && { reason }),
      };
      const limitMs = tool.timeoutMs ?? timeoutMs;
      let ran: ToolRun;
      try {
        ran = await runTool(tool, validation.value, {
          signal,
          timeoutMs: limitMs,
          clock,
          toolCallId: call.toolCallId,
          metadata,
        });
      } catch (error) {
        record({ ...decided, outcome: 'abort' });
        throw error;
      }
      if (!ran.ok && ran.timedOut) {
        return fail(
          'timeout',
          decision,
          `The tool "${tool.name}" did not finish within ${limitMs} ms.`,
          {
            ...decided,
            errorType: 'TimeoutError',
            errorMessage: `timed out after ${limitMs} ms`,
          },
        );
      }
      if (!ran.ok) {
        const text = messageOf(ran.error);
        return fail('tool-error', decision, `The tool "${tool.name}" failed: ${text}`, {
          ...decided,
          errorType: nameOf(ran.error),
          errorMessage: text,
        });
      }
      let output = ran.output;
      if (tool.output !== undefined) {
        const checked = await tool.output.safeParseAsync(output);
        if (!checked.success) {
          return fail(
            'invalid-output',
            decision,
            `The tool "${tool.name}" returned a result that does not match its output schema.`,
            {
              ...decided,
              errorType: 'ZodError',
              errorMessage: messageOf(checked.error),
            },
          );
        }
        output = checked.data;
      }
      let shaped: Awaited<ReturnType<typeof shapeResult>>;
      try {
        shaped = await shapeResult(output, tool.maxResultTokens ?? maxResultTokens, encoding);
      } catch (error) {
        return fail(
          'invalid-output',
          decision,
          `The tool "${tool.name}" returned a result that cannot be written as JSON.`,
          {
            ...decided,
            errorType: nameOf(error),
            errorMessage: messageOf(error),
          },
        );
      }
      return {
        status: 'done',
        part: {
          type: 'tool-result',
          toolCallId: call.toolCallId,
          toolName: tool.name,
          output: shaped.output,
        },
        record: record({
          ...decided,
          outcome: 'ok',
          resultTokens: shaped.tokens,
          resultBytes: shaped.bytes,
          truncated: shaped.truncated,
        }),
      };
    };
    try {
      return await decide();
    } catch (error) {
      // Failures of the machinery itself (an approval store that is down, a schema refinement
      // that throws) are the application's to handle: recorded, then thrown.
      if (!report.recorded) {
        record({
          decision: 'allowed',
          outcome: signal?.aborted ? 'abort' : 'error',
          errorType: nameOf(error),
          errorMessage: messageOf(error),
        });
      }
      throw error;
    }
  }

  return {
    tools: [...byName.values()],
    get: (name) => byName.get(name),
    definitions({ allow: extra } = {}) {
      checkAllowlist(extra, 'allow');
      return [...byName.values()]
        .filter((tool) => isAllowed(tool.name, extra))
        .map((tool) => tool.definition);
    },
    dispatch,
  };
}
