/**
 * A tool defined once: a zod schema for its input (and optionally its output), what it does to
 * the world, and the function that runs it. Every provider format is derived from this.
 */
import {
  InvalidArgumentError,
  type JsonSchema,
  type RequestMetadata,
  type ToolDefinition,
} from '@keel/core';
import { assertDelay, assertNumber } from '@keel/core/internal';
import { z } from 'zod';
import { openAISchema } from './provider-tools';

/**
 * What running a tool does: `read` only reads, `write` changes your own data, `external`
 * acts outside your system (sends mail, charges a card). `write` and `external` need approval
 * by default.
 */
export type ToolEffect = 'read' | 'write' | 'external';

const EFFECTS: readonly ToolEffect[] = ['read', 'write', 'external'];

/** Tool names every provider accepts. */
const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** What a tool's `run` receives besides its validated input. */
export interface ToolRunContext {
  /** Aborts when the caller cancels or the tool's `timeoutMs` passes; pass it to I/O. */
  signal: AbortSignal;
  /** The model's id for this call. */
  toolCallId: string;
  /** Who and what the call is for, as given to `dispatch`. */
  metadata?: RequestMetadata;
}

/** What {@link defineTool} takes. */
export interface ToolConfig<Input extends z.ZodType, Output> {
  /** `[a-zA-Z0-9_-]{1,64}`, unique within a toolbox. */
  name: string;
  /** When and why to call the tool, written for the model. */
  description: string;
  /** Schema of the input; its root must be an object (`z.object(...)`). */
  input: Input;
  /** Schema the output must match; a mismatch is reported as a failed call. */
  output?: z.ZodType<Output>;
  /** Does the work. Receives only input that passed `input`. */
  run(input: z.output<Input>, context: ToolRunContext): Output | Promise<Output>;
  effect: ToolEffect;
  /** Default: true for `write` and `external`, false for `read`. */
  requiresApproval?: boolean;
  /** Milliseconds a run may take before it is abandoned and reported as timed out. */
  timeoutMs?: number;
  /** Token budget of the result handed back to the model; longer results are cut. */
  maxResultTokens?: number;
  /**
   * OpenAI strict mode: `true` requires a strict-compatible schema (else {@link defineTool}
   * throws), `false` never sends strict, omitted sends strict whenever the schema allows it.
   */
  strict?: boolean;
}

/** A defined tool: its config plus the JSON Schema of its input. */
export interface Tool<Input extends z.ZodType = z.ZodType, Output = unknown>
  extends Readonly<ToolConfig<Input, Output>> {
  /** What a model is told about the tool (JSON Schema of the input, as accepted on input). */
  readonly definition: ToolDefinition;
}

/** Any tool, whatever its input and output types. */
// biome-ignore lint/suspicious/noExplicitAny: a toolbox holds tools of every input type.
export type AnyTool = Tool<any, any>;

/**
 * The JSON Schema of a zod input schema, as the model must produce it (before transforms and
 * defaults). The `$schema` keyword is left out: providers do not need it.
 */
function inputJsonSchema(schema: z.ZodType): JsonSchema {
  let converted: JsonSchema;
  try {
    converted = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as JsonSchema;
  } catch (cause) {
    throw new InvalidArgumentError({
      argument: 'input',
      message: `input cannot be written as JSON Schema (${
        cause instanceof Error ? cause.message : String(cause)
      }); use JSON types the model can produce (no z.date(), z.bigint() or bare transforms)`,
      cause,
    });
  }
  const { $schema: _ignored, ...rest } = converted;
  return rest;
}

/**
 * Defines a tool. The model sees its name, description and input schema; `run` sees only
 * validated input.
 *
 * @throws InvalidArgumentError for a bad name, an input schema whose root is not an object,
 * an unknown effect or bad limits.
 * @throws ToolSchemaError for `strict: true` with a schema OpenAI strict mode cannot take.
 * @example
 * ```ts
 * const getWeather = defineTool({
 *   name: 'get_weather',
 *   description: 'Current weather for a city.',
 *   input: z.object({ city: z.string().max(100) }),
 *   effect: 'read',
 *   run: async ({ city }, { signal }) => weather.lookup(city, { signal }),
 * });
 * ```
 */
export function defineTool<Input extends z.ZodType, Output>(
  config: ToolConfig<Input, Output>,
): Tool<Input, Output> {
  const { name, description, input, run, effect, timeoutMs, maxResultTokens } = config;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new InvalidArgumentError({
      argument: 'name',
      message: `Tool name must match [a-zA-Z0-9_-]{1,64} (what OpenAI and Anthropic accept), got ${JSON.stringify(name)}`,
    });
  }
  if (typeof description !== 'string' || description.trim() === '') {
    throw new InvalidArgumentError({
      argument: 'description',
      message: `Tool "${name}" needs a description: tell the model when and why to call it`,
    });
  }
  if (!(input instanceof z.ZodType)) {
    throw new InvalidArgumentError({
      argument: 'input',
      message: `Tool "${name}" needs a zod 4 schema as input, e.g. z.object({ city: z.string() })`,
    });
  }
  if (typeof run !== 'function') {
    throw new InvalidArgumentError({
      argument: 'run',
      message: `Tool "${name}" needs a run(input, context) function`,
    });
  }
  if (!EFFECTS.includes(effect)) {
    throw new InvalidArgumentError({
      argument: 'effect',
      message: `Tool "${name}" effect must be 'read', 'write' or 'external', got ${JSON.stringify(effect)}`,
    });
  }
  if (timeoutMs !== undefined) assertDelay('timeoutMs', timeoutMs, { integer: true, min: 1 });
  if (maxResultTokens !== undefined) {
    assertNumber('maxResultTokens', maxResultTokens, { integer: true, min: 1 });
  }
  const inputSchema = inputJsonSchema(input);
  if (inputSchema.type !== 'object' || 'anyOf' in inputSchema || 'oneOf' in inputSchema) {
    throw new InvalidArgumentError({
      argument: 'input',
      message: `Tool "${name}" input must be an object schema (z.object(...)); providers reject other roots. Wrap a union in an object: z.object({ action: z.discriminatedUnion(...) })`,
    });
  }
  const definition = Object.freeze({ name, description, inputSchema });
  // Fails now, not at the first request, when strict mode was required but is impossible.
  if (config.strict === true) openAISchema({ definition, strict: true });
  return Object.freeze({ ...config, definition });
}
