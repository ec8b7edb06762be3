/**
 * The approval store that keeps pending tool-call approvals in the database, so a person's
 * decision still works after a restart or on another replica.
 */
import type { ApprovalStore, PendingApproval } from '@keel/tools';
import type { Database } from './database';
import { storableJson } from './storable-text';

/**
 * Pending approvals in `db`; `take` deletes and returns in one statement, so an approval is
 * used at most once.
 *
 * @example
 * ```ts
 * const approvals = createDatabaseApprovalStore(db);
 * await approvals.take(token); // the pending approval, or undefined once taken
 * ```
 */
export function createDatabaseApprovalStore(db: Database): ApprovalStore {
  return {
    async save(approval) {
      await db.query(
        'insert into approvals (token, approval) values ($1, $2) on conflict (token) do update set approval = excluded.approval',
        [approval.token, storableJson(approval)],
      );
    },
    async take(token) {
      const result = await db.query<{ approval: PendingApproval }>(
        'delete from approvals where token = $1 returning approval',
        [token],
      );
      return result.rows[0]?.approval;
    },
  };
}
