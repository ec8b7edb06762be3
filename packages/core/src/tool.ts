/**
 * What a model is told about a tool, and what it asks for when it calls one.
 */
import type { JsonSchema } from './json';

/**
 * A tool as the model sees it: a name, what it is for, and the JSON Schema of its input.
 *
 * @example
 * ```ts
 * const weather: ToolDefinition = {
 *   name: 'get_weather',
 *   description: 'Current weather for a city',
 *   inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
 * };
 * ```
 */
export interface ToolDefinition {
  /** Unique within a request; providers accept `[a-zA-Z0-9_-]{1,64}`. */
  name: string;
  /** When and why to call the tool, written for the model. */
  description: string;
  /** JSON Schema of the tool's input object. */
  inputSchema: JsonSchema;
}

/**
 * One call the model made: which tool, with which input. `input` is the parsed JSON the model
 * produced; it has not been validated against the tool's schema (that is the dispatcher's job).
 *
 * @example
 * ```ts
 * const call: ToolCall = { toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Oslo' } };
 * ```
 */
export interface ToolCall {
  /** The provider's id for this call; the matching result must carry the same id. */
  toolCallId: string;
  /** The tool's {@link ToolDefinition.name}. */
  toolName: string;
  /** Parsed arguments, as the model wrote them. */
  input: unknown;
}

/**
 * How the model may use tools: `'auto'` (may call), `'none'` (must not), `'required'`
 * (must call at least one) or one named tool.
 */
export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'tool'; toolName: string };
