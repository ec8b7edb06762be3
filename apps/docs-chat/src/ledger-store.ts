/**
 * The cost ledger in the database: one row per model call (aborted and failed calls
 * included, billed for what arrived), and the sums GET /api/usage and the daily budgets read.
 */
import type { UsageTotals } from './chat-events';
import type { Database } from './database';
import { toStorable } from './storable-text';

/** One model call. */
export interface LedgerEntry {
  userId: string;
  conversationId?: string;
  feature: string;
  provider: string;
  model: string;
  outcome: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  costUsd: number;
}

/** Sums of calls. */
export interface LedgerTotals extends UsageTotals {
  calls: number;
}

/** What GET /api/usage returns. */
export interface UsageReport {
  total: LedgerTotals;
  byUser: Record<string, LedgerTotals>;
  byFeature: Record<string, LedgerTotals>;
  byModel: Record<string, LedgerTotals>;
}

/** The ledger. */
export interface LedgerStore {
  record(entry: LedgerEntry): Promise<void>;
  report(): Promise<UsageReport>;
  /**
   * What `userId` spent since `since` on billable calls: every call but the offline answerer's
   * own (provider `offline`), which nobody bills. A fallback answer inside a provider's call
   * counts, as that call spent it from the budget.
   */
  spentSince(userId: string, since: Date): Promise<{ tokens: number; costUsd: number }>;
}

interface SumRow {
  key: string;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

const totals = (row: SumRow | undefined): LedgerTotals => ({
  calls: row?.calls ?? 0,
  inputTokens: row?.input_tokens ?? 0,
  outputTokens: row?.output_tokens ?? 0,
  costUsd: row?.cost_usd ?? 0,
});

const SUMS = `count(*)::int as calls, coalesce(sum(input_tokens), 0)::int as input_tokens,
  coalesce(sum(output_tokens), 0)::int as output_tokens, coalesce(sum(cost_usd), 0)::float8 as cost_usd`;

/** The ledger over `db`. */
export function createLedgerStore(db: Database): LedgerStore {
  async function grouped(column: string): Promise<Record<string, LedgerTotals>> {
    const result = await db.query<SumRow>(
      `select ${column} as key, ${SUMS} from ledger group by ${column} order by ${column}`,
    );
    return Object.fromEntries(result.rows.map((row) => [row.key, totals(row)]));
  }

  return {
    async record(entry) {
      await db.query(
        `insert into ledger (user_id, conversation_id, feature, provider, model, outcome,
           input_tokens, output_tokens, cache_read_tokens, cost_usd)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          toStorable(entry.userId),
          entry.conversationId === undefined ? null : toStorable(entry.conversationId),
          toStorable(entry.feature),
          toStorable(entry.provider),
          // The model id the provider answered with: not ours to refuse.
          toStorable(entry.model),
          entry.outcome,
          entry.inputTokens,
          entry.outputTokens,
          entry.cacheReadTokens,
          entry.costUsd,
        ],
      );
    },

    async report() {
      const total = await db.query<SumRow>(`select '' as key, ${SUMS} from ledger`);
      return {
        total: totals(total.rows[0]),
        byUser: await grouped('user_id'),
        byFeature: await grouped('feature'),
        byModel: await grouped(`provider || ':' || model`),
      };
    },

    async spentSince(userId, since) {
      const result = await db.query<SumRow>(
        `select '' as key, ${SUMS} from ledger
           where user_id = $1 and at >= $2 and provider <> 'offline'`,
        [userId, since],
      );
      const row = totals(result.rows[0]);
      return { tokens: row.inputTokens + row.outputTokens, costUsd: row.costUsd };
    },
  };
}
