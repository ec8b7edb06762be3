/**
 * OpenAI's Batch API through the official SDK: Keel requests written as a JSONL input file and
 * uploaded with purpose `batch`, a batch created for Chat Completions with a 24-hour window, its
 * status polled until it ends, and its output and error files read back line by line.
 */
import type OpenAI from 'openai';
import {
  type BatchProvider,
  createBatchClient,
  type ItemOutcome,
  type ResultLine,
  unansweredOutcome,
} from './batch-client';
import { BatchFailedError } from './batch-failed-error';
import type { BatchClient, BatchClientOptions } from './batch-types';
import { MalformedBatchLineError } from './malformed-batch-line-error';
import { type OpenAIClientOptions, openAIClient } from './openai-client';
import {
  OPENAI_BATCH_ENDPOINT,
  readOpenAICompletion,
  toOpenAIBatchLine,
} from './providers/openai-batch';

/** Options of {@link createOpenAIBatches}. */
export interface OpenAIBatchOptions extends BatchClientOptions, OpenAIClientOptions {}

/** Statuses after which a batch changes no more. */
const ENDED: ReadonlySet<OpenAI.Batch['status']> = new Set([
  'completed',
  'failed',
  'expired',
  'cancelled',
]);

/** Per-request error codes of requests that never ran, and what became of them. */
const NOT_RUN: Readonly<Record<string, 'expired' | 'canceled'>> = {
  batch_expired: 'expired',
  batch_cancelled: 'canceled',
};

interface WireLine {
  custom_id?: unknown;
  response?: { status_code?: number; body?: unknown } | null;
  error?: { code?: string | null; message?: string | null } | null;
}

/** One output- or error-file line as an outcome, or undefined when it says neither. */
async function outcomeOf({ response, error }: WireLine): Promise<ItemOutcome | undefined> {
  if (response?.status_code === 200) {
    const body = response.body as OpenAI.Chat.ChatCompletion | undefined;
    if (!Array.isArray(body?.choices)) return undefined;
    return { status: 'succeeded', answer: await readOpenAICompletion(body) };
  }
  if (response != null) {
    const wire = (response.body as { error?: { type?: string; code?: string; message?: string } })
      ?.error;
    return {
      status: 'errored',
      error: {
        type: wire?.type ?? wire?.code ?? `http_${response.status_code}`,
        message: wire?.message ?? `The request failed with status ${response.status_code}`,
      },
    };
  }
  if (error != null) {
    const code = error.code ?? 'batch_error';
    const notRun = NOT_RUN[code];
    if (notRun !== undefined) return unansweredOutcome(notRun);
    return {
      status: 'errored',
      error: { type: code, message: error.message ?? 'The request failed' },
    };
  }
  return undefined;
}

/**
 * A {@link BatchClient} on OpenAI's Batch API (Chat Completions). Requests are checked and built
 * exactly as `createOpenAIModel` builds them for Chat Completions; answers come back as
 * `BatchGenerateResult`s priced at half the standard rates.
 *
 * @throws MissingApiKeyError when there is no key, no base URL and no client.
 * @example
 * ```ts
 * const batches = createOpenAIBatches({ model: 'gpt-4o-mini' });
 * const results = await batches.run(texts.map((text) => ({ messages: [{ role: 'user', content: text }] })));
 * const answered = results.filter((item) => item.status === 'succeeded');
 * ```
 */
export function createOpenAIBatches(options: OpenAIBatchOptions): BatchClient {
  const { model } = options;
  const { getClient } = openAIClient(options);

  /** The lines of one result file, numbered from `first`. */
  async function fileLines(
    batchId: string,
    fileId: string | null | undefined,
    first: number,
    signal: AbortSignal,
  ): Promise<ResultLine[]> {
    if (fileId == null) return [];
    const text = await (await (await getClient()).files.content(fileId, { signal })).text();
    const lines: ResultLine[] = [];
    for (const raw of text.split('\n')) {
      if (raw.trim() === '') continue;
      const line = first + lines.length;
      let wire: WireLine;
      try {
        wire = JSON.parse(raw) as WireLine;
      } catch {
        throw new MalformedBatchLineError({ batchId, line, problem: 'is not JSON' });
      }
      const outcome = await outcomeOf(wire ?? {});
      if (outcome === undefined) {
        throw new MalformedBatchLineError({
          batchId,
          line,
          problem: 'has neither a completion, an error response nor an error',
        });
      }
      lines.push({ line, customId: wire.custom_id, outcome });
    }
    return lines;
  }

  const wire: BatchProvider<OpenAI.Batch> = {
    provider: 'openai',
    api: 'openai-chat',
    defaultMaxTokens: undefined,
    toWire: (customId, request, maxTokens) =>
      toOpenAIBatchLine(model, customId, request, maxTokens),
    async create(lines, signal) {
      const client = await getClient();
      const text = lines.map((line) => `${JSON.stringify(line)}\n`).join('');
      const file = await client.files.create(
        { file: new File([text], 'batch.jsonl', { type: 'application/jsonl' }), purpose: 'batch' },
        { signal },
      );
      const batch = await client.batches.create(
        { input_file_id: file.id, endpoint: OPENAI_BATCH_ENDPOINT, completion_window: '24h' },
        { signal },
      );
      return batch.id;
    },
    retrieve: async (id, signal) => (await getClient()).batches.retrieve(id, { signal }),
    ended: (batch) => ENDED.has(batch.status),
    async results(batch, _record, signal) {
      if (batch.status === 'failed') {
        throw new BatchFailedError({
          batchId: batch.id,
          failures: (batch.errors?.data ?? []).map(({ code, message, line }) => ({
            code: code ?? 'failed',
            message: message ?? 'The batch failed',
            ...(line != null && { line }),
          })),
        });
      }
      const output = await fileLines(batch.id, batch.output_file_id, 1, signal);
      const errors = await fileLines(batch.id, batch.error_file_id, output.length + 1, signal);
      return [...output, ...errors];
    },
    unanswered: (batch) =>
      batch.status === 'expired'
        ? unansweredOutcome('expired')
        : batch.status === 'cancelled'
          ? unansweredOutcome('canceled')
          : undefined,
  };
  return createBatchClient(wire, options);
}
