/**
 * The offline answerer: a `ChatModel` that needs no key and no network. It behaves as a small
 * agent over the app's tools: first it calls `search_docs` with the question, each of its parts
 * and then perhaps the name its answer points to (or `save_note` when asked to save one), then
 * it streams an extractive answer citing the chunks found, word by word. It reports through the
 * instrumentation seam like a real model, at a price of zero, with the tokens it actually
 * processes (input: what its step read, `OfflineStep.read`; output: the words it streamed, or
 * its tool call's arguments): each call ends with a usage part (`costUsd: 0`) carrying the very
 * figures it reported, a cancelled call too (then `finish: abort`). It spends no budget: nothing
 * bills it.
 */
import {
  type ChatModel,
  type ChatRequest,
  EMPTY_USAGE,
  type Instrumentation,
  type StreamPart,
  sleep,
  type Usage,
} from '@keel/core';
import type { PackedChunk } from '@keel/retrieval';
import { collect } from '@keel/streaming';
import { countTokens, defineModel } from '@keel/tokens';
import { planOfflineStep } from './offline-plan';
import { unquotable } from './unquotable';

/** The offline answerer's model id, as it appears in the ledger and traces. */
export const OFFLINE_MODEL_ID = 'keel-extractive';

/**
 * Puts the offline answerer in `@keel/tokens`' catalogue at $0, so that when it answers as a
 * fallback inside a `@keel/llm` call, that call prices and settles its answer at $0 (the
 * ledger's figure) rather than at the failed model's prices. Safe to call more than once.
 */
export function defineOfflineModel(): void {
  defineModel({
    id: OFFLINE_MODEL_ID,
    provider: 'offline',
    contextWindow: Number.POSITIVE_INFINITY,
    maxOutputTokens: Number.POSITIVE_INFINITY,
    tokenizer: 'o200k_base',
    prices: { input: 0, output: 0 },
  });
}

/** Options of {@link createOfflineModel}. */
export interface OfflineModelOptions {
  /** The user's question (the request carries it wrapped in the prompt). */
  question: string;
  /** The chunks retrieved so far in this turn, most relevant first. */
  sources: () => readonly PackedChunk[];
  /** Milliseconds between streamed words; 0 streams at once. */
  paceMs?: number;
  /** Says the answer is a fallback because the configured model failed. */
  fallback?: boolean;
  /**
   * Hosts the deployment trusts (`DOCS_CHAT_ALLOWED_HOSTS`): a unit pointing readers at any
   * other host or e-mail domain is never quoted (see {@link unquotable}).
   */
  allowedHosts?: readonly string[];
  instrumentation?: Instrumentation;
  /** Called as each of its calls starts. */
  onStart?: () => void;
}

/** Creates the offline answerer of one turn. */
export function createOfflineModel({
  question,
  sources,
  paceMs = 0,
  fallback = false,
  allowedHosts = [],
  instrumentation,
  onStart,
}: OfflineModelOptions): ChatModel {
  const exclude = unquotable({ allowedHosts });
  async function* stream(
    request: ChatRequest,
    { signal }: { signal?: AbortSignal } = {},
  ): AsyncGenerator<StreamPart> {
    signal?.throwIfAborted();
    onStart?.();
    const observer = instrumentation?.startModelCall?.({
      operation: 'stream',
      provider: 'offline',
      requestModel: OFFLINE_MODEL_ID,
      ...(request.metadata && { metadata: request.metadata }),
    });
    const started = performance.now();
    let finishReason: 'tool-calls' | 'stop' = 'stop';
    let inputTokens: number | undefined;
    // What it streamed: the answer's words, or the tool call's arguments.
    let sent = '';
    let firstTokenMs: number | undefined;
    let usage: Usage | undefined;
    /**
     * The call's usage, counted once, and the call reported once with it: the usage part
     * hands the consumer this same figure.
     */
    const end = async (outcome: 'ok' | 'abort' | 'error'): Promise<Usage> => {
      if (usage) return usage;
      const counted = {
        ...EMPTY_USAGE,
        inputTokens: inputTokens ?? 0,
        outputTokens: await countTokens(sent),
      };
      usage = counted;
      observer?.end({
        outcome,
        responseModel: OFFLINE_MODEL_ID,
        usage: counted,
        costUsd: 0,
        attempts: 1,
        ...(firstTokenMs !== undefined && { timeToFirstTokenMs: firstTokenMs }),
        finishReason: outcome === 'ok' ? finishReason : outcome,
      });
      return counted;
    };
    let aborted = false;
    try {
      const read = sources();
      const step = planOfflineStep(question, request.messages, read, { fallback, exclude });
      if (step.toolCall) finishReason = 'tool-calls';
      inputTokens = await countTokens(step.read);
      if (step.toolCall) {
        const toolCallId = `offline_${crypto.randomUUID()}`;
        firstTokenMs = performance.now() - started;
        sent = JSON.stringify(step.toolCall.input);
        yield { type: 'tool-call-start', toolCallId, toolName: step.toolCall.name };
        yield {
          type: 'tool-call',
          toolCallId,
          toolName: step.toolCall.name,
          input: step.toolCall.input,
        };
      } else {
        for (const [index, word] of step.text.split(/(?<=\s)/).entries()) {
          if (index > 0 && paceMs > 0) {
            await sleep(paceMs, signal ? { signal } : {}).catch(() => {});
          }
          // A cancelled call ends as the stream contract says: its usage, then `finish: abort`.
          if (signal?.aborted) {
            aborted = true;
            break;
          }
          firstTokenMs ??= performance.now() - started;
          sent += word;
          yield { type: 'text-delta', text: word };
        }
      }
      yield { type: 'usage', usage: await end(aborted ? 'abort' : 'ok'), costUsd: 0 };
      yield { type: 'finish', reason: aborted ? 'abort' : finishReason };
    } finally {
      // Reached without `end` when failed or abandoned by the consumer.
      if (!usage) await end(signal?.aborted ? 'abort' : 'error');
    }
  }

  return {
    provider: 'offline',
    modelId: OFFLINE_MODEL_ID,
    stream,
    async generate(request, options) {
      const { text, toolCalls, finishReason, usage } = await collect(stream(request, options));
      if (finishReason === 'abort') throw options?.signal?.reason;
      return {
        text,
        toolCalls,
        finishReason,
        usage,
        costUsd: 0,
        responseModelId: OFFLINE_MODEL_ID,
      };
    },
  };
}
