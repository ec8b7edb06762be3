/**
 * One chat turn, from question to stored answer: the refusals (unstorable text, the rate and
 * the budget), the conversation (serialised per conversation, across replicas too), then the
 * turn prepared (`prepare-turn.ts`: retrieval, prompt, history) or resumed (`resume-turn.ts`:
 * the state that waited for approval), and streamed (`stream-turn.ts`: the agent loop with
 * tools and approvals, citations, usage and cost, the stored row). The CLI and the HTTP API
 * both consume the events it yields.
 */
import type { Instrumentation, RequestMetadata } from '@keel/core';
import type { Memory } from '@keel/memory';
import type { OutputGuard } from '@keel/observability';
import type { PackedChunk } from '@keel/retrieval';
import { type ApprovalDecision, type ApprovalStore, createToolbox } from '@keel/tools';
import type { Answerer } from './answerer';
import { ChatError } from './chat-error';
import type { ChatEvent, ChatEventBody } from './chat-events';
import { chatTools } from './chat-tools';
import type { Config } from './config';
import type { ConversationStore } from './conversation-store';
import { guardedModel } from './guarded-model';
import { createKeyedMutex, type KeyedMutex } from './keyed-mutex';
import type { Knowledge } from './knowledge';
import type { NotesStore } from './notes-store';
import { OFFLINE_MODEL_ID } from './offline-model';
import { cite, type LoadedConversation, prepareTurn } from './prepare-turn';
import { resumeTurn } from './resume-turn';
import { assertStorable } from './storable-text';
import { streamTurn } from './stream-turn';
import type { TurnSlots } from './turn-slots';
import { ZERO_USAGE } from './usage-totals';
import type { UserLimits } from './user-limits';

/** A turn to run: a new message, or decisions on the approvals a turn waits for. */
export interface TurnRequest {
  userId: string;
  conversationId?: string;
  message?: string;
  approvals?: ApprovalDecision[];
  /** Aborting cancels the turn and the upstream model call. */
  signal?: AbortSignal;
  /** The product feature, for the ledger: `chat` (HTTP) or `cli`. */
  feature?: string;
  traceId?: string;
}

/** The chat engine. */
export interface ChatEngine {
  /**
   * Runs a turn. Refusals (text the database cannot store, limits, a budget that cannot hold
   * the turn's first model call, unknown conversation, no pending approval) are thrown as
   * {@link ChatError} by the first `next()`, before any event; after the first event every
   * problem is reported as an `error` event followed by `finish`, except a budget spent
   * mid-turn: `finish` with outcome `budget-exceeded`.
   */
  turn(request: TurnRequest): AsyncGenerator<ChatEvent, void, undefined>;
}

/** What the engine is built from. */
export interface ChatEngineOptions {
  config: Config;
  knowledge: Knowledge;
  conversations: ConversationStore;
  notes: NotesStore;
  approvals: ApprovalStore;
  answerer: Answerer;
  limits: UserLimits;
  instrumentation: Instrumentation;
  /** The conversations' history windows and summaries, and the users' facts. */
  memory: Memory;
  /** Resolves once the ledger has stored the turn's model calls (awaited before the turn ends). */
  ledgerWritten?: () => Promise<void>;
  /**
   * Serialises the turns of a conversation: by default within this process; replicas sharing
   * a database pass `createConversationLock(db)`.
   */
  conversationLock?: KeyedMutex;
  /** Bounds the turns answering at once (`DOCS_CHAT_MAX_TURNS`); none by default. */
  turnSlots?: TurnSlots;
  /** What every answer streams through, in every mode (secrets, links, images, HTML). */
  outputGuard?: OutputGuard;
}

/** Creates the chat engine. */
export function createChatEngine(options: ChatEngineOptions): ChatEngine {
  const {
    config,
    knowledge,
    conversations,
    notes,
    approvals,
    answerer,
    limits,
    instrumentation,
    memory,
    ledgerWritten,
    conversationLock: locks = createKeyedMutex(),
    turnSlots,
    outputGuard,
  } = options;
  /** What each running turn may cite, by turn id (tools find their turn through metadata). */
  const citable = new Map<string, (chunks: readonly PackedChunk[]) => void>();
  const toolbox = createToolbox(
    chatTools({
      knowledge,
      notes,
      cite: (metadata, chunks) => citable.get(metadata?.turnId ?? '')?.(chunks),
    }),
    { approvals, instrumentation },
  );

  /** Takes a turn slot (when slots are bounded), then the conversation's lock; frees both. */
  async function holdTurn(
    conversationId: string,
    signal?: AbortSignal,
  ): Promise<() => Promise<void>> {
    const freeSlot = await turnSlots?.acquire(signal);
    try {
      const release = await locks.acquire(conversationId, signal);
      return async () => {
        await release();
        freeSlot?.();
      };
    } catch (error) {
      freeSlot?.();
      throw error;
    }
  }

  async function* run(request: TurnRequest): AsyncGenerator<ChatEventBody, void, undefined> {
    const { userId, signal, feature = 'chat' } = request;
    // Before any work (limits, retrieval, the model, a row): text the database cannot store
    // would otherwise fail the turn after its answer streamed.
    assertStorable({
      userId,
      conversationId: request.conversationId,
      message: request.message,
      feature,
      ...Object.fromEntries(
        (request.approvals ?? []).flatMap((decision, index) => [
          [`approvals.${index}.token`, decision.token],
          [`approvals.${index}.reason`, decision.reason],
        ]),
      ),
    });
    if (request.approvals && !request.conversationId) {
      throw new ChatError({
        code: 'invalid_request',
        message: 'Approvals need the conversationId of the turn that waits for them',
        fields: { conversationId: 'required with approvals' },
      });
    }
    const conversationId = request.conversationId ?? crypto.randomUUID();
    // The turn's slot and its conversation's lock are taken while the rate and the budget are
    // asked, all at once (each a round trip when the state is shared); a refused rate wins over
    // the budget, and a refusal frees what was taken once it is held. The offline answerer
    // spends no budget: it is limited by the rate alone.
    const taking = holdTurn(conversationId, signal);
    const [admitted, budgeted] = await Promise.allSettled([
      limits.admit(userId),
      answerer.estimate ? limits.budget(userId) : undefined,
    ]);
    if (admitted.status === 'rejected' || budgeted.status === 'rejected') {
      taking.then(
        (free) => free(),
        () => {},
      );
      throw admitted.status === 'rejected'
        ? admitted.reason
        : (budgeted as PromiseRejectedResult).reason;
    }
    const userBudget = budgeted.value;
    const free = await taking;
    let citing: string | undefined;
    try {
      const loaded: LoadedConversation | undefined = request.conversationId
        ? await conversations.load(conversationId, userId)
        : { history: [], usage: ZERO_USAGE, nextSeq: 1 };
      if (!loaded) {
        throw new ChatError({
          code: 'not_found',
          message: `No conversation ${conversationId} for this user; omit conversationId to start one`,
        });
      }
      const metadata: RequestMetadata = { userId, feature, conversationId };
      const turn = request.approvals
        ? await resumeTurn({
            conversations,
            conversationId,
            userId,
            loaded,
            decisions: request.approvals,
          })
        : await prepareTurn({
            config,
            knowledge,
            conversations,
            instrumentation,
            memory,
            userId,
            conversationId,
            create: !request.conversationId,
            loaded,
            question: request.message ?? '',
            metadata,
            ...(signal && { signal }),
          });

      // A turn whose first model call the budget cannot hold is refused now, as a 429, rather
      // than after it has started streaming.
      if (userBudget && answerer.estimate) {
        const { agentInput } = turn;
        const first = 'state' in agentInput ? { messages: agentInput.state.messages } : agentInput;
        userBudget.cover(
          await answerer.estimate({
            ...first,
            tools: toolbox.definitions(),
            maxTokens: config.maxOutputTokens,
          }),
        );
      }

      yield {
        type: 'meta',
        conversationId,
        turnId: turn.turnId,
        mode: answerer.mode,
        model: answerer.model,
        ...(request.traceId && { traceId: request.traceId }),
      };

      let answeredBy = answerer.model;
      const answering = answerer.forTurn({
        question: turn.question,
        sources: () => [...turn.sources.values()],
        ...(userBudget && { budget: userBudget.budget }),
        onFallback: () => {
          answeredBy = OFFLINE_MODEL_ID;
        },
      });
      metadata.turnId = turn.turnId;
      citable.set(turn.turnId, (chunks) => cite(turn.sources, chunks));
      citing = turn.turnId;
      yield* streamTurn({
        turn,
        conversationId,
        model: outputGuard ? guardedModel(answering, outputGuard) : answering,
        answeredBy: () => answeredBy,
        tools: toolbox,
        maxOutputTokens: config.maxOutputTokens,
        metadata,
        conversations,
        ...(ledgerWritten && { ledgerWritten }),
        ...(signal && { signal }),
      });
    } finally {
      if (citing) citable.delete(citing);
      // Awaited: the turn's end reaches the client once its conversation is free for the next
      // turn on any replica (the lease row deleted).
      await free();
    }
  }

  return {
    async *turn(request) {
      let seq = 0;
      for await (const event of run(request)) {
        seq++;
        yield { ...event, seq } as ChatEvent;
      }
    },
  };
}
