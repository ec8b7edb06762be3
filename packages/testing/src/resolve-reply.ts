/**
 * From a scripted (or absent) reply to everything a renderer needs: the deterministic default
 * answer, text deltas, tool-call arguments as text, a finish reason and complete usage.
 */
import type { Usage } from '@keel/core';
import type { MockReply, MockServerToolCall, ScriptedReply } from './mock-reply';
import type { RequestSummary } from './request-summary';
import { sampleFromSchema } from './sample-from-schema';
import { estimateTokens, wordChunks } from './text-chunks';

/** A reply with every default filled in. */
export interface ResolvedReply {
  chunks: string[];
  text: string;
  reasoning?: string;
  reasoningSignature: string;
  toolCalls: Array<{ id?: string; name: string; arguments: string }>;
  serverToolCalls: MockServerToolCall[];
  citations: Array<Record<string, unknown>>;
  finishReason: 'stop' | 'length' | 'tool-calls' | 'content-filter';
  usage: Usage;
  model: string;
}

/**
 * The answer to an unscripted request, derived only from the request: a forced tool is called
 * with the smallest valid input, structured output gets the smallest valid JSON, anything else
 * a sentence quoting the user, cut to `maxTokens` words (finish reason `length`) when asked.
 */
export function defaultReply(summary: RequestSummary): MockReply {
  if (summary.forcedTool !== undefined && summary.tools.length > 0) {
    const tool = summary.tools.find((t) => t.name === summary.forcedTool) ?? summary.tools[0];
    if (tool)
      return { toolCalls: [{ name: tool.name, input: sampleFromSchema(tool.schema) ?? {} }] };
  }
  if (summary.json !== undefined) {
    return {
      text: JSON.stringify(
        summary.json === true ? { answer: 'mock' } : sampleFromSchema(summary.json),
      ),
    };
  }
  const quoted = summary.lastUserText.replace(/\s+/g, ' ').trim().slice(0, 80);
  const text = quoted === '' ? 'This is a mock answer.' : `This is a mock answer to "${quoted}".`;
  const words = wordChunks(text);
  if (summary.maxTokens !== undefined && summary.maxTokens < words.length) {
    return {
      text: words.slice(0, Math.max(0, summary.maxTokens)).join(''),
      finishReason: 'length',
    };
  }
  return { text };
}

/**
 * Fills in every default of `reply` for `summary`'s request. The `oversizedEventBytes` fault
 * becomes one extra text delta before the content.
 */
export function resolveReply(
  reply: ScriptedReply & Pick<MockReply, 'model' | 'faults'>,
  summary: RequestSummary,
): ResolvedReply {
  const oversized = reply.faults?.oversizedEventBytes;
  const chunks = [
    ...(oversized ? ['x'.repeat(oversized)] : []),
    ...(reply.chunks ?? wordChunks(reply.text ?? '')),
  ];
  const text = chunks.join('');
  const toolCalls = (reply.toolCalls ?? []).map((call) => ({
    id: call.id,
    name: call.name,
    arguments: call.arguments ?? JSON.stringify(call.input ?? {}),
  }));
  const reasoningTokens = reply.usage?.reasoningTokens ?? estimateTokens(reply.reasoning ?? '');
  const generated = text + toolCalls.map((call) => call.name + call.arguments).join('');
  return {
    chunks,
    text,
    reasoning: reply.reasoning,
    reasoningSignature:
      reply.reasoningSignature ?? `mock-signature-${estimateTokens(reply.reasoning ?? '')}`,
    toolCalls,
    serverToolCalls: reply.serverToolCalls ?? [],
    citations: reply.citations ?? [],
    finishReason: reply.finishReason ?? (toolCalls.length > 0 ? 'tool-calls' : 'stop'),
    usage: {
      inputTokens:
        reply.usage?.inputTokens ??
        Math.max(
          1,
          estimateTokens(summary.promptText),
          (reply.usage?.cacheReadTokens ?? 0) + (reply.usage?.cacheWriteTokens ?? 0),
        ),
      outputTokens:
        reply.usage?.outputTokens ?? Math.max(1, estimateTokens(generated) + reasoningTokens),
      cacheReadTokens: reply.usage?.cacheReadTokens ?? 0,
      cacheWriteTokens: reply.usage?.cacheWriteTokens ?? 0,
      reasoningTokens,
    },
    model: reply.model ?? summary.model,
  };
}
