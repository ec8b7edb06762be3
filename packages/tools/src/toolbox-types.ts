/**
 * The types of the dispatcher: toolbox options, per-call context, results, and the toolbox.
 */
import type {
  Clock,
  Instrumentation,
  RequestMetadata,
  ToolCall,
  ToolDefinition,
  ToolResultPart,
} from '@keel/core';
import type { EncodingName } from '@keel/tokens';
import type { ApprovalStore, PendingApproval } from './approval-store';
import type { AnyTool } from './define-tool';
import type { ArgumentLimits } from './inspect-arguments';
import type { ToolPolicy } from './policy';
import type { ToolCallRecord } from './tool-call-record';

/** Options of {@link createToolbox}. */
export interface ToolboxOptions {
  /** Names of the tools calls may use; default all. */
  allow?: readonly string[];
  /** Decides whether a validated call runs; default {@link defaultPolicy}. */
  policy?: ToolPolicy;
  /** Where pending approvals wait; default an in-process store. */
  approvals?: ApprovalStore;
  /** How long an approval token stays valid; default one hour. */
  approvalTtlMs?: number;
  /** Run time limit for tools without their own `timeoutMs`; default 30 s. */
  timeoutMs?: number;
  /** Result budget for tools without their own `maxResultTokens`; default 4,000. */
  maxResultTokens?: number;
  /** Encoding results are measured with; default `'o200k_base'`. */
  encoding?: EncodingName;
  /** Argument limits: default 32 levels and 1,000,000 characters. */
  limits?: Partial<ArgumentLimits>;
  /** Reports every dispatch (decision, argument digest, result size, outcome). */
  instrumentation?: Instrumentation;
  /** Receives the record of every dispatch. */
  onRecord?: (record: ToolCallRecord) => void;
  clock?: Clock;
}

/** An approval decision handed back to {@link Toolbox.dispatch}. */
export interface ApprovalDecision {
  /** The token of the {@link PendingApproval}. */
  token: string;
  approved: boolean;
  /** Why (recorded; shown to the model when denied). */
  reason?: string;
}

/** Per-call options of {@link Toolbox.dispatch}. */
export interface DispatchContext {
  /** Cancels the call; a cancelled dispatch rejects with the signal's reason. */
  signal?: AbortSignal;
  /** A further allowlist for this call (a tenant's or a user's tools). */
  allow?: readonly string[];
  metadata?: RequestMetadata;
  /** The decision on a call that was held for approval. */
  approval?: ApprovalDecision;
}

/** What a dispatch produced: a result for the model, or a call held for approval. */
export type DispatchResult =
  | { status: 'done'; part: ToolResultPart; record: ToolCallRecord }
  | { status: 'pending-approval'; approval: PendingApproval; record: ToolCallRecord };

/** A set of tools and the dispatcher that runs them. */
export interface Toolbox {
  readonly tools: readonly AnyTool[];
  /** The tool with this name, if the toolbox has it. */
  get(name: string): AnyTool | undefined;
  /** What to send a model in `ChatRequest.tools`, optionally narrowed to `allow`. */
  definitions(options?: { allow?: readonly string[] }): ToolDefinition[];
  /** Checks, decides, runs and records one call. Rejects only when `context.signal` aborts. */
  dispatch(call: ToolCall, context?: DispatchContext): Promise<DispatchResult>;
}
