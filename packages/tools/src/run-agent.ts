/**
 * The agent loop as one awaited call.
 */

import { agentLoop } from './agent-loop';
import type { AgentOptions, AgentState } from './agent-state';

/**
 * Runs the model and its tools until it answers or a bound is reached: `maxSteps` model calls,
 * `maxCostUsd`, `timeoutMs`, a call waiting for approval, or the same call made more than
 * `maxIdenticalCalls` times. Tool calls of one turn run in parallel when they only read; calls
 * with side effects run one at a time, in the model's order. The returned state says why it
 * stopped and can be passed back as `state` (with `approvals`) to continue.
 *
 * @throws InvalidArgumentError for bad options; the model's errors; the signal's reason when aborted.
 * @example
 * ```ts
 * let state = await runAgent({ model, tools: toolbox, messages: [{ role: 'user', content: 'Refund order 42' }] });
 * if (state.stopReason === 'pending-approval') {
 *   const approvals = [];
 *   for (const p of state.pendingApprovals) approvals.push({ token: p.token, approved: await ask(p) });
 *   state = await runAgent({ model, tools: toolbox, state, approvals });
 * }
 * console.log(state.text, state.costUsd);
 * ```
 */
export async function runAgent(options: AgentOptions): Promise<AgentState> {
  const loop = agentLoop(options, 'generate');
  for (;;) {
    const next = await loop.next();
    if (next.done) return next.value;
  }
}
