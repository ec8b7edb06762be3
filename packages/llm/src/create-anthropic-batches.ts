/**
 * Anthropic Message Batches through the official SDK: Keel requests sent as one batch, its
 * `processing_status` polled until `ended`, its results streamed back as JSON Lines.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { type AnthropicClientOptions, anthropicClient } from './anthropic-client';
import {
  type BatchProvider,
  createBatchClient,
  itemFor,
  type ResultLine,
  unansweredOutcome,
} from './batch-client';
import type { BatchClient, BatchClientOptions } from './batch-types';
import { catalogueEntry } from './create-model';
import { MalformedBatchLineError } from './malformed-batch-line-error';
import { readAnthropicMessage, toAnthropicBatchRequest } from './providers/anthropic-batch';
import { FALLBACK_MAX_TOKENS } from './stream-call';

type WireLine = Anthropic.Messages.Batches.MessageBatchIndividualResponse;

/** Options of {@link createAnthropicBatches}. */
export interface AnthropicBatchOptions extends BatchClientOptions, AnthropicClientOptions {}

/** One result line as an outcome. */
async function readLine(
  batchId: string,
  { custom_id: customId, result }: WireLine,
  line: number,
  structured: boolean,
): Promise<ResultLine> {
  switch (result?.type) {
    case 'succeeded':
      return {
        line,
        customId,
        outcome: {
          status: 'succeeded',
          answer: await readAnthropicMessage(result.message, structured),
        },
      };
    case 'errored': {
      const { type = 'api_error', message = 'The request failed' } = result.error?.error ?? {};
      return { line, customId, outcome: { status: 'errored', error: { type, message } } };
    }
    case 'canceled':
    case 'expired':
      return { line, customId, outcome: unansweredOutcome(result.type) };
    default:
      throw new MalformedBatchLineError({
        batchId,
        line,
        problem: `has a result of unknown type ${JSON.stringify((result as { type?: unknown } | undefined)?.type)}`,
      });
  }
}

/**
 * A {@link BatchClient} on Anthropic's Message Batches. Requests are checked and built exactly
 * as `createAnthropicModel` builds them; answers come back as `BatchGenerateResult`s priced at
 * half the standard rates.
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
  const { model } = options;
  const { getClient } = anthropicClient(options);
  const maxTokens = catalogueEntry(model)?.maxOutputTokens ?? FALLBACK_MAX_TOKENS;
  const wire: BatchProvider<Anthropic.Messages.Batches.MessageBatch> = {
    provider: 'anthropic',
    api: 'anthropic',
    defaultMaxTokens: maxTokens,
    toWire: (customId, request, requestMaxTokens) =>
      toAnthropicBatchRequest(model, customId, request, requestMaxTokens ?? maxTokens),
    async create(requests, signal) {
      const client = await getClient();
      const batch = await client.messages.batches.create(
        { requests: requests as Anthropic.Messages.Batches.BatchCreateParams.Request[] },
        { signal },
      );
      return batch.id;
    },
    retrieve: async (id, signal) =>
      (await getClient()).messages.batches.retrieve(id, {}, { signal }),
    ended: (batch) => batch.processing_status === 'ended',
    async results(batch, record, signal) {
      const decoder = await (await getClient()).messages.batches.results(batch.id, {}, { signal });
      const lines: ResultLine[] = [];
      try {
        for await (const wireLine of decoder) {
          const line = lines.length + 1;
          const { item } = itemFor(record, wireLine?.custom_id, line);
          lines.push(await readLine(batch.id, wireLine, line, item.structured));
        }
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error;
        throw new MalformedBatchLineError({
          batchId: batch.id,
          line: lines.length + 1,
          problem: 'is not JSON',
        });
      }
      return lines;
    },
    // Every request of an ended batch has a line.
    unanswered: () => undefined,
  };
  return createBatchClient(wire, options);
}
