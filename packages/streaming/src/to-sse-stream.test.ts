import type { StreamPart } from '@keel/core';
import { createFakeClock } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { drain, iterate, trackedStream } from './__fixtures__/fixtures';
import { parseSSE } from './parse-sse';
import { StreamTruncatedError } from './stream-truncated-error';
import { toSSEStream } from './to-sse-stream';

const decode = async (stream: ReadableStream<Uint8Array>) => {
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  return text;
};

describe('toSSEStream', () => {
  it('encodes values as data lines with sequential ids, and round-trips through parseSSE', async () => {
    const parts: StreamPart[] = [
      { type: 'text-delta', text: 'line one\nline two' },
      { type: 'finish', reason: 'stop' },
    ];
    const events = await drain(parseSSE(toSSEStream(iterate(parts), { heartbeatMs: 0 })));
    expect(events.map((event) => event.id)).toEqual(['0', '1']);
    expect(events.map((event) => JSON.parse(event.data))).toEqual(parts);
  });

  it('names events, resumes ids from startIndex and sends retry first', async () => {
    const text = await decode(
      toSSEStream(iterate([{ type: 'a' }, { type: 'b' }]), {
        event: (value) => value.type,
        startIndex: 42,
        retryMs: 2_000,
        heartbeatMs: 0,
      }),
    );
    expect(text).toBe(
      'retry: 2000\n\nevent: a\nid: 42\ndata: {"type":"a"}\n\nevent: b\nid: 43\ndata: {"type":"b"}\n\n',
    );
  });

  it('splits serialized text with line breaks over several data lines, and can omit ids', async () => {
    const text = await decode(
      toSSEStream(iterate(['x\ny']), { serialize: (value) => value, id: false, heartbeatMs: 0 }),
    );
    expect(text).toBe('data: x\ndata: y\n\n');
  });

  it('serializes errors in error parts with their name, message and data', async () => {
    const part: StreamPart = {
      type: 'error',
      error: new StreamTruncatedError({ expected: 'message_stop' }),
    };
    const [event] = await drain(parseSSE(toSSEStream(iterate([part]), { heartbeatMs: 0 })));
    expect(JSON.parse(event?.data ?? '')).toMatchObject({
      type: 'error',
      error: { name: 'StreamTruncatedError', expected: 'message_stop', isRetryable: true },
    });
  });

  it('reads the source only as the client reads (backpressure)', async () => {
    let produced = 0;
    const source = (async function* () {
      while (true) yield ++produced;
    })();
    const reader = toSSEStream(source, { heartbeatMs: 0 }).getReader();
    await reader.read();
    await reader.read();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(produced).toBe(2);
    await reader.cancel();
  });

  it('sends heartbeat comments while the client waits on a silent source', async () => {
    const clock = createFakeClock();
    const { stream: source } = trackedStream<number>([], { endAfter: false });
    const reader = toSSEStream(source, { heartbeatMs: 10_000, clock }).getReader();
    const pending = reader.read();
    await clock.advance(10_000);
    const { value } = await pending;
    expect(new TextDecoder().decode(value)).toBe(': ping\n\n');
    await reader.cancel();
  });

  it('ends with an error event when the source throws, and cancels the source when the client leaves', async () => {
    const failing = (async function* () {
      yield 1;
      throw new TypeError('terminated');
    })();
    expect(await decode(toSSEStream(failing, { heartbeatMs: 0 }))).toBe(
      'id: 0\ndata: 1\n\nevent: error\ndata: {"name":"TypeError","message":"terminated"}\n\n',
    );
    const { stream, state } = trackedStream([1, 2], { endAfter: false });
    const reader = toSSEStream(stream, { heartbeatMs: 0 }).getReader();
    await reader.read();
    await reader.cancel('client gone');
    expect(state).toEqual({ cancelled: true, reason: 'client gone' });
  });

  it('rejects a negative heartbeat or retry, and a heartbeat longer than a timer can wait', () => {
    expect(() => toSSEStream(iterate([1]), { heartbeatMs: -1 })).toThrow(/heartbeatMs must be/);
    expect(() => toSSEStream(iterate([1]), { heartbeatMs: 2 ** 31 })).toThrow(
      /heartbeatMs must be a finite number of milliseconds from 0 to 2147483647, got 2147483648; 0 disables heartbeats/,
    );
    expect(() => toSSEStream(iterate([1]), { retryMs: -1 })).toThrow(/retryMs must be/);
  });

  it('rejects event names and ids with line breaks', async () => {
    const stream = toSSEStream(iterate([1]), { event: () => 'a\nb', heartbeatMs: 0 });
    expect(await decode(stream)).toContain('event: error\ndata: {"name":"InvalidArgumentError"');
  });
});
