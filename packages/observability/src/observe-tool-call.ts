/**
 * A tool execution: an INTERNAL `execute_tool <name>` span, a `tool-call` record with the
 * dispatcher's decision and the result's size (never the arguments), and its duration.
 */
import type { CallObserver, ToolCallEnd, ToolCallStart } from '@keel/core';
import { GEN_AI, KEEL, METRICS } from './attributes';
import type { Labels } from './metrics-registry';
import { definedOnly, type Recorder, whoAttributes } from './recorder';
import { SPAN_KIND } from './span-types';

/** Observes one tool call. */
export function observeToolCall(
  recorder: Recorder,
  start: ToolCallStart,
): CallObserver<ToolCallEnd> {
  const who = recorder.who(start.metadata);
  const tool = recorder.clean({ name: start.toolName, id: start.toolCallId, effect: start.effect });
  const labels: Labels = definedOnly({
    [GEN_AI.toolName]: tool.name,
    feature: who.feature,
  } as Labels);
  return recorder.observe(
    `execute_tool ${tool.name}`,
    SPAN_KIND.internal,
    () => ({
      [GEN_AI.operationName]: 'execute_tool',
      [GEN_AI.toolName]: tool.name,
      [GEN_AI.toolCallId]: tool.id,
      [GEN_AI.toolType]: 'function',
      [KEEL.toolEffect]: tool.effect,
      ...whoAttributes(who),
    }),
    (end: ToolCallEnd) => ({
      event: 'tool-call',
      msg: `execute_tool ${tool.name} ${end.decision} ${end.outcome}`,
      who,
      labels,
      attributes: {
        [KEEL.toolDecision]: end.decision,
        [KEEL.toolArgumentsDigest]: end.argumentsDigest,
        [KEEL.toolResultTokens]: end.resultTokens,
        [KEEL.toolResultBytes]: end.resultBytes,
        [KEEL.toolTruncated]: end.truncated,
      },
      fields: {
        tool_name: tool.name,
        tool_call_id: tool.id,
        effect: tool.effect,
        decision: end.decision,
        arguments_digest: end.argumentsDigest,
        result_tokens: end.resultTokens,
        result_bytes: end.resultBytes,
        truncated: end.truncated,
      },
      after: (latencyMs) => recorder.metrics.record(METRICS.toolDuration, latencyMs / 1000, labels),
    }),
  );
}
