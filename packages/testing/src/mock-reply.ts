/**
 * What a test scripts: one provider-neutral reply, rendered into whichever wire protocol the
 * request arrived on, plus the faults to inject while sending it.
 */
import type { FinishReason, Usage } from '@keel/core';

/** A tool call the scripted model makes. */
export interface MockToolCall {
  /** Call id; default a deterministic `call_…` / `toolu_…` id. */
  id?: string;
  name: string;
  /** Arguments as a value (serialised with JSON.stringify). */
  input?: unknown;
  /** Arguments as raw JSON text, sent exactly as given (invalid JSON on purpose is fine). */
  arguments?: string;
}

/** A tool the provider runs itself (Anthropic web search, code execution), with its result. */
export interface MockServerToolCall {
  /** Call id; default a deterministic `srvtoolu_…` id. */
  id?: string;
  /** The server tool's name: `web_search`, `code_execution`, ... */
  name: string;
  input?: unknown;
  /** The result block's type; default `<name>_tool_result`. */
  resultType?: string;
  /** The result block's `content`, in the provider's wire shape. */
  result?: unknown;
}

/** The content of a reply, shared by the mock server and the fake chat model. */
export interface ScriptedReply {
  /** The answer's text. */
  text?: string;
  /** The text as explicit stream deltas; overrides `text`. Default: one delta per word. */
  chunks?: string[];
  /** Visible reasoning: Anthropic thinking blocks, OpenAI Responses reasoning summaries. */
  reasoning?: string;
  /** Anthropic thinking signature; default a deterministic one. */
  reasoningSignature?: string;
  /** Tool calls, in order (parallel tool calls when more than one). */
  toolCalls?: MockToolCall[];
  /** Anthropic: server tools run before the text, each a `server_tool_use` and its result block. */
  serverToolCalls?: MockServerToolCall[];
  /** Anthropic: citations of the text in the wire shape, streamed as `citations_delta`. */
  citations?: Array<Record<string, unknown>>;
  /** Why the model stopped; default `tool-calls` when there are tool calls, else `stop`. */
  finishReason?: Exclude<FinishReason, 'abort' | 'error'>;
  /**
   * Usage in Keel's normalised terms (`inputTokens` includes cached tokens); rendered in each
   * provider's own accounting. Missing fields are estimated from the request and reply.
   */
  usage?: Partial<Usage>;
}

/** An HTTP error answered in the provider's own error shape. */
export interface MockError {
  /** HTTP status, 400 to 599 (529 is Anthropic's "overloaded"). */
  status: number;
  /** Provider error type; default from the status (`rate_limit_error`, `server_error`, ...). */
  type?: string;
  /** OpenAI error `code` (`rate_limit_exceeded`, `insufficient_quota`, ...). */
  code?: string;
  /** Error message; default a realistic one for the status. */
  message?: string;
  /** `retry-after`: seconds, or an HTTP date string. */
  retryAfter?: number | string;
  /** `retry-after-ms`. */
  retryAfterMs?: number;
  /** `x-should-retry: true | false`. */
  shouldRetry?: boolean;
}

/** Faults injected while a response is sent. Byte and event counts are of the body. */
export interface MockFaults {
  /** Wait this long before sending status and headers. */
  delayMs?: number;
  /** Drip-feed: content deltas (about one token each) at this rate. */
  tokensPerSecond?: number;
  /** Stop writing after this many body bytes (mid-event is fine); the connection stays open. */
  stallAfterBytes?: number;
  /** Stop writing after this many SSE events; the connection stays open. */
  stallAfterEvents?: number;
  /** How long a stall lasts before writing resumes; default forever (until the client gives up). */
  stallMs?: number;
  /** Reset the TCP connection (RST) after this many body bytes. */
  resetAfterBytes?: number;
  /** Reset the TCP connection (RST) after this many SSE events. */
  resetAfterEvents?: number;
  /** End the stream cleanly but without its terminal event (`[DONE]`, `message_stop`, `response.completed`). */
  omitTerminalEvent?: boolean;
  /** Corrupt the JSON of the SSE event at this 0-based index (for a JSON body: truncate it). */
  malformedEvent?: number;
  /** Split every multi-byte UTF-8 character that starts a write's first multi-byte run across two writes. */
  splitUtf8?: boolean;
  /** Send an extra text delta this many bytes long before the content (tests event size limits). */
  oversizedEventBytes?: number;
  /** Send the provider's mid-stream error event after this many events, then end the stream. */
  streamError?: { afterEvents: number; type?: string; message?: string };
}

/** One scripted answer of the mock server. */
export interface MockReply extends ScriptedReply {
  /** Answer with this HTTP error instead of content. */
  error?: MockError;
  /** Embedding vectors (embeddings route); default deterministic vectors derived from the input. */
  embeddings?: number[][];
  /** The model reported in the response; default the requested one. */
  model?: string;
  /** Extra or overriding response headers. */
  headers?: Record<string, string>;
  /** Faults to inject while sending. */
  faults?: MockFaults;
}
