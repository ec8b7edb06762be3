/**
 * The record of one dispatched call: what was decided, how it ended, and how big the result
 * was. Arguments appear only as a digest.
 */
import type { ToolDecision } from '@keel/core';
import type { ToolEffect } from './define-tool';

/** How a call ended: ran fine, failed, was cancelled by the caller, or waits for approval. */
export type ToolOutcome = 'ok' | 'error' | 'abort' | 'pending';

/**
 * Why a call did not produce a result, when it did not: a closed list, so dashboards and tests
 * can switch on it.
 */
export type ToolFailure =
  | 'unknown-tool'
  | 'not-allowed'
  | 'invalid-json'
  | 'invalid-arguments'
  | 'input-too-large'
  | 'denied'
  | 'approval-rejected'
  | 'tool-error'
  | 'timeout'
  | 'invalid-output';

/** One dispatched call, as recorded. */
export interface ToolCallRecord {
  toolCallId: string;
  toolName: string;
  effect?: ToolEffect;
  decision: ToolDecision;
  outcome: ToolOutcome;
  failure?: ToolFailure;
  /** Why the policy or the approval check decided as it did, when it said. */
  reason?: string;
  /** SHA-256 of the canonical validated arguments (absent when they did not validate). */
  argumentsDigest?: string;
  /** Epoch milliseconds. */
  startedAt: number;
  latencyMs: number;
  resultTokens?: number;
  resultBytes?: number;
  truncated?: boolean;
  /** The thrown error's name, for `tool-error` and `timeout`. */
  errorType?: string;
  errorMessage?: string;
}
