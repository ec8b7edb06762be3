/**
 * What the model reads of an MCP tool result: the structured content when the server sends it,
 * else the text parts, with other parts (images, audio, resources) named in a line each.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { McpToolCallError } from './mcp-tool-call-error';

type ContentPart = CallToolResult['content'][number];

function describe(part: ContentPart): string {
  switch (part.type) {
    case 'text':
      return part.text;
    case 'image':
    case 'audio':
      return `[${part.type} ${part.mimeType}, ${part.data.length} base64 characters]`;
    case 'resource_link':
      return `[resource ${part.uri}]`;
    case 'resource':
      return 'text' in part.resource
        ? part.resource.text
        : `[resource ${part.resource.uri}${part.resource.mimeType ? `, ${part.resource.mimeType}` : ''}]`;
  }
}

/**
 * The output of an MCP tool call as handed back to the model.
 *
 * @throws McpToolCallError (reason `tool-error`) when the server marked the result `isError`;
 * its message is the tool's own text, which the dispatcher shows the model.
 * @example
 * ```ts
 * mcpResultOutput('add', { content: [{ type: 'text', text: '5' }] }); // '5'
 * ```
 */
export function mcpResultOutput(toolName: string, result: CallToolResult): unknown {
  const text = result.content.map(describe).join('\n');
  if (result.isError === true) {
    throw new McpToolCallError({
      toolName,
      reason: 'tool-error',
      message: text === '' ? 'the tool reported an error without a message' : text,
    });
  }
  return result.structuredContent ?? text;
}
