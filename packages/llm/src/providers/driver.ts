/**
 * What the client engine needs from a provider: send a request as a stream and adapt it to
 * StreamParts. Everything else (budgets, retries, timeouts, cost, caching, instrumentation) is
 * the engine's, the same for every provider.
 */
import type {
  AssistantMessage,
  ChatRequest,
  FilePart,
  FileSource,
  ImageSource,
  StreamPart,
  ToolCallPart,
  UserMessage,
} from '@keel/core';
import { encodeBase64 } from '@keel/core/internal';
import type { StreamAdapterOptions } from '@keel/streaming';
import type { ProviderApi } from './assert-provider-options';

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
  /** The request with its provider options and files checked for the driver's API. */
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
  /** The API it speaks: what its requests' provider options and files are checked against. */
  readonly api: ProviderApi;
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

/**
 * An inline source as base64 with its media type. Requests reach the drivers with their files
 * checked and inline data already base64 (see `prepareFiles`); raw bytes are encoded here for
 * callers that skip that step, such as token counting.
 */
export function inlineData(
  source: Exclude<ImageSource | FileSource, { type: 'url' }>,
  fallbackType: string,
): { mediaType: string; data: string } {
  return {
    mediaType: source.mediaType ?? fallbackType,
    data: source.type === 'base64' ? source.data : encodeBase64(source.data),
  };
}

/** A Keel image or document as a URL (a data: URL for inline data), as OpenAI takes them. */
function sourceUrl(source: ImageSource | FileSource, fallbackType: string): string {
  if (source.type === 'url') return source.url;
  const { mediaType, data } = inlineData(source, fallbackType);
  return `data:${mediaType};base64,${data}`;
}

/** How one OpenAI API spells a user message's parts. */
export interface OpenAIPartShapes<Part> {
  text(text: string): Part;
  image(url: string): Part;
  /** A document: `url` is a data: URL for inline data; `isUrl` tells a fetched one apart. */
  file(url: string, isUrl: boolean, filename: string): Part;
}

/** A user message's content in an OpenAI API's shape. */
export function openAIUserContent<Part>(
  content: UserMessage['content'],
  shapes: OpenAIPartShapes<Part>,
): string | Part[] {
  if (typeof content === 'string') return content;
  return content.map((part) => {
    if (part.type === 'text') return shapes.text(part.text);
    if (part.type === 'image') return shapes.image(sourceUrl(part.source, 'image/png'));
    return shapes.file(
      sourceUrl(part.source, 'application/pdf'),
      part.source.type === 'url',
      fileName(part),
    );
  });
}

/** A document's name as the provider shows it: the one given, else `document.pdf` or `.txt`. */
export function fileName(part: FilePart): string {
  const text = part.source.mediaType === 'text/plain';
  return part.filename ?? (text ? 'document.txt' : 'document.pdf');
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
