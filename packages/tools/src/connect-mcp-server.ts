/**
 * Connecting to an MCP server and listing its tools (every page) as Keel tools, which a
 * toolbox then dispatches like any other: validated, allowlisted, approved, timed and recorded.
 */
import { InvalidArgumentError } from '@keel/core';
import { assertDelay, assertNumber } from '@keel/core/internal';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Implementation } from '@modelcontextprotocol/sdk/types.js';
import type { AnyTool } from './define-tool';
import { listMcpTools } from './list-mcp-tools';
import { mcpCaller, messageOf } from './mcp-call';
import { McpConnectionError } from './mcp-connection-error';
import { type McpToolInfo, mcpTool } from './mcp-tool';
import { createMcpTransport, type McpTransportOptions } from './mcp-transport';

/** What {@link connectMcpServer} takes. */
export interface McpServerOptions {
  /** How to reach the server. */
  transport: McpTransportOptions;
  /** Put before every tool name (e.g. `github_`), so tools of two servers cannot clash. */
  prefix?: string;
  /** Keep only the tools this returns true for. Default: all. */
  filter?: (tool: McpToolInfo) => boolean;
  /**
   * Whether calls wait for approval. Default: yes unless the server marks the tool
   * `readOnlyHint: true`, and always when it marks it `destructiveHint: true`.
   */
  requiresApproval?: boolean | ((tool: McpToolInfo) => boolean);
  /** OpenAI strict mode for every tool, as in `defineTool`. Default: strict when possible. */
  strict?: boolean;
  /** Time limit of each call, in milliseconds. Default: the toolbox's `timeoutMs`. */
  timeoutMs?: number;
  /** Token budget of each result. Default: the toolbox's `maxResultTokens`. */
  maxResultTokens?: number;
  /** Most `tools/list` pages read before giving up. Default: 100. */
  maxPages?: number;
  /** How this client introduces itself. Default: `{ name: 'keel', version: '1' }`. */
  clientInfo?: Implementation;
  /** Cancels connecting and listing. */
  signal?: AbortSignal;
}

/** A connected MCP server and its tools. */
export interface McpServerTools {
  /** The server's tools as Keel tools: pass them to `createToolbox`. */
  readonly tools: readonly AnyTool[];
  /** The server's name and version, as it introduced itself. */
  readonly server: Implementation | undefined;
  /** False once the connection closed (the server exited, or `close` was called). */
  readonly connected: boolean;
  /** Closes the connection (a stdio server's process is ended). */
  close(): Promise<void>;
}

/**
 * Connects to an MCP server over stdio or streamable HTTP and returns its tools. Each tool's
 * JSON Schema is checked and used as its definition (so `toOpenAIChatTool` and `toAnthropicTool`
 * convert it for strict modes); calls go through the toolbox's dispatcher. A result the server
 * marks `isError`, a protocol error and a lost connection come back to the model as a failed
 * tool result ({@link McpToolCallError}).
 *
 * @throws McpConnectionError when the server cannot be reached or its tools cannot be listed.
 * @throws McpToolError for a listed tool Keel cannot take (leave it out with `filter`).
 * @example
 * ```ts
 * const notes = await connectMcpServer({
 *   transport: { type: 'stdio', command: 'node', args: ['notes-server.js'] },
 *   prefix: 'notes_',
 * });
 * const toolbox = createToolbox(notes.tools);
 * // ... run the agent, then:
 * await notes.close();
 * ```
 */
export async function connectMcpServer(options: McpServerOptions): Promise<McpServerTools> {
  const {
    transport: transportOptions,
    prefix = '',
    filter,
    requiresApproval,
    strict,
    timeoutMs,
    maxResultTokens,
    maxPages = 100,
    clientInfo = { name: 'keel', version: '1' },
    signal,
  } = options;
  if (typeof prefix !== 'string') {
    throw new InvalidArgumentError({ argument: 'prefix', message: 'prefix must be a string' });
  }
  if (timeoutMs !== undefined) assertDelay('timeoutMs', timeoutMs, { integer: true, min: 1 });
  assertNumber('maxPages', maxPages, { integer: true, min: 1 });
  signal?.throwIfAborted();

  const { transport, kind } = createMcpTransport(transportOptions);
  const client = new Client(clientInfo);
  let connected = false;
  client.onclose = () => {
    connected = false;
  };
  let listed: McpToolInfo[];
  try {
    try {
      await client.connect(transport, { ...(signal !== undefined && { signal }) });
      connected = true;
    } catch (cause) {
      throw new McpConnectionError({
        stage: 'connect',
        transport: kind,
        message: `Could not connect to the MCP server over ${kind}: ${messageOf(cause)}; check the command or URL and that the server speaks MCP`,
        cause,
      });
    }
    try {
      listed = await listMcpTools(client, { maxPages, signal, kind });
    } catch (cause) {
      if (McpConnectionError.isInstance(cause)) throw cause;
      throw new McpConnectionError({
        stage: 'list-tools',
        transport: kind,
        message: `The MCP server did not list its tools: ${messageOf(cause)}`,
        cause,
      });
    }
  } catch (error) {
    await client.close();
    if (signal?.aborted) throw signal.reason;
    throw error;
  }

  const call = mcpCaller(client, () => connected);
  const settings = { prefix, requiresApproval, strict, timeoutMs, maxResultTokens };
  let tools: AnyTool[];
  try {
    tools = listed
      .filter((info) => filter === undefined || filter(info))
      .map((info) => mcpTool(info, call, settings));
  } catch (error) {
    await client.close();
    throw error;
  }

  return {
    tools,
    server: client.getServerVersion(),
    get connected() {
      return connected;
    },
    close: () => client.close(),
  };
}
