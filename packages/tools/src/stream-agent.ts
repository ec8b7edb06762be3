/**
 * The agent loop as a stream, for UIs: the model's parts as they arrive, step boundaries and
 * the status of every tool call, ending with the final state.
 */

import { agentLoop } from './agent-loop';
import type { AgentOptions, AgentStreamPart } from './agent-state';

/**
 * Like {@link runAgent}, but streams: yields every model {@link StreamPart} (each step's stream
 * ends with its own `finish`), `step-start` and `step-finish`, a `tool-status` event when a
 * call starts and when it ends (`done`, `failed`, `pending-approval`), and last an
 * `agent-finish` part carrying the state.
 *
 * @throws InvalidArgumentError for bad options; the model's errors; the signal's reason when aborted.
 * @example
 * ```ts
 * for await (const part of streamAgent({ model, tools: toolbox, messages })) {
 *   if (part.type === 'text-delta') ui.append(part.text);
 *   if (part.type === 'tool-status') ui.showTool(part.toolName, part.status);
 *   if (part.type === 'agent-finish') save(part.state);
 * }
 * ```
 */
export async function* streamAgent(options: AgentOptions): AsyncGenerator<AgentStreamPart, void> {
  const state = yield* agentLoop(options, 'stream');
  yield { type: 'agent-finish', state };
}
