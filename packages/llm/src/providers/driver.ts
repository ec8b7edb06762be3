/**
 * What the client engine needs from a provider: send a request as a stream and adapt it to
 * StreamParts. Everything else (budgets, retries, timeouts, cost, caching, instrumentation) is
 * the engine's, the same for every provider.
 */
import type {
  AssistantMessage,
  ChatRequest,
  ImageSource,
  StreamPart,
  ToolCallPart,
  UserMessage,
} from '@keel/core';
import type { StreamAdapterOptions } from '@keel/streaming';

/** Anthropic prompt caching: where the stable prefix ends and how long the cache lives. */
export interface PromptCaching {
  /** Cache lifetime; default `'5m'`. The 1-hour cache costs more to write. */
  ttl?: '5m' | '1h';
  /**
   * How many leading messages are stable history to cache with the system prompt and tools;
   * default 0 (system and tools only).
   */
  pinnedMessages?: number;
}

/** One request, ready for a provider. */
export interface DriverCall {
  request: ChatRequest;
  /** The output limit to send, resolved from the request and the model. */
  maxTokens: number | undefined;
  promptCaching: PromptCaching | undefined;
  /** Aborts the HTTP request. */
  signal: AbortSignal;
  /** Options of the stream adapter (signal, idle timeout, clock, stats). */
  adapter: StreamAdapterOptions;
}

/** The response's identity, filled in as its first events arrive. */
export interface ResponseInfo {
  id?: string;
  model?: string;
}

/** One provider API. */
export interface Driver {
  readonly provider: string;
  readonly modelId: string;
  /** The server the requests go to; part of the response cache's key. */
  readonly baseURL?: string;
  /**
   * Sends `call` as a streaming request. Resolves once the provider accepted it (HTTP errors
   * such as a 429 reject here); the parts follow the @keel/core stream contract.
   */
  open(call: DriverCall, info: ResponseInfo): Promise<AsyncIterable<StreamPart>>;
}

type SdkStream<T> = AsyncIterable<T> & { controller?: AbortController };

/**
 * Passes an SDK stream through unchanged while `read` looks at its first chunks for the
 * response id and model; once `read` returns true, chunks are no longer inspected. The SDK's
 * `controller` stays visible so the adapter can still tell an abort from a clean end.
 */
export function tapResponseInfo<T>(
  stream: SdkStream<T>,
  read: (chunk: T) => boolean,
): SdkStream<T> {
  return {
    controller: stream.controller,
    [Symbol.asyncIterator]() {
      const inner = stream[Symbol.asyncIterator]();
      let found = false;
      return {
        next() {
          if (found) return inner.next();
          return inner.next().then((result) => {
            if (!result.done) found = read(result.value);
            return result;
          });
        },
        return(value?: unknown) {
          return (
            inner.return?.(value) ?? Promise.resolve({ done: true as const, value: undefined })
          );
        },
      };
    },
  };
}

/** Tool results are sent to providers as text. */
export function toolOutputText(output: unknown): string {
  return typeof output === 'string' ? output : JSON.stringify(output);
}

/** A Keel image as an URL (a data: URL for base64 images), as OpenAI takes them. */
function imageUrl(source: ImageSource): string {
  return source.type === 'url' ? source.url : `data:${source.mediaType};base64,${source.data}`;
}

/** A user message's content in an OpenAI API's shape: text as is, each part through `text` or `image`. */
export function openAIUserContent<Part>(
  content: UserMessage['content'],
  text: (text: string) => Part,
  image: (url: string) => Part,
): string | Part[] {
  return typeof content === 'string'
    ? content
    : content.map((part) =>
        part.type === 'text' ? text(part.text) : image(imageUrl(part.source)),
      );
}

/** An assistant message's text and tool calls apart, as the OpenAI APIs take them. */
export function splitAssistant(content: Exclude<AssistantMessage['content'], string>): {
  text: string;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
} {
  return {
    text: content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join(''),
    toolCalls: content
      .filter((part): part is ToolCallPart => part.type === 'tool-call')
      .map((part) => ({
        id: part.toolCallId,
        name: part.toolName,
        arguments: JSON.stringify(part.input ?? {}),
      })),
  };
}
