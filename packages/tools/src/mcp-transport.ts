/**
 * The ways to reach an MCP server: a command speaking MCP on stdio, a streamable HTTP endpoint,
 * or any transport object of the SDK.
 */

import { InvalidArgumentError } from '@keel/core';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

/** A local server started as a child process that speaks MCP on its stdin and stdout. */
export interface McpStdioTransport {
  type: 'stdio';
  command: string;
  args?: string[];
  /** The child's environment; default: a safe subset of this process's (PATH, HOME, ...). */
  env?: Record<string, string>;
  cwd?: string;
  /** What happens to the child's stderr. Default: `inherit`. */
  stderr?: 'inherit' | 'ignore' | 'pipe';
}

/** A remote server reached over MCP's streamable HTTP transport. */
export interface McpHttpTransport {
  type: 'http';
  url: string | URL;
  /** Sent with every request, e.g. `{ authorization: 'Bearer …' }`. */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

/** How to reach an MCP server: stdio, streamable HTTP, or an SDK `Transport` you built. */
export type McpTransportOptions = McpStdioTransport | McpHttpTransport | Transport;

/**
 * The SDK transport for `options`, and its kind as errors name it.
 *
 * @throws InvalidArgumentError for a `type` other than `stdio` or `http`.
 */
export function createMcpTransport(options: McpTransportOptions): {
  transport: Transport;
  kind: string;
} {
  if (!('type' in options)) return { transport: options, kind: 'custom' };
  if (options.type === 'stdio') {
    const { command, args, env, cwd, stderr } = options;
    return {
      transport: new StdioClientTransport({
        command,
        ...(args !== undefined && { args }),
        ...(env !== undefined && { env }),
        ...(cwd !== undefined && { cwd }),
        ...(stderr !== undefined && { stderr }),
      }),
      kind: 'stdio',
    };
  }
  if (options.type !== 'http') {
    throw new InvalidArgumentError({
      argument: 'transport.type',
      message: `transport.type must be 'stdio' or 'http' (streamable HTTP), got ${JSON.stringify((options as { type: unknown }).type)}; for another transport pass an SDK Transport object`,
    });
  }
  const { url, headers, fetch: fetchImpl } = options;
  return {
    transport: new StreamableHTTPClientTransport(new URL(url), {
      ...(headers !== undefined && { requestInit: { headers } }),
      ...(fetchImpl !== undefined && { fetch: fetchImpl }),
    }),
    kind: 'http',
  };
}
