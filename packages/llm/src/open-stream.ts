/**
 * Opening a call's stream: the provider request under the model's policies (retry, breaker,
 * first-byte timeout), then, when it fails before its first part, each fallback model in turn.
 * A stream counts as open once its first part has arrived.
 */
import type {
  CallObserver,
  ChatModel,
  ChatRequest,
  Clock,
  ModelCallEnd,
  StreamPart,
} from '@keel/core';
import { type LinkedSignal, linkSignals } from '@keel/core/internal';
import { type ExecuteOptions, fallback, type Policy } from '@keel/resilience';
import type { StreamStats } from '@keel/streaming';
import type { Answerer } from './call-account';
import { errorName } from './error-name';
import type { Driver, PromptCaching, ResponseInfo } from './providers/driver';
import type { LlmStream, StreamSummary, Timeouts } from './types';

/** A stream opened on some model: its parts, the first already read. */
export interface OpenedStream {
  iterator: AsyncIterator<StreamPart>;
  first: IteratorResult<StreamPart>;
  provider: string;
  /** Who answered, with a Keel model's own prices and ledger. */
  answerer: Answerer;
  /** A Keel fallback's own account of its call: its parts are priced and it bills itself. */
  summary?: Promise<StreamSummary>;
}

/** Every Keel model, with its ledger and prices: a Keel fallback accounts for its own call. */
const keelModels = new WeakMap<ChatModel, Omit<Answerer, 'modelId'>>();

/** Registers a Keel model, so that a model falling back to it lets it account for itself. */
export function registerKeelModel(model: ChatModel, own: Omit<Answerer, 'modelId'>): void {
  keelModels.set(model, own);
}

/** Options of {@link openStream}. */
export interface OpenStreamOptions {
  driver: Driver;
  policy: Policy;
  fallbacks: readonly ChatModel[];
  request: ChatRequest;
  maxTokens: number | undefined;
  promptCaching: PromptCaching | undefined;
  timeouts: Timeouts;
  clock: Clock;
  /** The call's own signal (the caller's, bounded by the total deadline). */
  signal: AbortSignal;
  observer: Required<CallObserver<ModelCallEnd>>;
  /** Filled with the provider's response id and model as they arrive. */
  response: ResponseInfo;
  onStats: (stats: StreamStats) => void;
  /** Called with the number of requests made so far, as each starts. */
  onAttempt: (attempts: number) => void;
  /** Linked signals handed to SDKs; the caller unlinks them when the call ends. */
  links: LinkedSignal[];
}

/**
 * Opens the call's stream on the primary model, else on the first fallback that answers.
 *
 * @throws the last failure when no model answered.
 */
export async function openStream(options: OpenStreamOptions): Promise<OpenedStream> {
  const { driver, policy, fallbacks, request, timeouts, clock, signal: callSignal } = options;
  const { observer, response, onStats, onAttempt, links } = options;
  let attempts = 0;

  const primary = (context: ExecuteOptions) =>
    policy.execute(async (attempt) => {
      attempts = attempt.attempt;
      onAttempt(attempts);
      if (attempts > 1) observer.event('retry', { attempt: attempts });
      const link = linkSignals([callSignal, attempt.signal]);
      links.push(link);
      const { signal } = link;
      const stream = await driver.open(
        {
          request,
          maxTokens: options.maxTokens,
          promptCaching: options.promptCaching,
          signal,
          adapter: {
            signal,
            clock,
            ...(timeouts.idleMs !== undefined && { idleTimeoutMs: timeouts.idleMs }),
            onStats,
          },
        },
        response,
      );
      const iterator = stream[Symbol.asyncIterator]();
      return {
        iterator,
        first: await iterator.next(),
        provider: driver.provider,
        answerer: { modelId: driver.modelId },
      } satisfies OpenedStream;
    }, context);

  const alternative = (model: ChatModel) => async (): Promise<OpenedStream> => {
    // Attempts count every request of the call, the primary's failed ones included.
    onAttempt(++attempts);
    const stream = model.stream(request, { signal: callSignal });
    const iterator = stream[Symbol.asyncIterator]();
    const keel = keelModels.get(model);
    return {
      iterator,
      first: await iterator.next(),
      provider: model.provider,
      answerer: { modelId: model.modelId, ...keel },
      ...(keel !== undefined && { summary: (stream as LlmStream).result }),
    };
  };

  if (fallbacks.length === 0) return primary({ signal: callSignal });
  return fallback([primary, ...fallbacks.map(alternative)], {
    signal: callSignal,
    onFallback: ({ from, to, error }) =>
      observer.event('fallback', { from, to, error: errorName(error) }),
  });
}
