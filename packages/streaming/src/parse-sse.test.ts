import { createFakeClock } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { drain, fixture, iterate, trackedStream, utf8 } from './__fixtures__/fixtures';
import { createSSEDecoderStream } from './create-sse-decoder-stream';
import { parseSSE } from './parse-sse';
import { SSEEventTooLargeError } from './sse-event-too-large-error';
import { StreamTimeoutError } from './stream-timeout-error';

describe('parseSSE', () => {
  it('yields events from a ReadableStream or an AsyncIterable of bytes', async () => {
    const chunks = [utf8('data: a\n'), utf8('\nid: 2\nevent: e\ndata: b\n\n')];
    const expected = [
      { event: 'message', data: 'a', id: '' },
      { event: 'e', data: 'b', id: '2' },
    ];
    expect(await drain(parseSSE(trackedStream(chunks).stream))).toEqual(expected);
    expect(await drain(parseSSE(iterate(chunks)))).toEqual(expected);
  });

  it('cancels the source when the consumer stops early', async () => {
    const { stream, state } = trackedStream([utf8('data: a\n\ndata: b\n\n')], { endAfter: false });
    for await (const event of parseSSE(stream)) if (event.data === 'a') break;
    expect(state.cancelled).toBe(true);
  });

  it('throws SSEEventTooLargeError for a huge event and cancels the source', async () => {
    const huge = utf8(`data: ${'x'.repeat(64 * 1024)}`);
    const { stream, state } = trackedStream(
      Array.from({ length: 200 }, () => huge),
      { endAfter: false },
    );
    await expect(drain(parseSSE(stream))).rejects.toBeInstanceOf(SSEEventTooLargeError);
    expect(state.cancelled).toBe(true);
  });

  it('fails a stalled stream with StreamTimeoutError and cancels it', async () => {
    const clock = createFakeClock();
    const { stream, state } = trackedStream([utf8('data: a\n\n')], { endAfter: false });
    const events = parseSSE(stream, { idleTimeoutMs: 2_000, clock });
    expect((await events.next()).value).toMatchObject({ data: 'a' });
    const next = events.next();
    const failed = expect(next).rejects.toBeInstanceOf(StreamTimeoutError);
    await clock.advance(2_000);
    await failed;
    expect(state.cancelled).toBe(true);
  });
});

describe('createSSEDecoderStream', () => {
  it('decodes through pipeThrough, with the same events as the push parser', async () => {
    const bytes = fixture('openai-chat-docs-text.sse');
    const events = trackedStream([bytes.subarray(0, 333), bytes.subarray(333)]).stream.pipeThrough(
      createSSEDecoderStream(),
    );
    const decoded = await drain(events);
    expect(decoded.map((event) => event.data)).toEqual(
      (await drain(parseSSE(iterate([bytes])))).map((event) => event.data),
    );
    expect(decoded.at(-1)?.data).toBe('[DONE]');
  });

  it('errors the stream for an oversized event', async () => {
    const events = trackedStream([utf8(`data: ${'x'.repeat(100)}`)]).stream.pipeThrough(
      createSSEDecoderStream({ maxEventSize: 50 }),
    );
    await expect(drain(events)).rejects.toBeInstanceOf(SSEEventTooLargeError);
  });
});
