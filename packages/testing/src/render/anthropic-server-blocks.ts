/**
 * Anthropic server tools in a mock reply: each scripted call as a `server_tool_use` block and
 * its result block (`web_search_tool_result`, `code_execution_tool_result`, ...), in the
 * shapes the Messages API sends.
 */
import type { MockServerToolCall } from '../mock-reply';
import type { IdSource } from './rendered';

/** A server tool's call or result, as it appears in a message's content. */
export type ServerBlock =
  | { type: 'server_tool_use'; id: string; name: string; input: unknown }
  | { type: string; tool_use_id: string; content: unknown };

/** The blocks of `calls`, each call followed by its result. */
export function serverBlocks(calls: readonly MockServerToolCall[], ids: IdSource): ServerBlock[] {
  return calls.flatMap((call) => {
    const id = call.id ?? ids.next('srvtoolu_');
    return [
      { type: 'server_tool_use', id, name: call.name, input: call.input ?? {} },
      {
        type: call.resultType ?? `${call.name}_tool_result`,
        tool_use_id: id,
        content: call.result ?? [],
      },
    ];
  });
}
