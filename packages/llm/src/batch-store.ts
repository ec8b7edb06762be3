/**
 * Where a batch client keeps what it needs to collect a batch after a restart: the provider's
 * batch id and, per request, its `custom_id` and how its answer is read.
 */

/** One request of a submitted batch, in submission order. */
export interface BatchRecordItem {
  /** The `custom_id` it was sent with. */
  customId: string;
  /** True when it asked for JSON through a schema (Anthropic answers through a forced tool). */
  structured: boolean;
}

/** A submitted batch, as JSON-serialisable data. */
export interface BatchRecord {
  /** The provider's batch id. */
  id: string;
  provider: string;
  modelId: string;
  /** The batch's requests: item `i` is the request at index `i` of the submitted array. */
  items: BatchRecordItem[];
}

/**
 * Keeps batch records. Every method may answer with a promise, so the store can be a file, a
 * Redis hash or a database table: save the record as JSON under its `id`.
 *
 * @example
 * ```ts
 * const store: BatchStore = {
 *   save: (record) => redis.set(`batch:${record.id}`, JSON.stringify(record)).then(() => {}),
 *   load: async (id) => JSON.parse((await redis.get(`batch:${id}`)) ?? 'null') ?? undefined,
 *   delete: (id) => redis.del(`batch:${id}`).then(() => {}),
 * };
 * ```
 */
export interface BatchStore {
  save(record: BatchRecord): void | Promise<void>;
  load(id: string): BatchRecord | undefined | Promise<BatchRecord | undefined>;
  /** Called once a batch's results are collected. */
  delete(id: string): void | Promise<void>;
}

/**
 * A store in this process's memory: the default. It forgets on restart; pass a persistent
 * {@link BatchStore} to resume batches across restarts.
 *
 * @example
 * ```ts
 * const batches = createAnthropicBatches({ model: 'claude-haiku-4-5', store: createMemoryBatchStore() });
 * ```
 */
export function createMemoryBatchStore(): BatchStore {
  const records = new Map<string, BatchRecord>();
  return {
    save(record) {
      records.set(record.id, structuredClone(record));
    },
    load(id) {
      const record = records.get(id);
      return record === undefined ? undefined : structuredClone(record);
    },
    delete(id) {
      records.delete(id);
    },
  };
}
