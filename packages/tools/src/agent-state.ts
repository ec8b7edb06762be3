/**
 * The agent's state, explicit and JSON-serialisable: what happened step by step, what it cost,
 * why it stopped, and the turn waiting for approval, so a run can be stored and resumed.
 */
import type {
  ChatModel,
  ChatRequest,
  Clock,
  FinishReason,
  Message,
  StreamPart,
  ToolCall,
  ToolResultPart,
  Usage,
} from '@keel/core';
import type { PendingApproval } from './approval-store';
import type { AnyTool } from './define-tool';
import type { ToolCallRecord } from './tool-call-record';
import type { ApprovalDecision, Toolbox } from './toolbox-types';

/**
 * Why the loop stopped: the model answered (`final-answer`), or a bound was reached
 * (`max-steps`, `max-cost`, `timeout`, `repeated-call`), or a call waits for a person
 * (`pending-approval`).
 */
export type AgentStopReason =
  | 'final-answer'
  | 'max-steps'
  | 'max-cost'
  | 'timeout'
  | 'repeated-call'
  | 'pending-approval';

/** One model call and the tool calls it asked for. */
export interface AgentStep {
  /** 0-based position in the run. */
  index: number;
  text: string;
  toolCalls: ToolCall[];
  /** Results in the order of `toolCalls` (fewer while calls wait for approval). */
  toolResults: ToolResultPart[];
  /** The dispatcher's record of each call, in the order they finished. */
  records: ToolCallRecord[];
  finishReason: FinishReason;
  usage: Usage;
  /** Cost of this model call in USD, when the price is known. */
  costUsd?: number;
  responseModelId?: string;
}

/** A turn whose tool calls are not all done: some wait for approval. */
export interface PendingTurn {
  calls: ToolCall[];
  /** A result per call, `null` while the call is not done. */
  results: Array<ToolResultPart | null>;
}

/** Where a run stands. Store it (it is plain JSON) and pass it back as `state` to resume. */
export interface AgentState {
  /** The whole conversation: the input messages and everything the run added. */
  messages: Message[];
  steps: AgentStep[];
  /** Usage summed over every model call. */
  usage: Usage;
  /** Cost in USD summed over every model call; absent when the model's price is unknown. */
  costUsd?: number;
  stopReason: AgentStopReason;
  /** The text of the last model answer. */
  text: string;
  /** Calls waiting for a decision; resume with `approvals` naming their tokens. */
  pendingApprovals: PendingApproval[];
  pendingTurn?: PendingTurn;
}

/** Options of {@link runAgent} and {@link streamAgent}. */
export interface AgentOptions {
  model: ChatModel;
  /** A toolbox (keep the same one to resume after approvals), or tools for a default toolbox. */
  tools: Toolbox | readonly AnyTool[];
  /** The conversation to start from (ignored when `state` is given). */
  messages?: Message[];
  system?: string;
  /** A stopped run to continue. */
  state?: AgentState;
  /** Decisions on `state.pendingApprovals`, by token. */
  approvals?: readonly ApprovalDecision[];
  /** Most model calls in the run, resumes included; default 10. */
  maxSteps?: number;
  /** Stop before the next model call once this much is spent. */
  maxCostUsd?: number;
  /**
   * USD of a call's usage, for a model that does not price its own calls; default the cost the
   * model reports with its usage (`costUsd`), never a second pricing of it.
   */
  cost?: (usage: Usage, model: ChatModel) => number;
  /** Time limit of this invocation; on expiry the run stops with `timeout`. */
  timeoutMs?: number;
  /** How many times one tool may be called with the same arguments; default 3. */
  maxIdenticalCalls?: number;
  /** A further allowlist for this run's calls (a tenant's tools). */
  allow?: readonly string[];
  /** Extra request fields: `toolChoice`, `maxTokens`, `temperature`, `metadata`, ... */
  request?: Omit<ChatRequest, 'messages' | 'tools' | 'system'>;
  /** Called after every step with the state so far (persist it here). */
  onStep?: (step: AgentStep, state: AgentState) => void | Promise<void>;
  /** Cancels the run; the returned promise (or the stream) rejects with the signal's reason. */
  signal?: AbortSignal;
  clock?: Clock;
}

/** The status of one tool call, for UIs. */
export interface ToolStatusEvent {
  type: 'tool-status';
  toolCallId: string;
  toolName: string;
  status: 'running' | 'done' | 'failed' | 'pending-approval';
  /** Present once the call is decided. */
  record?: ToolCallRecord;
  /** Present when `done` or `failed`. */
  result?: ToolResultPart;
  /** Present when `pending-approval`. */
  approval?: PendingApproval;
}

/** What {@link streamAgent} yields: the model's parts, step boundaries and tool status. */
export type AgentStreamPart =
  | StreamPart
  | { type: 'step-start'; index: number }
  | ToolStatusEvent
  | { type: 'step-finish'; step: AgentStep }
  | { type: 'agent-finish'; state: AgentState };
