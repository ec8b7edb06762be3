/**
 * Where pending approvals wait. Taking an approval removes it, so a token works once.
 */
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
