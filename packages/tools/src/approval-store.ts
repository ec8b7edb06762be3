/**
 * Where pending approvals wait. Taking an approval removes it, so a token works once.
 */
import type { ToolCall } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import type { ToolEffect } from './define-tool';

/** A call held for approval: what will run, exactly, if it is approved. */
export interface PendingApproval {
  /** Single-use token; hand it back with the decision. */
  token: string;
  toolCallId: string;
  toolName: string;
  effect: ToolEffect;
  /** The validated arguments, as the model sent them (JSON). */
  input: unknown;
  /** SHA-256 of the canonical arguments; an approval only runs a call whose digest matches. */
  argumentsDigest: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds after which the token is refused. */
  expiresAt: number;
}

/**
 * Storage of pending approvals. `take` must remove atomically (a shared store such as Redis
 * uses GETDEL), so that a token cannot be used twice.
 */
export interface ApprovalStore {
  save(approval: PendingApproval): void | Promise<void>;
  /** Removes and returns the approval with this token, if there is one. */
  take(token: string): PendingApproval | undefined | Promise<PendingApproval | undefined>;
}

/**
 * An in-process approval store holding up to `maxEntries` approvals (the oldest are dropped
 * first). Approvals do not survive a restart; use a shared store for that.
 *
 * @throws InvalidArgumentError when `maxEntries` is not a whole number from 1.
 *
 * @example
 * ```ts
 * const toolbox = createToolbox(tools, { approvals: createMemoryApprovalStore({ maxEntries: 1_000 }) });
 * ```
 */
export function createMemoryApprovalStore({
  maxEntries = 10_000,
}: {
  maxEntries?: number;
} = {}): ApprovalStore {
  assertNumber('maxEntries', maxEntries, { integer: true, min: 1 });
  const entries = new Map<string, PendingApproval>();
  return {
    save(approval) {
      entries.set(approval.token, approval);
      for (const oldest of entries.keys()) {
        if (entries.size <= maxEntries) break;
        entries.delete(oldest);
      }
    },
    take(token) {
      const approval = entries.get(token);
      entries.delete(token);
      return approval;
    },
  };
}

/** A random single-use token (128 bits from Web Crypto). */
export function approvalToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return `apv_${hex}`;
}

/**
 * Why an approval taken from the store cannot run `call` with arguments of `digest` at `now`,
 * or undefined when it can.
 */
export function approvalProblem(
  pending: PendingApproval | undefined,
  call: ToolCall,
  digest: string,
  now: number,
): string | undefined {
  if (pending === undefined) return 'the approval token is unknown or was already used';
  if (pending.toolCallId !== call.toolCallId || pending.toolName !== call.toolName) {
    return 'the approval was given for another call';
  }
  if (pending.argumentsDigest !== digest) return 'the arguments differ from the ones approved';
  if (now > pending.expiresAt) return 'the approval expired';
  return undefined;
}
