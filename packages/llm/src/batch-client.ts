/**
 * The part of a batch client every provider shares: requests checked and recorded, the batch
 * waited for with backoff, each answer priced at the batch discount and put back at its
 * request's index. A {@link BatchProvider} supplies the wire.
 */
import { type ChatRequest, InvalidArgumentError, systemClock, type Usage } from '@keel/core';
import { retry } from '@keel/resilience';
import { type BatchRecord, type BatchRecordItem, createMemoryBatchStore } from './batch-store';
import type {
  BatchClient,
  BatchClientOptions,
  BatchGenerateResult,
  BatchItemFailure,
  BatchItemResult,
} from './batch-types';
import type { CollectedAnswer } from './collected-answer';
import { BATCH_DISCOUNTS, costOf } from './cost';
import { MalformedBatchLineError } from './malformed-batch-line-error';
import { batchCall, pollBatch } from './poll-batch';
import type { ProviderApi } from './providers/assert-provider-options';
import { UnknownBatchError } from './unknown-batch-error';
import { readyRequest } from './validate-request';

/** A provider's answer to one item, before pricing. */
export interface ItemAnswer extends CollectedAnswer {
  usage: Usage;
  responseModelId: string;
  responseId?: string;
}

/** What became of one item, as a provider reports it. */
export type ItemOutcome =
  | { status: 'succeeded'; answer: ItemAnswer }
  | { status: BatchItemFailure; error: { type: string; message: string } };

/** One line of a batch's results: which request it answers and how. */
export interface ResultLine {
  /** 1-based line number, for errors. */
  line: number;
  customId: unknown;
  outcome: ItemOutcome;
}

/** What a provider does for a batch client. `Status` is its batch object. */
export interface BatchProvider<Status> {
  readonly provider: keyof typeof BATCH_DISCOUNTS;
  /** The API its requests are checked against. */
  readonly api: ProviderApi;
  /** The output limit of a request that sets none (`undefined`: none is sent). */
  readonly defaultMaxTokens: number | undefined;
  /** One request in the provider's batch shape. */
  toWire(customId: string, request: ChatRequest, maxTokens: number | undefined): unknown;
  /** Sends the batch; resolves with the provider's batch id. */
  create(wire: unknown[], signal: AbortSignal): Promise<string>;
  retrieve(id: string, signal: AbortSignal): Promise<Status>;
  /** True once the batch will change no more. */
  ended(status: Status): boolean;
  /** Every result line of an ended batch; a batch that failed as a whole throws here. */
  results(status: Status, record: BatchRecord, signal: AbortSignal): Promise<ResultLine[]>;
  /** What became of a request no line answers, or undefined when that is malformed. */
  unanswered(status: Status): ItemOutcome | undefined;
}

/** What a canceled or expired item says, as data. */
const UNANSWERED = {
  canceled: 'The batch was canceled before this request ran; submit it again',
  expired: 'The batch expired (24 hours) before this request ran; submit it again',
} as const;

/** The outcome of a request the batch never ran. */
export function unansweredOutcome(status: keyof typeof UNANSWERED): ItemOutcome {
  return { status, error: { type: status, message: UNANSWERED[status] } };
}

/** The record item that `customId` names. */
export function itemFor(
  record: BatchRecord,
  customId: unknown,
  line: number,
): { index: number; item: BatchRecordItem } {
  const index = record.items.findIndex((item) => item.customId === customId);
  const item = record.items[index];
  if (item === undefined) {
    throw new MalformedBatchLineError({
      batchId: record.id,
      line,
      problem: `names custom_id ${JSON.stringify(customId)}, which the batch never had`,
    });
  }
  return { index, item };
}

/** A {@link BatchClient} over `wire`. */
export function createBatchClient<Status>(
  wire: BatchProvider<Status>,
  options: BatchClientOptions,
): BatchClient {
  const {
    model,
    store = createMemoryBatchStore(),
    polling = {},
    prices,
    clock = systemClock,
    random = Math.random,
  } = options;
  const policy = retry({ maxAttempts: 3, clock, ...options.retry });

  function priced(answer: ItemAnswer): BatchGenerateResult {
    const cost = costOf(answer.usage, model, {
      ...(prices !== undefined && { prices }),
      discount: BATCH_DISCOUNTS[wire.provider],
    });
    return { ...answer, cost, costUsd: cost?.total };
  }

  function itemResult(index: number, customId: string, outcome: ItemOutcome): BatchItemResult {
    return outcome.status === 'succeeded'
      ? { index, customId, status: 'succeeded', result: priced(outcome.answer) }
      : { index, customId, status: outcome.status, error: outcome.error };
  }

  const client: BatchClient = {
    provider: wire.provider,
    modelId: model,
    async submit(requests, { signal } = {}) {
      if (!Array.isArray(requests) || requests.length === 0) {
        throw new InvalidArgumentError({
          argument: 'requests',
          message: 'requests must be a non-empty array of chat requests',
        });
      }
      const items: BatchRecordItem[] = [];
      const lines = requests.map((given, index) => {
        const { request, maxTokens } = readyRequest(wire.api, given, wire.defaultMaxTokens);
        const customId = `request-${index}`;
        items.push({ customId, structured: request.responseFormat?.schema !== undefined });
        return wire.toWire(customId, request, maxTokens);
      });
      const id = await batchCall(policy, (attempt) => wire.create(lines, attempt), signal);
      await store.save({ id, provider: wire.provider, modelId: model, items });
      return { id, size: items.length };
    },
    async resume(id, { signal } = {}) {
      const record = await store.load(id);
      if (record === undefined) throw new UnknownBatchError({ batchId: id });
      const status = await pollBatch(
        (attempt) => wire.retrieve(id, attempt),
        (batch) => wire.ended(batch),
        { ...polling, policy, clock, random, ...(signal !== undefined && { signal }) },
      );
      const lines = await batchCall(
        policy,
        (attempt) => wire.results(status, record, attempt),
        signal,
      );
      const results: BatchItemResult[] = [];
      for (const { line, customId, outcome } of lines) {
        const { index, item } = itemFor(record, customId, line);
        results[index] = itemResult(index, item.customId, outcome);
      }
      for (const [index, item] of record.items.entries()) {
        if (results[index] !== undefined) continue;
        const outcome = wire.unanswered(status);
        if (outcome === undefined) {
          throw new MalformedBatchLineError({
            batchId: id,
            line: lines.length + 1,
            problem: `is missing: no line answers custom_id ${item.customId}`,
          });
        }
        results[index] = itemResult(index, item.customId, outcome);
      }
      await store.delete(id);
      return results;
    },
    async run(requests, callOptions = {}) {
      const { id } = await client.submit(requests, callOptions);
      return client.resume(id, callOptions);
    },
  };
  return client;
}
