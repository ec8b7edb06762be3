/**
 * One chat turn, from question to stored answer: limits, the conversation (serialised per
 * conversation), hybrid retrieval packed into the token budget, the versioned prompt, the
 * agent loop with tools and approvals, citations, usage and cost. The CLI and the HTTP API
 * both consume the events it yields.
 */
import type { Instrumentation, Message, RequestMetadata } from '@keel/core';
import type { OutputGuard } from '@keel/observability';
import { extractCitations, type PackedChunk, packContext } from '@keel/retrieval';
import { BudgetExceededError, fitMessages } from '@keel/tokens';
import {
  type AgentState,
  type ApprovalDecision,
  type ApprovalStore,
  createToolbox,
  type PendingApproval,
  streamAgent,
  type ToolStatusEvent,
} from '@keel/tools';
import { renderAnswer } from './answer-prompt';
import { type Answerer, countingModel } from './answerer';
import { ChatError } from './chat-error';
import type { ChatEvent, ChatEventBody, CitedSource, ToolLine, TurnOutcome } from './chat-events';
import { chatTools } from './chat-tools';
import type { Config } from './config';
import type { ConversationStore, PendingState } from './conversation-store';
import { guardedModel } from './guarded-model';
import { createKeyedMutex, type KeyedMutex } from './keyed-mutex';
import type { Knowledge } from './knowledge';
import type { NotesStore } from './notes-store';
import { OFFLINE_MODEL_ID } from './offline-model';
import { assertStorable } from './storable-text';
import type { TurnSlots } from './turn-slots';
import { createUsageMeter } from './usage-meter';
import { addTotals, ZERO_USAGE } from './usage-totals';
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

function cited(chunk: PackedChunk): CitedSource {
  return {
    citationId: chunk.citationId,
    sourceId: chunk.chunk.sourceId,
    headingPath: chunk.chunk.headingPath ?? [],
    startLine: chunk.chunk.startLine,
    endLine: chunk.chunk.endLine,
    text: chunk.chunk.text,
    score: chunk.score,
  };
}

function toolSummary(event: ToolStatusEvent): string {
  const { toolName, status, record, result } = event;
  if (status === 'running') return `${toolName}: running`;
  if (status === 'pending-approval') return `${toolName}: waiting for your approval`;
  if (record?.decision === 'denied')
    return `${toolName}: denied${record.reason ? ` (${record.reason})` : ''}`;
  if (status === 'failed')
    return `${toolName}: failed${record?.errorMessage ? ` (${record.errorMessage})` : ''}`;
  const output = result?.output as Record<string, unknown> | undefined;
  if (output && Array.isArray(output.results))
    return `${toolName}: ${output.results.length} results`;
  if (output?.saved) return `${toolName}: saved note #${String(output.id)}`;
  if (output?.found === false) return `${toolName}: not found`;
  if (output?.found) return `${toolName}: read ${String(output.sourceId)}`;
  return `${toolName}: done`;
}

/** What waits for a person's decision, said to that person: one line per waiting call. */
function waitingText(pending: readonly PendingApproval[]): string {
  return pending
    .map(({ toolName, input }) => {
      const title = (input as { title?: unknown } | undefined)?.title;
      return toolName === 'save_note' && typeof title === 'string'
        ? `The note "${title}" waits for your approval: approve it to save it, or deny it.`
        : `The ${toolName} call waits for your approval: approve it to run it, or deny it.`;
    })
    .join('\n');
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
  const fitModel = countingModel(answerer.model);

  /** Takes a turn slot (when slots are bounded), then the conversation's lock; frees both. */
  async function holdTurn(conversationId: string, signal?: AbortSignal): Promise<() => void> {
    const freeSlot = await turnSlots?.acquire(signal);
    try {
      const release = await locks.acquire(conversationId, signal);
      return () => {
        release();
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
      const loaded = request.conversationId
        ? await conversations.load(conversationId, userId)
        : { history: [], usage: ZERO_USAGE, nextSeq: 1 };
      if (!loaded) {
        throw new ChatError({
          code: 'not_found',
          message: `No conversation ${conversationId} for this user; omit conversationId to start one`,
        });
      }
      const metadata: RequestMetadata = { userId, feature, conversationId };
      const sources = new Map<string, PackedChunk>();
      const cite = (chunks: readonly PackedChunk[]) => {
        for (const chunk of chunks)
          if (!sources.has(chunk.citationId)) sources.set(chunk.citationId, chunk);
      };

      let turnId: string;
      let seq: number;
      let question: string;
      let agentInput:
        | { state: AgentState; approvals: ApprovalDecision[] }
        | { system: string; messages: Message[] };
      let usageBefore = ZERO_USAGE;
      // The conversation's usage without this turn: a resumed turn's earlier usage is already
      // in `loaded.usage` (its stored row) and comes back in `turnUsage`.
      let conversationBefore = loaded.usage;
      let textBefore = '';
      const tools = new Map<string, ToolLine>();
      let begin: () => Promise<void> = () => Promise.resolve();

      if (request.approvals) {
        const pending = await conversations.pending(conversationId, userId);
        const stored = pending?.state;
        const tokens = new Set(stored?.agent.pendingApprovals.map((approval) => approval.token));
        const unknown = request.approvals.filter((decision) => !tokens.has(decision.token));
        if (!pending || !stored || unknown.length > 0) {
          throw new ChatError({
            code: 'approval_not_found',
            message:
              'Nothing in this conversation waits for these approvals (already decided, expired or superseded by a newer turn)',
          });
        }
        ({ turnId, seq } = pending);
        question = stored.question;
        cite(stored.sources);
        usageBefore = pending.usage;
        conversationBefore = {
          inputTokens: loaded.usage.inputTokens - usageBefore.inputTokens,
          outputTokens: loaded.usage.outputTokens - usageBefore.outputTokens,
          costUsd: loaded.usage.costUsd - usageBefore.costUsd,
        };
        textBefore = pending.text;
        for (const line of pending.tools) tools.set(line.toolCallId, line);
        agentInput = { state: stored.agent, approvals: request.approvals };
      } else {
        question = request.message ?? '';
        turnId = crypto.randomUUID();
        seq = loaded.nextSeq + 1;
        const retrieved = await knowledge.search(question, {
          k: 6,
          ...(signal && { signal }),
          instrumentation,
          metadata,
        });
        const packed = await packContext(retrieved, { maxTokens: config.contextTokens });
        cite(packed.chunks);
        const prompt = await renderAnswer(question, packed);
        const history = await fitMessages(loaded.history, {
          model: fitModel,
          maxTokens: config.historyTokens,
        });
        agentInput = { system: prompt.system, messages: [...history.messages, prompt.message] };
        // The rows are written once the model's first part is out (the embedded database runs
        // on this thread, and a write before it would delay the first token), or at the end.
        let begun: Promise<void> | undefined;
        begin = () => {
          begun ??= conversations.begin({
            conversationId,
            userId,
            create: !request.conversationId,
            seq: loaded.nextSeq,
            turnId,
            text: question,
          });
          return begun;
        };
      }

      // A turn whose first model call the budget cannot hold is refused now, as a 429, rather
      // than after it has started streaming.
      if (userBudget && answerer.estimate) {
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
        turnId,
        mode: answerer.mode,
        model: answerer.model,
        ...(request.traceId && { traceId: request.traceId }),
      };

      let answeredBy = answerer.model;
      const answering = answerer.forTurn({
        question,
        sources: () => [...sources.values()],
        ...(userBudget && { budget: userBudget.budget }),
        onFallback: () => {
          answeredBy = OFFLINE_MODEL_ID;
        },
      });
      const model = outputGuard ? guardedModel(answering, outputGuard) : answering;
      metadata.turnId = turnId;
      citable.set(turnId, cite);
      citing = turnId;
      let text = textBefore;
      // A resumed turn's answer starts a paragraph after what the turn said before it waited.
      let paragraph = textBefore !== '';
      const meter = createUsageMeter(usageBefore);
      let outcome: TurnOutcome = 'stop';
      let finalState: AgentState | undefined;
      let failure: unknown;
      let modelStarted = false;
      try {
        for await (const part of streamAgent({
          model,
          tools: toolbox,
          ...agentInput,
          maxSteps: 6,
          request: { maxTokens: config.maxOutputTokens, metadata },
          ...(signal && { signal }),
        })) {
          // Each model call's figures are final at its `finish`: the page's meter gets them then.
          if (meter.add(part)) {
            yield {
              type: 'usage',
              turn: meter.turn,
              conversation: addTotals(conversationBefore, meter.turn),
            };
          }
          if (part.type === 'text-delta') {
            const delta = paragraph ? `\n\n${part.text}` : part.text;
            paragraph = false;
            text += delta;
            yield { type: 'text', delta };
          } else if (part.type === 'tool-status') {
            const line: ToolLine = {
              toolCallId: part.toolCallId,
              toolName: part.toolName,
              status: part.record?.decision === 'denied' ? 'denied' : part.status,
              summary: toolSummary(part),
            };
            tools.set(line.toolCallId, line);
            yield {
              type: 'tool',
              ...line,
              ...(part.approval && {
                approval: {
                  token: part.approval.token,
                  input: part.approval.input,
                  expiresAt: part.approval.expiresAt,
                },
              }),
            };
          } else if (part.type === 'error') {
            failure = part.error;
          } else if (part.type === 'agent-finish') {
            finalState = part.state;
            if (part.state.stopReason === 'pending-approval') {
              outcome = 'pending-approval';
              // Said in words, for the person who decides (the model's state never holds it).
              const delta = `${text === '' ? '' : '\n\n'}${waitingText(part.state.pendingApprovals)}`;
              text += delta;
              yield { type: 'text', delta };
            } else if (part.state.steps.at(-1)?.finishReason === 'length') outcome = 'length';
          }
          // After the model's first part has been handed on (not at `step-start`, which comes
          // before the model call): the write runs on this thread.
          if (!modelStarted && part.type !== 'step-start') {
            modelStarted = true;
            begin().catch(() => {}); // awaited, and its failure reported, when the turn ends
          }
        }
      } catch (error) {
        if (signal?.aborted) outcome = 'cancelled';
        else failure = error;
      }
      if (BudgetExceededError.isInstance(failure) && outcome !== 'cancelled') {
        // The day's budget ran out mid-turn: the answer stops here, what it said is kept.
        outcome = 'budget-exceeded';
      } else if (failure !== undefined && outcome !== 'cancelled') {
        outcome = 'error';
        const reason = failure instanceof Error ? failure.message : String(failure);
        yield {
          type: 'error',
          code: 'upstream_error',
          message: `The model call failed: ${reason}`,
        };
      }
      const citations = extractCitations(text, [...sources.values()]).citations.map((c) =>
        cited(c.chunk),
      );
      if (citations.length > 0) yield { type: 'citations', citations };
      // A cancelled or failed call counts what its model reported before it ended.
      const turnUsage = meter.turn;
      yield {
        type: 'usage',
        turn: turnUsage,
        conversation: addTotals(conversationBefore, turnUsage),
      };
      const stored: PendingState | undefined =
        outcome === 'pending-approval' && finalState
          ? { agent: finalState, sources: [...sources.values()], question }
          : undefined;
      try {
        // The turn's database work is done before it ends, so none of it runs on the thread
        // while the next turn is starting.
        await ledgerWritten?.();
        await begin();
        await conversations.finish(conversationId, seq, {
          text,
          citations,
          tools: [...tools.values()],
          usage: turnUsage,
          outcome,
          ...(stored && { state: stored }),
        });
      } catch (error) {
        outcome = 'error';
        yield {
          type: 'error',
          code: 'internal_error',
          message: `The answer could not be stored: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
      yield { type: 'finish', outcome, turnId, answeredBy };
    } finally {
      if (citing) citable.delete(citing);
      free();
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
