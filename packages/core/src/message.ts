/**
 * The conversation as every Keel layer exchanges it: provider-neutral messages made of
 * tagged content parts.
 */
import type { ToolCall } from './tool';

/** Plain text. */
export interface TextPart {
  type: 'text';
  text: string;
}

/** The image formats both providers read. */
export type ImageMediaType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

/**
 * Where an image's bytes come from: a URL the provider fetches, inline base64 data, or the raw
 * bytes. Inline images are checked before sending: their first bytes must be a PNG, JPEG, GIF
 * or WebP (and match `mediaType` when it is given).
 */
export type ImageSource =
  | { type: 'url'; url: string }
  | { type: 'base64'; mediaType: ImageMediaType; data: string }
  | { type: 'bytes'; mediaType?: ImageMediaType; data: Uint8Array };

/** An image given to the model. */
export interface ImagePart {
  type: 'image';
  source: ImageSource;
}

/** The document formats Keel sends: PDF (both providers) and plain text (Anthropic). */
export type DocumentMediaType = 'application/pdf' | 'text/plain';

/**
 * Where a document's bytes come from: a URL the provider fetches, inline base64 data, or the
 * raw bytes. A PDF's first bytes must be `%PDF-`.
 */
export type FileSource =
  | { type: 'url'; url: string; mediaType?: DocumentMediaType }
  | { type: 'base64'; mediaType: DocumentMediaType; data: string }
  | { type: 'bytes'; mediaType?: DocumentMediaType; data: Uint8Array };

/**
 * A document given to the model: a PDF or a plain-text file.
 *
 * @example
 * ```ts
 * const part: FilePart = {
 *   type: 'file',
 *   source: { type: 'bytes', mediaType: 'application/pdf', data: await readFile('report.pdf') },
 *   filename: 'report.pdf',
 *   citations: true,
 * };
 * ```
 */
export interface FilePart {
  type: 'file';
  source: FileSource;
  /** The file's name, shown to the model (OpenAI `filename`, Anthropic `title`). */
  filename?: string;
  /** Ask the model to cite this document (Anthropic citations); answers carry `citation` parts. */
  citations?: boolean;
}

/** The model's request to run a tool, kept in the assistant message that made it. */
export interface ToolCallPart extends ToolCall {
  type: 'tool-call';
}

/**
 * The outcome of one tool call, sent back to the model. `output` is a string or any
 * JSON-serialisable value; `isError` tells the model the call failed and why, so it can correct it.
 */
export interface ToolResultPart {
  type: 'tool-result';
  toolCallId: string;
  toolName: string;
  output: unknown;
  isError?: boolean;
}

/**
 * The model's visible reasoning (Anthropic thinking blocks, OpenAI reasoning summaries).
 * Anthropic requires thinking blocks, with their `signature`, to be sent back unchanged in
 * tool-use loops; other providers ignore this part on input.
 */
export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  signature?: string;
}

/** Any part of a message's content. */
export type ContentPart =
  | TextPart
  | ImagePart
  | FilePart
  | ToolCallPart
  | ToolResultPart
  | ReasoningPart;

/** Instructions from the application. Most requests put these in `ChatRequest.system` instead. */
export interface SystemMessage {
  role: 'system';
  content: string;
}

/** What the user said, optionally with images and documents. */
export interface UserMessage {
  role: 'user';
  content: string | Array<TextPart | ImagePart | FilePart>;
}

/** What the model said: text, reasoning and tool calls. */
export interface AssistantMessage {
  role: 'assistant';
  content: string | Array<TextPart | ReasoningPart | ToolCallPart>;
}

/** Results of the tool calls of the preceding assistant message. */
export interface ToolMessage {
  role: 'tool';
  content: ToolResultPart[];
}

/**
 * One turn of a conversation.
 *
 * @example
 * ```ts
 * const messages: Message[] = [
 *   { role: 'user', content: 'Weather in Oslo?' },
 *   { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'get_weather', input: { city: 'Oslo' } }] },
 *   { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'get_weather', output: { tempC: 4 } }] },
 * ];
 * ```
 */
export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

/** The role of a {@link Message}. */
export type Role = Message['role'];
