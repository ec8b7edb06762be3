/**
 * Test helpers: recorded streams from this folder, and ways to deliver them in pieces.
 */
import { readFileSync } from 'node:fs';
import type { StreamPart } from '@keel/core';
import fc from 'fast-check';

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
 * Bodies of JSON strings (what goes between the quotes): valid ones escaping any text, and
 * arbitrary pieces that may not be (raw quotes and control characters, lone surrogates, bad
 * escapes).
 */
export const jsonStringBodies: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary' }).map((text) => JSON.stringify(text).slice(1, -1)),
  fc
    .array(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 6 }),
        fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
        fc.constantFrom(
          '"',
          '\\',
          '\\"',
          '\\n',
          '\\u00e9',
          '\\uD83C\\uDF0D',
          '\\x',
          '\\u12',
          '\0',
          '\t',
        ),
      ),
      { maxLength: 8 },
    )
    .map((pieces) => pieces.join('')),
);

/**
 * The parts `adapt` gives for server-sent events with these data, between `before` and `after`,
 * as they are and with a space before each of `datas`: the same JSON, but never in a layout an
 * adapter reads without `JSON.parse`. Errors, in parts or thrown, are compared by name, since
 * their text quotes the data.
 */
export async function withAndWithoutLayout(
  adapt: (source: AsyncIterable<object>) => AsyncIterable<StreamPart>,
  datas: readonly string[],
  { before = [], after = [] }: { before?: readonly string[]; after?: readonly string[] } = {},
): Promise<[unknown[], unknown[]]> {
  const run = async (middle: readonly string[]) => {
    const events = [...before, ...middle, ...after].map((data) => ({
      event: 'message',
      data,
      id: '',
    }));
    const parts: unknown[] = [];
    try {
      for await (const part of adapt(iterate(events))) {
        parts.push(
          part.type === 'error' ? { type: 'error', name: (part.error as Error).name } : part,
        );
      }
    } catch (error) {
      parts.push({ thrown: (error as Error).name });
    }
    return parts;
  };
  return [await run(datas), await run(datas.map((data) => ` ${data}`))];
}
