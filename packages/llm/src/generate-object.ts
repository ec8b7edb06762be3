/**
 * Structured output: a zod schema in, a validated object out, over any ChatModel. The schema
 * goes to the provider's native mode (OpenAI structured outputs, Anthropic forced tool) through
 * `responseFormat`; answers that do not validate are sent back with the problems, a bounded
 * number of times.
 */
import {
  addUsage,
  type CallOptions,
  type ChatModel,
  type ChatRequest,
  EMPTY_USAGE,
  type GenerateResult,
  InvalidArgumentError,
  type JsonSchema,
  type Message,
  type StreamPart,
  type Usage,
} from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { createPartialJsonParser } from '@keel/streaming';
import type { z } from 'zod';
import { costOf } from './cost';
import { ObjectValidationError } from './object-validation-error';
import type { LlmCallOptions, LlmStream } from './types';

/** A request for structured output: the chat request, minus `responseFormat`, plus the schema. */
export interface ObjectRequest<Schema extends z.ZodType>
  extends Omit<ChatRequest, 'responseFormat'> {
  schema: Schema;
  /** The schema's name, as providers show it to the model; default `'response'`. */
  schemaName?: string;
}

/** Options of {@link generateObject}. */
export interface GenerateObjectOptions extends LlmCallOptions {
  /** Answers sent back for correction after the first; default 2 (three calls at most). */
  maxRepairs?: number;
}

/** The validated object, with what it took to get it. */
export interface ObjectResult<T> {
  object: T;
  /** The answer's JSON text. */
  text: string;
  /** Calls made, the first included. */
  attempts: number;
  /** Tokens of every call together. */
  usage: Usage;
  /** Cost of every call together; `undefined` when a model's price is unknown. */
  costUsd: number | undefined;
}

/** A stream of ever more complete partial objects; `result` settles once it ends. */
export interface ObjectStream<T> extends AsyncIterable<unknown> {
  /** The validated object; rejects with {@link ObjectValidationError} when it does not match. */
  readonly result: Promise<ObjectResult<T>>;
}

function assertSchema(schema: unknown): asserts schema is z.ZodType {
  const candidate = schema as { safeParse?: unknown; toJSONSchema?: unknown } | null;
  if (typeof candidate?.safeParse !== 'function' || typeof candidate.toJSONSchema !== 'function') {
    throw new InvalidArgumentError({
      argument: 'schema',
      message: 'schema must be a zod 4 schema, e.g. z.object({ title: z.string() })',
    });
  }
}

function chatRequest<Schema extends z.ZodType>({
  schema,
  schemaName,
  ...request
}: ObjectRequest<Schema>): ChatRequest {
  assertSchema(schema);
  const jsonSchema = schema.toJSONSchema({ target: 'draft-7', io: 'output' }) as JsonSchema & {
    $schema?: string;
  };
  const { $schema: _dialect, ...body } = jsonSchema;
  return {
    ...request,
    responseFormat: { type: 'json', schema: body, name: schemaName ?? 'response' },
  };
}

/** The JSON text of an answer, without a Markdown code fence some models put around it. */
function jsonText(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/.exec(text);
  return fenced?.[1] ?? text;
}

type Checked<T> = { ok: true; object: T } | { ok: false; issues: string[] };

function check<Schema extends z.ZodType>(schema: Schema, text: string): Checked<z.output<Schema>> {
  let value: unknown;
  try {
    value = JSON.parse(jsonText(text));
  } catch (error) {
    return { ok: false, issues: [`(root): not valid JSON (${(error as Error).message})`] };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, object: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map(
      (issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`,
    ),
  };
}

function repairMessages(text: string, issues: string[]): Message[] {
  return [
    { role: 'assistant', content: text },
    {
      role: 'user',
      content:
        'That answer does not match the required JSON schema:\n' +
        issues.map((issue) => `- ${issue}`).join('\n') +
        '\nReply with only the corrected JSON.',
    },
  ];
}

/** The cost of one answer: the Keel client's own figure, else priced from the catalogue. */
function answerCost(model: ChatModel, result: GenerateResult): number | undefined {
  const known = (result as { costUsd?: number }).costUsd;
  return known ?? costOf(result.usage, model.modelId)?.total;
}

function sumCost(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a + b;
}

/**
 * Asks `model` for an object matching `schema`, validates it, and repairs invalid answers by
 * sending the validation problems back (at most `maxRepairs` times). Usage and cost count
 * every call.
 *
 * @throws ObjectValidationError when the last answer is still invalid.
 * @example
 * ```ts
 * const { object } = await generateObject(model, {
 *   schema: z.object({ title: z.string(), tags: z.array(z.string()) }),
 *   messages: [{ role: 'user', content: `Title and tags for: ${article}` }],
 * });
 * ```
 */
export async function generateObject<Schema extends z.ZodType>(
  model: ChatModel,
  request: ObjectRequest<Schema>,
  { maxRepairs = 2, ...callOptions }: GenerateObjectOptions = {},
): Promise<ObjectResult<z.output<Schema>>> {
  assertNumber('maxRepairs', maxRepairs, { integer: true, min: 0 });
  const base = chatRequest(request);
  let messages = base.messages;
  let usage: Usage = EMPTY_USAGE;
  let costUsd: number | undefined = 0;
  for (let attempt = 1; ; attempt++) {
    const result = await model.generate({ ...base, messages }, callOptions as CallOptions);
    usage = addUsage(usage, result.usage);
    costUsd = sumCost(costUsd, answerCost(model, result));
    const checked = check(request.schema, result.text);
    if (checked.ok)
      return { object: checked.object, text: result.text, attempts: attempt, usage, costUsd };
    if (attempt > maxRepairs) {
      throw new ObjectValidationError({
        attempts: attempt,
        issues: checked.issues,
        text: result.text,
        usage,
        ...(costUsd !== undefined && { costUsd }),
      });
    }
    messages = [...messages, ...repairMessages(result.text, checked.issues)];
  }
}

/**
 * Streams an object matching `schema`: iterating yields the object parsed so far after every
 * text delta (a fresh snapshot each time), and `result` validates the whole. A stream cannot
 * be repaired; an invalid end rejects `result` (and the iteration) with
 * {@link ObjectValidationError}.
 *
 * @example
 * ```ts
 * const stream = streamObject(model, { schema, messages });
 * for await (const partial of stream) render(partial);
 * const { object, costUsd } = await stream.result;
 * ```
 */
export function streamObject<Schema extends z.ZodType>(
  model: ChatModel,
  request: ObjectRequest<Schema>,
  callOptions: LlmCallOptions = {},
): ObjectStream<z.output<Schema>> {
  const base = chatRequest(request);
  let settle!: {
    resolve: (value: ObjectResult<z.output<Schema>>) => void;
    reject: (error: unknown) => void;
  };
  const result = new Promise<ObjectResult<z.output<Schema>>>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Callers that only iterate still see the failure there; this keeps it from going unhandled.
  result.catch(() => {});

  async function* partials(): AsyncGenerator<unknown, void, undefined> {
    const parser = createPartialJsonParser();
    let text = '';
    let usage: Usage = EMPTY_USAGE;
    let failure: unknown;
    const stream = model.stream(base, callOptions) as AsyncIterable<StreamPart> &
      Partial<LlmStream>;
    try {
      for await (const part of stream) {
        if (part.type === 'text-delta') {
          text += part.text;
          const value = parser.push(part.text);
          if (value !== undefined && parser.valid) yield structuredClone(value);
        } else if (part.type === 'usage') {
          usage = part.usage;
        } else if (part.type === 'error') {
          failure ??= part.error;
        } else if (part.type === 'finish' && part.reason === 'abort') {
          failure ??=
            callOptions.signal?.reason ??
            new DOMException('This operation was aborted', 'AbortError');
        }
      }
      if (failure !== undefined) throw failure;
      const checked = check(request.schema, text);
      const summary = await stream.result;
      if (summary !== undefined) usage = summary.usage;
      const costUsd = summary !== undefined ? summary.costUsd : costOf(usage, model.modelId)?.total;
      if (!checked.ok) {
        throw new ObjectValidationError({
          attempts: 1,
          issues: checked.issues,
          text,
          usage,
          ...(costUsd !== undefined && { costUsd }),
        });
      }
      settle.resolve({ object: checked.object, text, attempts: 1, usage, costUsd });
    } catch (error) {
      settle.reject(error);
      throw error;
    } finally {
      // The consumer stopped early: there is no whole object to validate (a no-op once settled).
      settle.reject(new DOMException('The object stream was not read to its end', 'AbortError'));
    }
  }

  let iterator: AsyncGenerator<unknown, void, undefined> | undefined;
  return {
    result,
    [Symbol.asyncIterator]() {
      iterator ??= partials();
      return iterator;
    },
  };
}
