/**
 * The error an MCP tool's `run` throws: the dispatcher hands its message to the model as a
 * failed tool result, so the model can read what went wrong.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.McpToolCallError';
const symbol = Symbol.for(marker);

/**
 * Why an MCP call failed: the tool reported an error (`isError`), the server answered with a
 * protocol error, or the connection was gone.
 */
export type McpToolCallFailure = 'tool-error' | 'server-error' | 'disconnected';

/**
 * An MCP tool call that did not produce a result.
 *
 * @example
 * ```ts
 * const { record } = await toolbox.dispatch(call);
 * if (record.errorType === 'McpToolCallError') reconnectLater();
 * ```
 */
export class McpToolCallError extends KeelError {
  protected readonly [symbol] = true;

  /** The tool's name on the server. */
  readonly toolName: string;
  readonly reason: McpToolCallFailure;
  /** False when the tool itself reported the error; true when the server or connection failed. */
  readonly isRetryable: boolean;

  constructor({
    toolName,
    reason,
    message,
    cause,
  }: { toolName: string; reason: McpToolCallFailure; message: string; cause?: unknown }) {
    super({ name: 'McpToolCallError', message, cause });
    this.toolName = toolName;
    this.reason = reason;
    this.isRetryable = reason !== 'tool-error';
  }

  /** True for a {@link McpToolCallError} from any copy of Keel. */
  static override isInstance(error: unknown): error is McpToolCallError {
    return KeelError.hasMarker(error, marker);
  }
}
