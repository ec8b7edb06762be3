import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixture, splitAt, utf8 } from './__fixtures__/fixtures';
import { SSEEventTooLargeError } from './sse-event-too-large-error';
import { createSSEParser, type SSEEvent } from './sse-parser';

function parseAll(chunks: readonly (Uint8Array | string)[], maxEventSize?: number) {
  const events: SSEEvent[] = [];
  const retries: number[] = [];
  const parser = createSSEParser({
    onEvent: (event) => events.push(event),
    onRetry: (ms) => retries.push(ms),
    ...(maxEventSize === undefined ? {} : { maxEventSize }),
  });
  for (const chunk of chunks) parser.feed(chunk);
  parser.end();
  return { events, retries };
}

describe('createSSEParser', () => {
  it('dispatches an event at each blank line, defaulting the type to message', () => {
    const { events } = parseAll(['data: one\n\nevent: ping\ndata: two\n\n']);
    expect(events).toEqual([
      { event: 'message', data: 'one', id: '' },
      { event: 'ping', data: 'two', id: '' },
    ]);
  });

  it('accepts CR, LF and CRLF line ends, mixed', () => {
    const { events } = parseAll(['data: a\r\rdata: b\n\ndata: c\r\n\r\n']);
    expect(events.map((event) => event.data)).toEqual(['a', 'b', 'c']);
  });

  it('treats a CR and the LF of the next chunk as one line end', () => {
    const { events } = parseAll(['data: a\r', '\ndata: b\r\n\r', '\n']);
    expect(events.map((event) => event.data)).toEqual(['a\nb']);
  });

  it('joins multi-line data with LF and strips only one leading space', () => {
    const { events } = parseAll(['data:first\ndata:  second\ndata\ndata:\n\n']);
    expect(events[0]?.data).toBe('first\n second\n\n');
  });

  it('ignores comments, unknown fields and blocks without data (resetting their event type)', () => {
    const { events } = parseAll([': hello\nfoo: bar\nevent: lost\n\ndata: x\n\n']);
    expect(events).toEqual([{ event: 'message', data: 'x', id: '' }]);
  });

  it('keeps the last event id across events, clears it with an empty id, ignores ids with NUL', () => {
    const { events } = parseAll([
      'id: 1\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\nid\ndata: d\n\n',
    ]);
    expect(events.map((event) => event.id)).toEqual(['1', '1', '1', '']);
  });

  it('reports valid retry values, on the event and through onRetry, and ignores invalid ones', () => {
    const { events, retries } = parseAll([
      'retry: 1500\ndata: a\n\nretry: 1.5\ndata: b\n\nretry: 200\n\n',
    ]);
    expect(events).toEqual([
      { event: 'message', data: 'a', id: '', retry: 1500 },
      { event: 'message', data: 'b', id: '' },
    ]);
    expect(retries).toEqual([1500, 200]);
  });

  it('strips one leading BOM from bytes and from text', () => {
    expect(parseAll([utf8('\uFEFFdata: a\n\n')]).events[0]?.data).toBe('a');
    expect(parseAll(['\uFEFFdata: a\n\n']).events[0]?.data).toBe('a');
    expect(parseAll(['\uFEFFdata: a\n\n']).events).toHaveLength(1);
  });

  it('discards an event whose blank line never came', () => {
    expect(parseAll(['data: complete\n\ndata: cut']).events.map((event) => event.data)).toEqual([
      'complete',
    ]);
  });

  it('parses the wire-quirks fixture (BOM, comments, CR/CRLF, fields without colon, UTF-8)', () => {
    const { events, retries } = parseAll([fixture('wire-quirks.sse')]);
    expect(retries).toEqual([3000]);
    expect(events).toEqual([
      { event: 'custom', data: 'first line\n\n two spaces', id: '7', retry: 3000 },
      { event: 'message', data: '{"x": "café 🌍"}', id: '' },
      { event: 'message', data: 'last', id: '' },
    ]);
  });

  it('gives identical events however the bytes are split, UTF-8 characters included', () => {
    const bytes = fixture('wire-quirks.sse');
    const whole = parseAll([bytes]);
    for (let offset = 0; offset <= bytes.length; offset++) {
      expect(parseAll(splitAt(bytes, [offset]))).toEqual(whole);
    }
    fc.assert(
      fc.property(fc.array(fc.nat(bytes.length), { maxLength: 30 }), (offsets) => {
        expect(parseAll(splitAt(bytes, offsets))).toEqual(whole);
      }),
    );
  });

  it('throws SSEEventTooLargeError instead of buffering an oversized event', () => {
    const parser = createSSEParser({ onEvent: () => {}, maxEventSize: 1000 });
    parser.feed('data: small\n\n');
    const huge = `data: ${'x'.repeat(600)}`;
    parser.feed(huge);
    expect(() => parser.feed(huge)).toThrow(SSEEventTooLargeError);
  });

  it('counts multi-line data and single huge lines against the limit', () => {
    expect(() => parseAll([`data: ${'x'.repeat(2000)}\n\n`], 1000)).toThrow(SSEEventTooLargeError);
    expect(() => parseAll([`${'data: xxxxxxxxxx\n'.repeat(200)}\n`], 1000)).toThrow(
      /exceeded 1000 characters/,
    );
    expect(parseAll([`data: ${'x'.repeat(900)}\n\n`], 1000).events).toHaveLength(1);
  });

  it('rejects a non-positive maxEventSize', () => {
    expect(() => createSSEParser({ onEvent: () => {}, maxEventSize: 0 })).toThrow(
      /maxEventSize must be a whole number >= 1/,
    );
  });
});
