/**
 * What a batch client takes and returns, the same for every provider.
 */
import type { ChatRequest, Clock, GenerateResult } from '@keel/core';
import type { RetryOptions } from '@keel/resilience';
import type { CostBreakdown, ModelPrices } from '@keel/tokens';
import type { BatchStore } from './batch-store';
import type { BatchPolling } from './poll-batch';

/** A batch item's answer: a {@link GenerateResult} priced at the batch discount. */
export interface BatchGenerateResult extends GenerateResult {
  /** The cost part by part at the batch rates; `undefined` when the price is unknown. */
  cost: CostBreakdown | undefined;
}

/** Why a batch item has no answer. */
export type BatchItemFailure = 'errored' | 'canceled' | 'expired';

/**
 * One request's outcome, at its index in the submitted array. A failed item is data here: one
 * request's error never fails the batch.
 */
export type BatchItemResult =
  | { index: number; customId: string; status: 'succeeded'; result: BatchGenerateResult }
  | {
      index: number;
      customId: string;
      status: BatchItemFailure;
      /** The provider's error type (`invalid_request_error`, ...) and message. */
      error: { type: string; message: string };
    };

/** A batch the provider accepted. */
export interface SubmittedBatch {
  /** The provider's batch id: the handle for {@link BatchClient.resume}. */
  id: string;
  /** How many requests it holds. */
  size: number;
}

/** Per-call options of a batch client. */
export interface BatchCallOptions {
  /** Stops submitting or waiting; the batch itself keeps running at the provider. */
  signal?: AbortSignal;
}

/** Submits chat requests as one provider batch and collects the answers. */
export interface BatchClient {
  readonly provider: string;
  readonly modelId: string;
  /** Checks and sends `requests` as one batch, and records it in the store. */
  submit(requests: ChatRequest[], options?: BatchCallOptions): Promise<SubmittedBatch>;
  /**
   * Waits for batch `id` to end and returns one result per request, in submission order; the
   * batch is then removed from the store. Works after a restart given the same store.
   */
  resume(id: string, options?: BatchCallOptions): Promise<BatchItemResult[]>;
  /** `submit`, then `resume`. */
  run(requests: ChatRequest[], options?: BatchCallOptions): Promise<BatchItemResult[]>;
}

/** Options every batch client takes. */
export interface BatchClientOptions {
  /** The model id, e.g. `'claude-haiku-4-5'`. */
  model: string;
  /** Where submitted batches are recorded; default an in-memory store. */
  store?: BatchStore;
  /** How long to wait between status checks. */
  polling?: BatchPolling;
  /** Retries of a failed API call (submit, status check, results); default 3 attempts. */
  retry?: RetryOptions;
  /** Standard prices to use instead of the catalogue's; the batch discount is taken off them. */
  prices?: ModelPrices;
  clock?: Clock;
  /** Random numbers in [0, 1) for the polling jitter; default Math.random. */
  random?: () => number;
}
