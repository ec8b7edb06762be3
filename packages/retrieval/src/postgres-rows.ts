/**
 * The reads and deletes by id the PostgreSQL stores share (the vector store and the text index
 * both keep one row per document, keyed by a text `id`).
 */
import type { SqlClient } from '@keel/core';
import { runQuery } from '@keel/core/internal';
import { assertId } from './vector-store';

/** Counting, finding and deleting a table's rows by id; see {@link rowsById}. */
export interface RowsById {
  count(): Promise<number>;
  has(id: string): Promise<boolean>;
  /** Deletes the rows of `ids` (each checked first); resolves to how many there were. */
  remove(ids: readonly string[]): Promise<number>;
}

/**
 * The queries of `quoted` (a table name from `tableName`), failing as `<store>.<operation>`.
 *
 * @example
 * ```ts
 * const rows = rowsById(sql, '"chunk_vectors"', 'pg-vector-store');
 * await rows.remove(['guide.md#0']); // 1
 * ```
 */
export function rowsById(sql: SqlClient, quoted: string, store: string): RowsById {
  return {
    async count() {
      const [row] = await runQuery<{ count: number }>(
        sql,
        `${store}.count`,
        `select count(*)::int as count from ${quoted}`,
      );
      return Number(row?.count ?? 0);
    },
    async has(id) {
      const found = await runQuery(sql, `${store}.has`, `select 1 from ${quoted} where id = $1`, [
        id,
      ]);
      return found.length > 0;
    },
    async remove(ids) {
      for (const id of ids) assertId(id);
      const removed = await runQuery(
        sql,
        `${store}.delete`,
        `delete from ${quoted} where id = any($1::text[]) returning id`,
        [[...ids]],
      );
      return removed.length;
    },
  };
}
