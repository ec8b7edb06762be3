/**
 * Conversations and their turns in the database. A turn is a user row and an assistant row
 * written together before the answer starts, so a crash mid-answer loses nothing the user
 * typed; the assistant row is completed (text, citations, usage, outcome) when the turn ends.
 * What a model produced is stored cleaned of what the database cannot hold (`toStorable`), so
 * an answer is never lost for a NUL in it.
 * Callers serialise turns of one conversation (see `createKeyedMutex`, and across replicas
 * `createConversationLock`), so seq numbers never interleave; a conversation is deleted under
 * the same lock, so no turn writes to it meanwhile.
 */
import type { Message } from '@keel/core';
import type { PackedChunk } from '@keel/retrieval';
import type { AgentState } from '@keel/tools';
import type {
  ApprovalRequest,
  CitedSource,
  ToolLine,
  TurnOutcome,
  UsageTotals,
} from './chat-events';
import type { Database } from './database';
import { storableJson, toStorable } from './storable-text';
import { addTotals, ZERO_USAGE } from './usage-totals';

/** A stored turn half, as GET /api/conversations/:id returns it. */
export interface TurnView {
  seq: number;
  turnId: string;
  role: 'user' | 'assistant';
  text: string;
  citations: CitedSource[];
  /** Assistant rows: the tools the answer called, with their last status. */
  tools: ToolLine[];
  /** The last assistant row, when it waits for approval: the calls to decide. */
  pendingApprovals?: ApprovalRequest[];
  usage?: UsageTotals;
  /** Assistant rows: `streaming` while the answer runs, then how it ended. */
  outcome?: TurnOutcome | 'streaming' | 'interrupted';
  createdAt: string;
}

/** A conversation with its turns and usage totals. */
export interface ConversationView {
  id: string;
  createdAt: string;
  turns: TurnView[];
  usage: UsageTotals;
}

/** What a turn waiting for approval keeps, to resume once the decisions arrive. */
export interface PendingState {
  agent: AgentState;
  /** The chunks the turn could cite. */
  sources: PackedChunk[];
  question: string;
}

/** An assistant turn waiting for approval decisions. */
export interface PendingTurn {
  seq: number;
  turnId: string;
  text: string;
  tools: ToolLine[];
  usage: UsageTotals;
  state: PendingState;
}

/** How an assistant turn ended. */
export interface TurnEnd {
  text: string;
  citations: CitedSource[];
  tools: ToolLine[];
  usage: UsageTotals;
  outcome: TurnOutcome;
  /** Kept while the turn waits for approval. */
  state?: PendingState;
}

interface TurnRow {
  seq: number;
  turn_id: string;
  role: 'user' | 'assistant';
  text: string;
  citations: CitedSource[];
  tools: ToolLine[];
  usage: UsageTotals | null;
  outcome: TurnView['outcome'] | null;
  agent_state: PendingState | null;
  created_at: Date;
}

/** The conversation store. */
export interface ConversationStore {
  /**
   * The owner and completed history of a conversation, or undefined when it does not exist or
   * belongs to another user (the two are not told apart, so ids cannot be probed).
   */
  load(
    conversationId: string,
    userId: string,
  ): Promise<{ history: Message[]; usage: UsageTotals; nextSeq: number } | undefined>;
  /** Creates the conversation (when `create`) and writes the user row and the assistant row. */
  begin(turn: {
    conversationId: string;
    userId: string;
    create: boolean;
    seq: number;
    turnId: string;
    text: string;
  }): Promise<void>;
  /** Completes the assistant row. */
  finish(conversationId: string, seq: number, end: TurnEnd): Promise<void>;
  /** The last assistant turn, when it waits for approval. */
  pending(conversationId: string, userId: string): Promise<PendingTurn | undefined>;
  view(conversationId: string, userId: string): Promise<ConversationView | undefined>;
  /** Whether the conversation exists and is `userId`'s. */
  owns(conversationId: string, userId: string): Promise<boolean>;
  /**
   * Deletes `userId`'s conversation in one transaction: its turns, the approvals its last turn
   * waits for, and the conversation. Resolves with the number of turn rows deleted (user and
   * assistant halves, as `view` lists them), or undefined when it does not exist or belongs to
   * another user. The ledger keeps its calls (budgets and usage reports count them) and notes
   * the user saved stay theirs.
   */
  delete(conversationId: string, userId: string): Promise<{ turns: number } | undefined>;
  /**
   * Marks answers left `streaming` by a crash as `interrupted` (but not those of a turn still
   * holding its conversation's lease on another replica); returns how many.
   */
  recoverInterrupted(): Promise<number>;
  /**
   * Marks the conversation's answers left `streaming` as `interrupted`: its lock was taken
   * over from a replica that died mid-turn.
   */
  interrupt(conversationId: string): Promise<void>;
}

function totalsOf(rows: Array<{ usage: UsageTotals | null }>): UsageTotals {
  return rows.reduce((sum, row) => (row.usage ? addTotals(sum, row.usage) : sum), ZERO_USAGE);
}

/** The store over `db`. */
export function createConversationStore(db: Database): ConversationStore {
  /**
   * The turns of a conversation with `columns` (and its creation time), or undefined when it
   * does not exist or belongs to another user.
   */
  async function owned<Row extends { seq: number }>(
    columns: string,
    conversationId: string,
    userId: string,
  ): Promise<{ createdAt: Date; turns: Row[] } | undefined> {
    const result = await db.query<Row & { user_id: string; conversation_created_at: Date }>(
      `select c.user_id, c.created_at as conversation_created_at, ${columns}
         from conversations c left join turns t on t.conversation_id = c.id
        where c.id = $1 order by t.seq`,
      [conversationId],
    );
    const first = result.rows[0];
    if (!first || first.user_id !== userId) return undefined;
    return {
      createdAt: first.conversation_created_at,
      turns: result.rows.filter((row) => row.seq !== null),
    };
  }

  return {
    async load(conversationId, userId) {
      // Only what the next prompt needs: this runs before every answer.
      const turns = (
        await owned<Pick<TurnRow, 'seq' | 'role' | 'text' | 'usage'>>(
          't.seq, t.role, t.text, t.usage',
          conversationId,
          userId,
        )
      )?.turns;
      if (!turns) return undefined;
      const history: Message[] = [];
      for (const row of turns) {
        if (row.role === 'user') history.push({ role: 'user', content: row.text });
        else if (row.text !== '') history.push({ role: 'assistant', content: row.text });
      }
      const last = turns.at(-1);
      return { history, usage: totalsOf(turns), nextSeq: last ? last.seq + 1 : 1 };
    },

    async begin({ conversationId, userId, create, seq, turnId, text }) {
      // One statement (the conversation, when new, and both rows of the turn): no transaction
      // holds a pooled connection across round trips.
      await db.query(
        `with conversation as (
           insert into conversations (id, user_id) select $1, $5 where $6
         )
         insert into turns (conversation_id, seq, turn_id, role, text, outcome)
         values ($1, $2, $3, 'user', $4, null), ($1, $2 + 1, $3, 'assistant', '', 'streaming')`,
        [conversationId, seq, turnId, toStorable(text), userId, create],
      );
    },

    async finish(conversationId, seq, { text, citations, tools, usage, outcome, state }) {
      await db.query(
        `update turns set text = $3, citations = $4, usage = $5, outcome = $6, agent_state = $7,
                tools = $8
          where conversation_id = $1 and seq = $2`,
        [
          conversationId,
          seq,
          toStorable(text),
          storableJson(citations),
          JSON.stringify(usage),
          outcome,
          state ? storableJson(state) : null,
          storableJson(tools),
        ],
      );
    },

    async pending(conversationId, userId) {
      const result = await db.query<{
        seq: number;
        turn_id: string;
        text: string;
        tools: ToolLine[];
        usage: UsageTotals | null;
        outcome: string | null;
        agent_state: PendingState | null;
      }>(
        `select t.seq, t.turn_id, t.text, t.tools, t.usage, t.outcome, t.agent_state
           from turns t join conversations c on c.id = t.conversation_id
          where t.conversation_id = $1 and c.user_id = $2
          order by t.seq desc limit 1`,
        [conversationId, userId],
      );
      const row = result.rows[0];
      if (row?.outcome !== 'pending-approval' || !row.agent_state) return undefined;
      return {
        seq: row.seq,
        turnId: row.turn_id,
        text: row.text,
        tools: row.tools,
        usage: row.usage ?? ZERO_USAGE,
        state: row.agent_state,
      };
    },

    async view(conversationId, userId) {
      const conversation = await owned<TurnRow>(
        `t.seq, t.turn_id, t.role, t.text, t.citations, t.tools, t.usage, t.outcome,
         t.agent_state, t.created_at`,
        conversationId,
        userId,
      );
      if (!conversation) return undefined;
      const { turns } = conversation;
      return {
        id: conversationId,
        createdAt: conversation.createdAt.toISOString(),
        usage: totalsOf(turns),
        turns: turns.map((row) => ({
          seq: row.seq,
          turnId: row.turn_id,
          role: row.role,
          text: row.text,
          citations: row.citations,
          tools: row.tools,
          ...(row.outcome === 'pending-approval' &&
            row.agent_state &&
            row.seq === turns.at(-1)?.seq && {
              pendingApprovals: row.agent_state.agent.pendingApprovals.map((approval) => ({
                token: approval.token,
                toolCallId: approval.toolCallId,
                toolName: approval.toolName,
                input: approval.input,
                expiresAt: approval.expiresAt,
              })),
            }),
          ...(row.usage && { usage: row.usage }),
          ...(row.outcome && { outcome: row.outcome }),
          createdAt: row.created_at.toISOString(),
        })),
      };
    },

    async owns(conversationId, userId) {
      const { rows } = await db.query(
        'select 1 from conversations where id = $1 and user_id = $2',
        [conversationId, userId],
      );
      return rows.length > 0;
    },

    delete(conversationId, userId) {
      return db.transaction(async (tx) => {
        const owner = await tx.query<{ user_id: string }>(
          'select user_id from conversations where id = $1 for update',
          [conversationId],
        );
        if (owner.rows[0]?.user_id !== userId) return undefined;
        // The tokens of the calls a turn waits for are kept in its agent state.
        await tx.query(
          `delete from approvals where token in (
             select pending ->> 'token'
               from turns t,
                    jsonb_array_elements(
                      coalesce(t.agent_state -> 'agent' -> 'pendingApprovals', '[]')
                    ) as pending
              where t.conversation_id = $1 and t.agent_state is not null)`,
          [conversationId],
        );
        const turns = await tx.query('delete from turns where conversation_id = $1', [
          conversationId,
        ]);
        await tx.query('delete from conversations where id = $1', [conversationId]);
        return { turns: turns.rowCount };
      });
    },

    async recoverInterrupted() {
      // A turn another replica is still answering holds its conversation's lease: not theirs.
      const result = await db.query(
        `update turns set outcome = 'interrupted'
          where outcome = 'streaming'
            and not exists (select 1 from conversation_leases l
                             where l.conversation_id = turns.conversation_id
                               and l.expires_at > now())`,
      );
      return result.rowCount;
    },

    async interrupt(conversationId) {
      await db.query(
        `update turns set outcome = 'interrupted'
          where conversation_id = $1 and outcome = 'streaming'`,
        [conversationId],
      );
    },
  };
}
