/**
 * @keel/streaming: provider streams to one typed event stream, and back to SSE for browsers.
 */
export type { ProviderStreamSource, StreamAdapterOptions } from './adapt-stream';
export { type CollectedStream, collect } from './collect';
export { createSSEDecoderStream } from './create-sse-decoder-stream';
export { fromAnthropic } from './from-anthropic';
export { fromOpenAIChat } from './from-openai-chat';
export { fromOpenAIResponses } from './from-openai-responses';
export { type ParseSSEOptions, parseSSE } from './parse-sse';
export type { StreamStats, ToolInputPreview } from './part-writer';
export { createPartialJsonParser, type PartialJsonParser } from './partial-json-parser';
export { ProviderStreamError, type StreamProvider } from './provider-stream-error';
export type { ChunkSource, ReadGuardOptions } from './source-reader';
export { SSEEventTooLargeError } from './sse-event-too-large-error';
export {
  createSSEParser,
  DEFAULT_MAX_EVENT_SIZE,
  type SSEEvent,
  type SSEParser,
  type SSEParserOptions,
} from './sse-parser';
export { StreamParseError } from './stream-parse-error';
export { StreamTimeoutError, type StreamTimeoutPhase } from './stream-timeout-error';
export { StreamTruncatedError } from './stream-truncated-error';
export { tee } from './tee';
export { type SSEResponseOptions, toSSEResponse } from './to-sse-response';
export { type SSEStreamOptions, toSSEStream } from './to-sse-stream';
export { ToolInputParseError } from './tool-input-parse-error';
export { withTimeouts } from './with-timeouts';
