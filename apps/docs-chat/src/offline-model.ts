/**
 * The offline answerer: a `ChatModel` that needs no key and no network. It behaves as a small
 * agent over the app's tools: first it calls `search_docs` with the question (or `save_note`
 * when asked to save one), then it streams an extractive answer citing the chunks found,
 * word by word. It reports through the instrumentation seam and spends from the budget like
 * a real model (at a price of zero), so traces, the ledger and token limits see it too; each
 * call ends with a usage part (`costUsd: 0`) carrying the figures it reported, a cancelled call
 * too (then `finish: abort`).
 */
import {
  type ChatModel,
  type ChatRequest,
  EMPTY_USAGE,
  type Instrumentation,
  type StreamPart,
  sleep,
  type UsagePart,
} from '@keel/core';
import type { PackedChunk } from '@keel/retrieval';
import { collect } from '@keel/streaming';
import { type Budget, countTokens, type Reservation } from '@keel/tokens';
import { planOfflineStep } from './offline-plan';

/** The offline answerer's model id, as it appears in the ledger and traces. */
export const OFFLINE_MODEL_ID = 'keel-extractive';

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
  budget?: Budget;
  instrumentation?: Instrumentation;
  /** Called as each of its calls starts. */
  onStart?: () => void;
}

const ZERO_PRICES = { input: 0, output: 0 };

function requestText(request: ChatRequest): string {
  return [
    request.system ?? '',
    ...request.messages.map((message) => JSON.stringify(message.content)),
  ].join('\n');
}

/** Creates the offline answerer of one turn. */
export function createOfflineModel({
  question,
  sources,
  paceMs = 0,
  fallback = false,
  budget,
  instrumentation,
  onStart,
}: OfflineModelOptions): ChatModel {
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
    const inputTokens = await countTokens(requestText(request));
    const maxOutputTokens = request.maxTokens ?? 1_024;
    let reservation: Reservation | undefined;
    try {
      reservation = await budget?.reserve({
        model: OFFLINE_MODEL_ID,
        inputTokens,
        maxOutputTokens,
        prices: ZERO_PRICES,
      });
    } catch (error) {
      // Refused by the budget: the reported call ends here, having spent nothing.
      observer?.end({
        outcome: 'error',
        responseModel: OFFLINE_MODEL_ID,
        usage: EMPTY_USAGE,
        costUsd: 0,
        attempts: 1,
        finishReason: 'error',
      });
      throw error;
    }
    const step = planOfflineStep(question, request.messages, sources(), fallback);
    const finishReason = step.toolCall ? 'tool-calls' : 'stop';
    const started = performance.now();
    let sent = '';
    let firstTokenMs: number | undefined;
    let ended = false;
    /**
     * Settles the budget and reports the call, once, with what was streamed; returns the usage
     * part that says the same figures to the consumer.
     */
    const end = async (outcome: 'ok' | 'abort' | 'error'): Promise<UsagePart> => {
      const usage = { ...EMPTY_USAGE, inputTokens, outputTokens: await countTokens(sent) };
      if (!ended) {
        ended = true;
        if (reservation) await budget?.settle(reservation, usage);
        observer?.end({
          outcome,
          responseModel: OFFLINE_MODEL_ID,
          usage,
          costUsd: 0,
          attempts: 1,
          ...(firstTokenMs !== undefined && { timeToFirstTokenMs: firstTokenMs }),
          finishReason: outcome === 'ok' ? finishReason : outcome,
        });
      }
      return { type: 'usage', usage, costUsd: 0 };
    };
    let aborted = false;
    try {
      if (step.toolCall) {
        const toolCallId = `offline_${crypto.randomUUID()}`;
        firstTokenMs = performance.now() - started;
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
      yield await end(aborted ? 'abort' : 'ok');
      yield { type: 'finish', reason: aborted ? 'abort' : finishReason };
    } finally {
      // Reached without `end` when failed or abandoned by the consumer.
      if (!ended) await end(signal?.aborted ? 'abort' : 'error');
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
