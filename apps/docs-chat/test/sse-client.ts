/**
 * A test client of POST /api/chat: sends a body, parses the event stream with
 * @keel/streaming, and checks the protocol's invariants on the way.
 */
import { parseSSE } from '@keel/streaming';
import type { ChatEvent } from '../src/chat-events';

/** A chat response: status, headers, and the events (empty when the request was refused). */
export interface ChatResponse {
  status: number;
  headers: Headers;
  events: ChatEvent[];
  /** The JSON body of a refused request. */
  error?: { code: string; message: string; fields?: Record<string, string> };
}

/** Posts `body` as the user and reads the whole answer. */
export async function postChat(
  url: string,
  body: unknown,
  {
    userId = 'alice',
    signal,
    onEvent,
  }: { userId?: string; signal?: AbortSignal; onEvent?: (event: ChatEvent) => void } = {},
): Promise<ChatResponse> {
  const response = await fetch(`${url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user-id': userId },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(signal && { signal }),
  });
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
    const json = (await response.json()) as { error: ChatResponse['error'] };
    return { status: response.status, headers: response.headers, events: [], error: json.error };
  }
  const events: ChatEvent[] = [];
  try {
    for await (const message of parseSSE(response.body as ReadableStream<Uint8Array>)) {
      const event = JSON.parse(message.data) as ChatEvent;
      if (message.event !== event.type || message.id !== String(event.seq)) {
        throw new Error(`SSE framing disagrees with the event: ${JSON.stringify(message)}`);
      }
      events.push(event);
      onEvent?.(event);
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
  }
  return { status: response.status, headers: response.headers, events };
}

/** The answer text of a turn. */
export function textOf(events: readonly ChatEvent[]): string {
  return events.map((event) => (event.type === 'text' ? event.delta : '')).join('');
}

/** The events of one type. */
export function ofType<T extends ChatEvent['type']>(
  events: readonly ChatEvent[],
  type: T,
): Array<Extract<ChatEvent, { type: T }>> {
  return events.filter((event): event is Extract<ChatEvent, { type: T }> => event.type === type);
}
