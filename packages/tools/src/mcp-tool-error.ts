/**
 * The error for a tool an MCP server lists that Keel cannot turn into a tool.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.McpToolError';
const symbol = Symbol.for(marker);

/**
 * A tool listed by an MCP server has a name providers reject (after the prefix) or an input
 * schema that is not an object schema Keel can validate.
 *
 * @example
 * ```ts
 * await connectMcpServer({ transport, filter: (tool) => tool.name !== 'legacy.search' });
 * ```
 */
export class McpToolError extends KeelError {
  protected readonly [symbol] = true;

  /** The tool's name on the server. */
  readonly toolName: string;
  /** What Keel cannot take. */
  readonly reason: string;

  constructor({ toolName, reason, cause }: { toolName: string; reason: string; cause?: unknown }) {
    super({
      name: 'McpToolError',
      message: `The MCP tool ${JSON.stringify(toolName)} cannot be used: ${reason}; leave it out with filter (a prefix counts toward the 64-character limit)`,
      cause,
    });
    this.toolName = toolName;
    this.reason = reason;
  }

  /** True for a {@link McpToolError} from any copy of Keel. */
  static override isInstance(error: unknown): error is McpToolError {
    return KeelError.hasMarker(error, marker);
  }
}
