/**
 * What the default answer and usage estimates need from a request, read from any provider's
 * request body (or a Keel ChatRequest) without trusting its shape.
 */
import type { ChatRequest } from '@keel/core';
import type { MockRoute } from './routes';

/** The parts of a request that shape an unscripted reply. */
export interface RequestSummary {
  model: string;
  /** Text of the last user turn. */
  lastUserText: string;
  /** All prompt text (system, messages, tools), for input token estimates. */
  promptText: string;
  tools: Array<{ name: string; schema: unknown }>;
  /** A tool the request forces: its name, or `'any'` for "call some tool". */
  forcedTool?: string;
  /** Requested structured output: a JSON Schema, or `true` for free-form JSON. */
  json?: unknown;
  maxTokens?: number;
  /** Embeddings: the inputs and requested dimensions. */
  embeddingInputs: string[];
  dimensions?: number;
}

type Body = Record<string, unknown>;

const asRecord = (value: unknown): Body =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Body) : {};
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;
const asNumber = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** The text of message content that is a string or an array of `{ text }` parts. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  return asArray(content)
    .map((part) => asString(asRecord(part).text) ?? '')
    .join('');
}

function lastUser(messages: unknown[]): string {
  const user = [...messages].reverse().find((m) => asRecord(m).role === 'user');
  return contentText(asRecord(user).content);
}

/** Reads the request body of a mock route. */
export function summarizeRequest(route: MockRoute, body: Body): RequestSummary {
  const model = asString(body.model) ?? 'unknown-model';
  const promptText = JSON.stringify([
    body.system,
    body.instructions,
    body.messages,
    body.input,
    body.tools,
  ]);
  const base: RequestSummary = {
    model,
    lastUserText: '',
    promptText,
    tools: [],
    embeddingInputs: [],
  };
  switch (route) {
    case 'openai.chat': {
      const format = asRecord(body.response_format);
      const choice = body.tool_choice;
      return {
        ...base,
        lastUserText: lastUser(asArray(body.messages)),
        tools: asArray(body.tools).map((t) => {
          const fn = asRecord(asRecord(t).function);
          return { name: asString(fn.name) ?? 'tool', schema: fn.parameters };
        }),
        forcedTool:
          choice === 'required' ? 'any' : asString(asRecord(asRecord(choice).function).name),
        json:
          format.type === 'json_schema'
            ? (asRecord(format.json_schema).schema ?? {})
            : format.type === 'json_object' || undefined,
        maxTokens: asNumber(body.max_completion_tokens) ?? asNumber(body.max_tokens),
      };
    }
    case 'openai.responses': {
      const input = body.input;
      const format = asRecord(asRecord(body.text).format);
      const choice = body.tool_choice;
      return {
        ...base,
        lastUserText: typeof input === 'string' ? input : lastUser(asArray(input)),
        tools: asArray(body.tools).map((t) => ({
          name: asString(asRecord(t).name) ?? 'tool',
          schema: asRecord(t).parameters,
        })),
        forcedTool: choice === 'required' ? 'any' : asString(asRecord(choice).name),
        json:
          format.type === 'json_schema'
            ? (format.schema ?? {})
            : format.type === 'json_object' || undefined,
        maxTokens: asNumber(body.max_output_tokens),
      };
    }
    case 'anthropic.messages':
    case 'anthropic.count_tokens': {
      const choice = asRecord(body.tool_choice);
      return {
        ...base,
        lastUserText: lastUser(asArray(body.messages)),
        tools: asArray(body.tools).map((t) => ({
          name: asString(asRecord(t).name) ?? 'tool',
          schema: asRecord(t).input_schema,
        })),
        forcedTool:
          choice.type === 'any'
            ? 'any'
            : choice.type === 'tool'
              ? asString(choice.name)
              : undefined,
        maxTokens: asNumber(body.max_tokens),
      };
    }
    case 'openai.embeddings': {
      const input = body.input;
      const inputs = Array.isArray(input) ? input : [input];
      const embeddingInputs = inputs.map((i) => (typeof i === 'string' ? i : JSON.stringify(i)));
      return {
        ...base,
        promptText: embeddingInputs.join('\n'),
        embeddingInputs,
        dimensions: asNumber(body.dimensions),
      };
    }
    case 'cohere.rerank':
    case 'voyage.rerank': {
      // Rerankers read the query with every document, and bill it so.
      const query = asString(body.query) ?? '';
      const documents = asArray(body.documents).map((d) => asString(d) ?? JSON.stringify(d));
      return { ...base, promptText: documents.map((d) => `${query}\n${d}`).join('\n') };
    }
  }
}

/** Reads a Keel {@link ChatRequest}, for the fake chat model. */
export function summarizeChatRequest(request: ChatRequest, modelId: string): RequestSummary {
  const choice = request.toolChoice;
  return {
    model: modelId,
    lastUserText: lastUser(request.messages),
    promptText: JSON.stringify([request.system, request.messages, request.tools]),
    tools: (request.tools ?? []).map((t) => ({ name: t.name, schema: t.inputSchema })),
    forcedTool:
      choice === 'required' ? 'any' : typeof choice === 'object' ? choice.toolName : undefined,
    json: request.responseFormat ? (request.responseFormat.schema ?? true) : undefined,
    maxTokens: request.maxTokens,
    embeddingInputs: [],
  };
}
