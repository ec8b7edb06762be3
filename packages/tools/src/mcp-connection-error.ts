/**
 * The error for an MCP server that cannot be reached or whose tool list cannot be read.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.McpConnectionError';
const symbol = Symbol.for(marker);

/** Where connecting to an MCP server failed. */
export type McpConnectionStage = 'connect' | 'list-tools';

/**
 * Connecting to an MCP server failed (the command did not start, the URL did not answer, the
 * handshake was refused), or its tool list could not be read (a server error, a cursor that
 * repeats, more pages than allowed).
 *
 * @example
 * ```ts
 * try { await connectMcpServer({ transport }) } catch (error) {
 *   if (McpConnectionError.isInstance(error)) console.warn(error.stage, error.message);
 * }
 * ```
 */
export class McpConnectionError extends KeelError {
  protected readonly [symbol] = true;

  readonly stage: McpConnectionStage;
  /** `stdio`, `http` or `custom` (a transport object you passed). */
  readonly transport: string;

  constructor({
    stage,
    transport,
    message,
    cause,
  }: { stage: McpConnectionStage; transport: string; message: string; cause?: unknown }) {
    super({ name: 'McpConnectionError', message, cause });
    this.stage = stage;
    this.transport = transport;
  }

  /** True for a {@link McpConnectionError} from any copy of Keel. */
  static override isInstance(error: unknown): error is McpConnectionError {
    return KeelError.hasMarker(error, marker);
  }
}
