/**
 * The output of a route renderer: a JSON body or a list of SSE events, before faults.
 */
import type { ResolvedReply } from '../resolve-reply';

/** One server-sent event. `data` is one line of JSON (or `[DONE]`). */
export interface SseEvent {
  event?: string;
  data: string;
  /** A content delta (text, reasoning or tool arguments): paced by the drip-feed fault. */
  content?: boolean;
  /** The stream's terminal event, dropped by the `omitTerminalEvent` fault. */
  terminal?: boolean;
}

/** What a renderer produces. */
export type Rendered = { kind: 'json'; body: unknown } | { kind: 'sse'; events: SseEvent[] };

/** Deterministic ids, unique within one mock server. */
export interface IdSource {
  next(prefix: string): string;
}

/** Everything a renderer reads. */
export interface RenderContext {
  body: Record<string, unknown>;
  reply: ResolvedReply;
  ids: IdSource;
  /** Unix time in seconds. */
  created: number;
  /** Embedding vectors, for the embeddings route. */
  embeddings: number[][];
}

/** Serialises an event in the SSE wire format. */
export function encodeSseEvent({ event, data }: SseEvent): string {
  return `${event === undefined ? '' : `event: ${event}\n`}data: ${data}\n\n`;
}
