/**
 * What a chat turn streams, to the CLI and (as server-sent events named by `type`) to the page:
 * the protocol of POST /api/chat.
 */

/** Which answerer is speaking: the extractive offline one, or a real model. */
export type AnswerMode = 'offline' | 'openai' | 'anthropic' | 'openai-compatible';

/** A source the answer cites, with the chunk text to show when the citation is opened. */
export interface CitedSource {
  /** What the answer writes in square brackets, e.g. `packages/tokens/README.md#3`. */
  citationId: string;
  /** The document, e.g. `docs/architecture.md`. */
  sourceId: string;
  /** Markdown headings the chunk sits under, outermost first. */
  headingPath: string[];
  startLine: number;
  endLine: number;
  text: string;
  score: number;
}

/** Tokens and dollars of a turn, and of the conversation so far (this turn included). */
export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/**
 * Why a turn ended. `budget-exceeded`: the user's daily budget ran out mid-turn (a later model
 * call was refused); the text so far is kept, and the budget resets at 00:00 UTC.
 */
export type TurnOutcome =
  | 'stop'
  | 'length'
  | 'cancelled'
  | 'pending-approval'
  | 'budget-exceeded'
  | 'error';

/** The last status of a tool call, as a message shows it. */
export interface ToolLine {
  toolCallId: string;
  toolName: string;
  status: 'running' | 'done' | 'failed' | 'pending-approval' | 'denied';
  /** One line for the page, e.g. `search_docs: 5 results`. */
  summary: string;
}

/** A tool call waiting for a person: what approving runs, and the token to send back. */
export interface ApprovalRequest {
  token: string;
  toolCallId: string;
  toolName: string;
  input: unknown;
  expiresAt: number;
}

/** Closed set of error codes, in SSE `error` events and JSON error bodies. */
export type ErrorCode =
  | 'invalid_request'
  | 'unstorable_text'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'budget_exceeded'
  | 'not_found'
  | 'method_not_allowed'
  | 'overloaded'
  | 'unauthorized'
  | 'approval_not_found'
  | 'conversation_busy'
  | 'upstream_error'
  | 'internal_error';

/** One event of a turn. `seq` numbers a turn's events from 1 with no gaps. */
export type ChatEvent =
  | {
      type: 'meta';
      seq: number;
      conversationId: string;
      turnId: string;
      mode: AnswerMode;
      model: string;
      traceId?: string;
    }
  | { type: 'text'; seq: number; delta: string }
  | (ToolLine & {
      type: 'tool';
      seq: number;
      /** Present when `pending-approval`: what approving runs, and the token to send back. */
      approval?: { token: string; input: unknown; expiresAt: number };
    })
  | { type: 'citations'; seq: number; citations: CitedSource[] }
  | { type: 'usage'; seq: number; turn: UsageTotals; conversation: UsageTotals }
  | { type: 'error'; seq: number; code: ErrorCode; message: string }
  | {
      type: 'finish';
      seq: number;
      outcome: TurnOutcome;
      turnId: string;
      /** The model that answered: the configured one, or the offline answerer when it took over. */
      answeredBy: string;
    };

/** A {@link ChatEvent} before it is numbered. */
export type ChatEventBody = ChatEvent extends infer E
  ? E extends { seq: number }
    ? Omit<E, 'seq'>
    : never
  : never;
