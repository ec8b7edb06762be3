/**
 * Test helpers: recorded streams from this folder, and ways to deliver them in pieces.
 */
import { readFileSync } from 'node:fs';
import type { StreamPart } from '@keel/core';
import type { ProviderStreamSource } from '../adapt-stream';
import { fromAnthropic } from '../from-anthropic';
import { fromOpenAIChat } from '../from-openai-chat';
import { fromOpenAIResponses } from '../from-openai-responses';
import { parseSSE } from '../parse-sse';
import type { SSEEvent } from '../sse-parser';

/** An adapter from a provider's stream to parts. */
export type Adapter = (source: ProviderStreamSource) => AsyncIterable<StreamPart>;

/** The recorded provider streams of this folder, each with the adapter that reads it. */
export const PROVIDER_FIXTURES: ReadonlyArray<[string, Adapter]> = [
  ['anthropic-docs-text.sse', fromAnthropic],
  ['anthropic-docs-tool-use.sse', fromAnthropic],
  ['anthropic-docs-thinking.sse', fromAnthropic],
  ['anthropic-docs-error.sse', fromAnthropic],
  ['anthropic-thinking-no-start-usage.sse', fromAnthropic],
  ['anthropic-cache-output-details.sse', fromAnthropic],
  ['mock-anthropic-tools.sse', fromAnthropic],
  ['openai-chat-docs-text.sse', fromOpenAIChat],
  ['openai-chat-docs-parallel-tools.sse', fromOpenAIChat],
  ['openai-chat-docs-refusal.sse', fromOpenAIChat],
  ['mock-openai-chat-tools.sse', fromOpenAIChat],
  ['openai-responses-docs-function-call.sse', fromOpenAIResponses],
  ['openai-responses-docs-incomplete.sse', fromOpenAIResponses],
  ['mock-openai-responses-tools.sse', fromOpenAIResponses],
];

/** The raw bytes of a recorded stream in this folder. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, import.meta.url)));
}

/** `bytes` cut at the given offsets (sorted, deduplicated, clamped). */
export function splitAt(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const cuts = [
    ...new Set(offsets.map((offset) => Math.max(0, Math.min(bytes.length, offset)))),
  ].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > start) pieces.push(bytes.subarray(start, cut));
    start = cut;
  }
  return pieces;
}

/** An async iterable yielding `chunks` in order. */
export async function* iterate<T>(chunks: Iterable<T>): AsyncGenerator<T> {
  for (const chunk of chunks) yield chunk;
}

/** A ReadableStream of `chunks` that records whether it was cancelled, and why. */
export function trackedStream<T>(chunks: readonly T[], { endAfter = true } = {}) {
  const state = { cancelled: false, reason: undefined as unknown };
  let index = 0;
  const stream = new ReadableStream<T>({
    pull(controller) {
      if (index < chunks.length) controller.enqueue(chunks[index++] as T);
      else if (endAfter) controller.close();
      // otherwise: stall forever, like a hung connection
    },
    cancel(reason) {
      state.cancelled = true;
      state.reason = reason;
    },
  });
  return { stream, state };
}

/** Everything an async iterable yields. */
export async function drain<T>(source: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of source) items.push(item);
  return items;
}

/** UTF-8 encoding of `text`. */
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/**
 * The events of `bytes`, each with its data behind a different number of spaces (`[DONE]`
 * aside): the same JSON, but no two events in one layout, so an adapter builds every one with
 * `JSON.parse`. The reference the layouts read without it are held to.
 */
export async function parsedOneByOne(bytes: Uint8Array): Promise<SSEEvent[]> {
  const events = await drain(parseSSE(iterate([bytes])));
  return events.map((event, index) =>
    event.data === '[DONE]' ? event : { ...event, data: `${' '.repeat(index + 1)}${event.data}` },
  );
}
