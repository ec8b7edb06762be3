/**
 * Reading every page of an MCP server's `tools/list`.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpConnectionError } from './mcp-connection-error';
import type { McpToolInfo } from './mcp-tool';

/**
 * Every page of `tools/list`, refusing a cursor seen before (a server that loops) and more than
 * `maxPages` pages.
 *
 * @throws McpConnectionError (stage `list-tools`) for a repeated cursor or too many pages.
 */
export async function listMcpTools(
  client: Client,
  { maxPages, signal, kind }: { maxPages: number; signal: AbortSignal | undefined; kind: string },
): Promise<McpToolInfo[]> {
  const tools: McpToolInfo[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const result = await client.listTools(cursor === undefined ? {} : { cursor }, {
      ...(signal !== undefined && { signal }),
    });
    tools.push(...result.tools);
    cursor = result.nextCursor;
    if (cursor === undefined) return tools;
    if (seen.has(cursor)) {
      throw new McpConnectionError({
        stage: 'list-tools',
        transport: kind,
        message: `The MCP server returned the tools/list cursor ${JSON.stringify(cursor)} twice; fix its pagination`,
      });
    }
    seen.add(cursor);
  }
  throw new McpConnectionError({
    stage: 'list-tools',
    transport: kind,
    message: `The MCP server has more than ${maxPages} pages of tools; raise maxPages if that is expected`,
  });
}
