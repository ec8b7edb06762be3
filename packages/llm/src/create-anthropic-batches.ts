/**
 * Anthropic Message Batches through the official SDK: submit Keel requests as one batch, wait
 * for it with backoff, and read each result line back as a Keel answer priced at the batch
 * discount.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { type ChatRequest, InvalidArgumentError, systemClock } from '@keel/core';
import { retry } from '@keel/resilience';
import { type AnthropicClientOptions, anthropicClient } from './anthropic-client';
import { type BatchRecord, type BatchRecordItem, createMemoryBatchStore } from './batch-store';
import type {
  BatchClient,
  BatchClientOptions,
  BatchGenerateResult,
  BatchItemResult,
} from './batch-types';
import { BATCH_DISCOUNTS, costOf } from './cost';
import { catalogueEntry } from './create-model';
import { MalformedBatchLineError } from './malformed-batch-line-error';
import { batchCall, pollBatch } from './poll-batch';
import { readAnthropicMessage, toAnthropicBatchRequest } from './providers/anthropic-batch';
import { FALLBACK_MAX_TOKENS } from './stream-call';
import { UnknownBatchError } from './unknown-batch-error';
import { readyRequest } from './validate-request';

type ResultLine = Anthropic.Messages.Batches.MessageBatchIndividualResponse;

/** Options of {@link createAnthropicBatches}. */
export interface AnthropicBatchOptions extends BatchClientOptions, AnthropicClientOptions {}

/** What a canceled or expired item says, as data. */
const UNANSWERED = {
  canceled: 'The batch was canceled before this request ran; submit it again',
  expired: 'The batch expired (24 hours) before this request ran; submit it again',
} as const;

/**
 * A {@link BatchClient} on Anthropic's Message Batches. Requests are checked and built exactly
 * as `createAnthropicModel` builds them; answers come back as {@link BatchGenerateResult}s,
 * priced at half the standard rates.
 *
 * @throws MissingApiKeyError when there is no key and no client.
 * @example
 * ```ts
 * const batches = createAnthropicBatches({ model: 'claude-haiku-4-5' });
 * const { id } = await batches.submit(questions.map((q) => ({ messages: [{ role: 'user', content: q }] })));
 * for (const item of await batches.resume(id)) {
 *   if (item.status === 'succeeded') console.log(item.index, item.result.text, item.result.costUsd);
 * }
 * ```
 */
export function createAnthropicBatches(options: AnthropicBatchOptions): BatchClient {
  const {
    model,
    store = createMemoryBatchStore(),
    polling = {},
    prices,
    clock = systemClock,
    random = Math.random,
  } = options;
  const { getClient } = anthropicClient(options);
  const policy = retry({ maxAttempts: 3, clock, ...options.retry });
  const maxTokens = catalogueEntry(model)?.maxOutputTokens ?? FALLBACK_MAX_TOKENS;

  /** A succeeded line as a priced answer. */
  async function answer(message: Anthropic.Message, item: BatchRecordItem) {
    const read = await readAnthropicMessage(message, item.structured);
    const cost = costOf(read.usage, model, {
      ...(prices !== undefined && { prices }),
      discount: BATCH_DISCOUNTS.anthropic,
    });
    return { ...read, cost, costUsd: cost?.total } satisfies BatchGenerateResult;
  }

  /** One result line as the outcome of the request it answers. */
  async function readLine(
    record: BatchRecord,
    line: ResultLine,
    number: number,
  ): Promise<BatchItemResult> {
    const index = record.items.findIndex((item) => item.customId === line?.custom_id);
    const item = record.items[index];
    if (item === undefined) {
      throw new MalformedBatchLineError({
        batchId: record.id,
        line: number,
        problem: `names custom_id ${JSON.stringify(line?.custom_id)}, which the batch never had`,
      });
    }
    const { customId } = item;
    const { result } = line;
    switch (result?.type) {
      case 'succeeded':
        return { index, customId, status: 'succeeded', result: await answer(result.message, item) };
      case 'errored': {
        const { type = 'api_error', message = 'The request failed' } = result.error?.error ?? {};
        return { index, customId, status: 'errored', error: { type, message } };
      }
      case 'canceled':
      case 'expired':
        return {
          index,
          customId,
          status: result.type,
          error: { type: result.type, message: UNANSWERED[result.type] },
        };
      default:
        throw new MalformedBatchLineError({
          batchId: record.id,
          line: number,
          problem: `has a result of unknown type ${JSON.stringify((result as { type?: unknown } | undefined)?.type)}`,
        });
    }
  }

  /** Every line of an ended batch's results, in order. */
  function readResults(id: string, signal: AbortSignal | undefined): Promise<ResultLine[]> {
    return batchCall(
      policy,
      async (attempt) => {
        const lines: ResultLine[] = [];
        const decoder = await (await getClient()).messages.batches.results(
          id,
          {},
          { signal: attempt },
        );
        try {
          for await (const line of decoder) lines.push(line);
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
          throw new MalformedBatchLineError({
            batchId: id,
            line: lines.length + 1,
            problem: 'is not JSON',
          });
        }
        return lines;
      },
      signal,
    );
  }

  const client: BatchClient = {
    provider: 'anthropic',
    modelId: model,
    async submit(requests: ChatRequest[], { signal } = {}) {
      if (!Array.isArray(requests) || requests.length === 0) {
        throw new InvalidArgumentError({
          argument: 'requests',
          message: 'requests must be a non-empty array of chat requests',
        });
      }
      const items: BatchRecordItem[] = [];
      const wire = requests.map((given, index) => {
        const ready = readyRequest('anthropic', given, maxTokens);
        const customId = `request-${index}`;
        items.push({ customId, structured: ready.request.responseFormat?.schema !== undefined });
        return toAnthropicBatchRequest(
          model,
          customId,
          ready.request,
          ready.maxTokens ?? maxTokens,
        );
      });
      const batch = await batchCall(
        policy,
        async (attempt) =>
          (await getClient()).messages.batches.create({ requests: wire }, { signal: attempt }),
        signal,
      );
      await store.save({ id: batch.id, provider: 'anthropic', modelId: model, items });
      return { id: batch.id, size: items.length };
    },
    async resume(id, { signal } = {}) {
      const record = await store.load(id);
      if (record === undefined) throw new UnknownBatchError({ batchId: id });
      await pollBatch(
        async (attempt) =>
          (await getClient()).messages.batches.retrieve(id, {}, { signal: attempt }),
        (batch) => batch.processing_status === 'ended',
        { ...polling, policy, clock, random, ...(signal !== undefined && { signal }) },
      );
      const lines = await readResults(id, signal);
      const results: BatchItemResult[] = [];
      for (const [i, line] of lines.entries()) {
        const result = await readLine(record, line, i + 1);
        results[result.index] = result;
      }
      const missing = record.items.findIndex((_, index) => results[index] === undefined);
      if (missing !== -1) {
        throw new MalformedBatchLineError({
          batchId: id,
          line: lines.length + 1,
          problem: `is missing: no line answers custom_id ${record.items[missing]?.customId}`,
        });
      }
      await store.delete(id);
      return results;
    },
    async run(requests, options = {}) {
      const { id } = await client.submit(requests, options);
      return client.resume(id, options);
    },
  };
  return client;
}
