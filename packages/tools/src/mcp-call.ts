/**
 * Sending a tool call to an MCP server, with its failures turned into errors the model can read.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { McpCall } from './mcp-tool';
import { McpToolCallError } from './mcp-tool-call-error';

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Calls through `client`. A failure while `isConnected()` is a server error; after the
 * connection closed, a disconnect. An abort of the call's signal (the caller, or the
 * dispatcher's time limit) passes through unchanged.
 *
 * @example
 * ```ts
 * const call = mcpCaller(client, () => connected);
 * const result = await call('add', { a: 1, b: 2 }, signal);
 * ```
 */
export function mcpCaller(client: Client, isConnected: () => boolean): McpCall {
  return async function callMcpTool(name, input, signal) {
    try {
      return (await client.callTool({ name, arguments: input }, undefined, {
        signal,
      })) as Awaited<ReturnType<McpCall>>;
    } catch (cause) {
      if (signal.aborted) throw cause;
      const reason = isConnected() ? 'server-error' : 'disconnected';
      throw new McpToolCallError({
        toolName: name,
        reason,
        message:
          reason === 'disconnected'
            ? 'the MCP server is not connected (it exited or the connection was closed); try again later'
            : `the MCP server answered with an error: ${messageOf(cause)}`,
        cause,
      });
    }
  };
}
