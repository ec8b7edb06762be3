/**
 * One tool listed by an MCP server as a Keel tool: its JSON Schema checked and turned into a zod
 * validator, its annotations into an effect and an approval default, and its calls sent to the
 * server through the client.
 */
import type { JsonSchema } from '@keel/core';
import type { CallToolResult, Tool as McpToolListing } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { type AnyTool, defineTool, type ToolEffect } from './define-tool';
import { mcpResultOutput } from './mcp-result';
import { McpToolError } from './mcp-tool-error';
import { openAISchema } from './provider-tools';
import { ToolSchemaError } from './tool-schema-error';

/** A tool as an MCP server lists it (`tools/list`). */
export type McpToolInfo = McpToolListing;

/** Sends one call to the server; rejects when the server or the connection fails. */
export type McpCall = (
  name: string,
  input: Record<string, unknown>,
  signal: AbortSignal,
) => Promise<CallToolResult>;

/** What turns a listing into a Keel tool. */
export interface McpToolSettings {
  /** Put before the server's name, e.g. `github_`. */
  prefix: string;
  /** Default: from the annotations, see {@link mcpApprovalDefault}. */
  requiresApproval: boolean | ((tool: McpToolInfo) => boolean) | undefined;
  strict: boolean | undefined;
  timeoutMs: number | undefined;
  maxResultTokens: number | undefined;
}

/** Annotations are the server's hints: only `readOnlyHint: true` makes a tool a read. */
function effectOf({ annotations }: McpToolInfo): ToolEffect {
  if (annotations?.readOnlyHint === true) return 'read';
  return annotations?.openWorldHint === false ? 'write' : 'external';
}

/**
 * Whether a call to an MCP tool waits for approval when the caller does not say: yes unless the
 * server marks it `readOnlyHint: true`, and always when it is marked `destructiveHint: true`.
 *
 * @example
 * ```ts
 * mcpApprovalDefault({ name: 'delete_note', inputSchema: { type: 'object' } }); // true
 * ```
 */
export function mcpApprovalDefault({ annotations }: McpToolInfo): boolean {
  return annotations?.readOnlyHint !== true || annotations.destructiveHint === true;
}

/** The server's input schema without `$schema`, checked to be an object schema zod can read. */
function readSchema(info: McpToolInfo): { schema: JsonSchema; input: z.ZodType } {
  const { $schema: _ignored, ...schema } = info.inputSchema as JsonSchema;
  try {
    return { schema, input: z.fromJSONSchema(schema) };
  } catch (cause) {
    throw new McpToolError({
      toolName: info.name,
      reason: `its input schema cannot be read (${cause instanceof Error ? cause.message : String(cause)})`,
      cause,
    });
  }
}

/**
 * A Keel tool that calls `info.name` on the server. The definition the model sees is the
 * server's own schema (so the strict conversions apply to it); the dispatcher validates against
 * the same schema before anything is sent.
 *
 * @throws McpToolError for a name providers reject or a schema that is not an object schema.
 */
export function mcpTool(info: McpToolInfo, call: McpCall, settings: McpToolSettings): AnyTool {
  const { prefix, requiresApproval, strict, timeoutMs, maxResultTokens } = settings;
  const name = `${prefix}${info.name}`;
  const { schema, input } = readSchema(info);
  const description =
    info.description?.trim() || info.title?.trim() || `The MCP tool ${info.name}.`;
  let tool: AnyTool;
  try {
    tool = defineTool({
      name,
      description,
      input,
      effect: effectOf(info),
      requiresApproval:
        typeof requiresApproval === 'function'
          ? requiresApproval(info)
          : (requiresApproval ?? mcpApprovalDefault(info)),
      ...(timeoutMs !== undefined && { timeoutMs }),
      ...(maxResultTokens !== undefined && { maxResultTokens }),
      run: async (arguments_, { signal }) =>
        mcpResultOutput(
          info.name,
          await call(info.name, arguments_ as Record<string, unknown>, signal),
        ),
    });
    const definition = Object.freeze({ name, description, inputSchema: schema });
    // The root and (when required) strict checks, on the schema the model will be shown.
    openAISchema({ definition, ...(strict !== undefined && { strict }) });
    return Object.freeze({ ...tool, ...(strict !== undefined && { strict }), definition });
  } catch (cause) {
    const reason = ToolSchemaError.isInstance(cause) ? cause.reason : (cause as Error).message;
    throw new McpToolError({ toolName: info.name, reason, cause });
  }
}
