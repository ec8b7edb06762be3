/**
 * The error for a tool call whose complete arguments are not valid JSON.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.ToolInputParseError';
const symbol = Symbol.for(marker);

/**
 * A tool call completed but its arguments are invalid or truncated JSON. `text` is the raw
 * argument text exactly as streamed, so the caller can log it, repair it or ask the model again;
 * Keel never substitutes `{}`.
 *
 * @example
 * ```ts
 * if (part.type === 'error' && ToolInputParseError.isInstance(part.error)) {
 *   messages.push(toolResult(part.error.toolCallId, `Invalid JSON arguments: ${part.error.text}`));
 * }
 * ```
 */
export class ToolInputParseError extends KeelError {
  protected readonly [symbol] = true;

  readonly toolCallId: string;
  readonly toolName: string;
  /** The complete argument text, as received. */
  readonly text: string;

  constructor({
    toolCallId,
    toolName,
    text,
    cause,
  }: { toolCallId: string; toolName: string; text: string; cause?: unknown }) {
    super({
      name: 'ToolInputParseError',
      message: `Tool call ${toolCallId} (${toolName}) has arguments that are not valid JSON (${text.length} characters${
        cause instanceof Error ? `: ${cause.message}` : ''
      }); read error.text, and ask the model to call the tool again`,
      cause,
    });
    this.toolCallId = toolCallId;
    this.toolName = toolName;
    this.text = text;
  }

  /** True for a {@link ToolInputParseError} from any copy of Keel. */
  static override isInstance(error: unknown): error is ToolInputParseError {
    return KeelError.hasMarker(error, marker);
  }
}
