/**
 * @keel/tools/mcp: tools from MCP servers (over stdio or streamable HTTP) as Keel tools.
 * Needs the optional peer `@modelcontextprotocol/sdk`.
 */

export {
  connectMcpServer,
  type McpServerOptions,
  type McpServerTools,
} from './connect-mcp-server';
export { McpConnectionError, type McpConnectionStage } from './mcp-connection-error';
export { type McpToolInfo, mcpApprovalDefault } from './mcp-tool';
export { McpToolCallError, type McpToolCallFailure } from './mcp-tool-call-error';
export { McpToolError } from './mcp-tool-error';
export type { McpHttpTransport, McpStdioTransport, McpTransportOptions } from './mcp-transport';
