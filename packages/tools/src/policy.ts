/**
 * Who decides whether a validated call runs: a policy function per toolbox, with a default that
 * lets reads run and holds writes and external actions for approval.
 */
import type { RequestMetadata } from '@keel/core';
import type { AnyTool } from './define-tool';

/** What a policy can decide. */
export type PolicyDecision = 'allow' | 'deny' | 'require-approval';

/** A decision with the reason recorded (and, for `deny`, shown to the model). */
export interface PolicyVerdict {
  decision: PolicyDecision;
  reason?: string;
}

/** What a policy sees: the tool and the arguments after validation. */
export interface PolicyRequest {
  tool: AnyTool;
  /** The validated input, as `run` would receive it. */
  input: unknown;
  toolCallId: string;
  metadata?: RequestMetadata;
}

/** Decides on one call; may be async (look up a tenant's settings, a rate, a role). */
export type ToolPolicy = (
  request: PolicyRequest,
) => PolicyDecision | PolicyVerdict | Promise<PolicyDecision | PolicyVerdict>;

/**
 * The default: a tool's own `requiresApproval` wins; otherwise `read` tools run and `write` and
 * `external` tools wait for approval.
 *
 * @example
 * ```ts
 * const policy: ToolPolicy = (request) =>
 *   request.metadata?.userId === 'admin' ? 'allow' : defaultPolicy(request);
 * ```
 */
export function defaultPolicy({ tool }: PolicyRequest): PolicyDecision {
  return (tool.requiresApproval ?? tool.effect !== 'read') ? 'require-approval' : 'allow';
}
