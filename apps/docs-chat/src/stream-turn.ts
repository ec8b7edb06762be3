/**
 * Streaming a prepared turn: the agent loop's parts as the chat's events (text, tool lines
 * with their approvals, usage at each model call's end), then the citations read back from
 * the answer (documents and remembered facts alike), the turn's usage and its stored row, what
 * the user stated in it remembered, and `finish` with how the turn ended.
 */
import type { ChatModel, RequestMetadata } from '@keel/core';
import { extractCitations, type PackedChunk } from '@keel/retrieval';
import { BudgetExceededError } from '@keel/tokens';
import {
  type AgentState,
  type PendingApproval,
  streamAgent,
  type Toolbox,
  type ToolStatusEvent,
} from '@keel/tools';
import type { ChatEventBody, CitedSource, ToolLine, TurnOutcome } from './chat-events';
import type { ConversationStore, PendingState } from './conversation-store';
import type { PreparedTurn } from './prepare-turn';
import { createUsageMeter } from './usage-meter';
import { addTotals } from './usage-totals';

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

/** What {@link streamTurn} runs a turn with. */
export interface StreamTurnOptions {
  turn: PreparedTurn;
  conversationId: string;
  /** The turn's model (guarded, with its fallback). */
  model: ChatModel;
  /** The model that answered, read at the end (the offline answerer after a fallback). */
  answeredBy: () => string;
  tools: Toolbox;
  maxOutputTokens: number;
  metadata: RequestMetadata;
  conversations: ConversationStore;
  /** Resolves once the ledger has stored the turn's model calls. */
  ledgerWritten?: () => Promise<void>;
  signal?: AbortSignal;
}

/**
 * Streams `turn` through the agent loop and stores it; every problem after the first event is
 * an `error` event followed by `finish` (a budget spent mid-turn: `finish` with outcome
 * `budget-exceeded`).
 *
 * @example
 * ```ts
 * for await (const event of streamTurn({ turn, conversationId, model, answeredBy, ...deps })) send(event);
 * ```
 */
export async function* streamTurn({
  turn,
  conversationId,
  model,
  answeredBy,
  tools: toolbox,
  maxOutputTokens,
  metadata,
  conversations,
  ledgerWritten,
  signal,
}: StreamTurnOptions): AsyncGenerator<ChatEventBody, void, undefined> {
  const { sources, tools, conversationBefore } = turn;
  let text = turn.textBefore;
  // A resumed turn's answer starts a paragraph after what the turn said before it waited.
  let paragraph = turn.textBefore !== '';
  const meter = createUsageMeter(turn.usageBefore);
  let outcome: TurnOutcome = 'stop';
  let finalState: AgentState | undefined;
  let failure: unknown;
  let modelStarted = false;
  try {
    for await (const part of streamAgent({
      model,
      tools: toolbox,
      ...turn.agentInput,
      maxSteps: 6,
      request: { maxTokens: maxOutputTokens, metadata },
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
        turn.begin().catch(() => {}); // awaited, and its failure reported, when the turn ends
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
    yield { type: 'error', code: 'upstream_error', message: `The model call failed: ${reason}` };
  }
  const citations = extractCitations(text, [...sources.values()]).citations.map((c) =>
    cited(c.chunk),
  );
  if (citations.length > 0) yield { type: 'citations', citations };
  // A cancelled or failed call counts what its model reported before it ended.
  const turnUsage = meter.turn;
  yield { type: 'usage', turn: turnUsage, conversation: addTotals(conversationBefore, turnUsage) };
  const stored: PendingState | undefined =
    outcome === 'pending-approval' && finalState
      ? { agent: finalState, sources: [...sources.values()], question: turn.question }
      : undefined;
  try {
    // The turn's database work is done before it ends, so none of it runs on the thread
    // while the next turn is starting.
    await ledgerWritten?.();
    await turn.begin();
    await conversations.finish(conversationId, turn.seq, {
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
  if (outcome !== 'error') {
    // After the stored row, before `finish`: the next turn (which waits for this one) and the
    // page's memory panel, refreshed at `finish`, see what the user stated.
    try {
      await turn.remember?.(text);
    } catch (error) {
      yield {
        type: 'error',
        code: 'internal_error',
        message: `The answer was stored, but what you said in it could not be remembered: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
  yield { type: 'finish', outcome, turnId: turn.turnId, answeredBy: answeredBy() };
}
