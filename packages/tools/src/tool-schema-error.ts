/**
 * The error for a tool schema a provider cannot take in the form asked for.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.ToolSchemaError';
const symbol = Symbol.for(marker);

/**
 * A tool's input schema cannot be sent to `provider` as asked: strict mode was required but the
 * schema uses something strict mode cannot express, or the root is not an object.
 *
 * @example
 * ```ts
 * try { toOpenAIChatTool(tool, { strict: true }) } catch (error) {
 *   if (ToolSchemaError.isInstance(error)) console.warn(error.toolName, error.reason);
 * }
 * ```
 */
export class ToolSchemaError extends KeelError {
  protected readonly [symbol] = true;

  readonly toolName: string;
  readonly provider: string;
  /** What in the schema the provider rejects. */
  readonly reason: string;

  constructor({
    toolName,
    provider,
    reason,
    advice,
  }: { toolName: string; provider: string; reason: string; advice: string }) {
    super({
      name: 'ToolSchemaError',
      message: `Tool "${toolName}" cannot be sent to ${provider}: ${reason}; ${advice}`,
    });
    this.toolName = toolName;
    this.provider = provider;
    this.reason = reason;
  }

  /** True for a {@link ToolSchemaError} from any copy of Keel. */
  static override isInstance(error: unknown): error is ToolSchemaError {
    return KeelError.hasMarker(error, marker);
  }
}
