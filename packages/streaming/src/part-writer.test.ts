import { createFakeClock } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { PartWriter, type StreamStats, type ToolInputPreview } from './part-writer';

describe('PartWriter', () => {
  it('reports time to first byte and token, and the gaps between content parts, from the clock', async () => {
    const clock = createFakeClock({ now: 1_000 });
    let stats: StreamStats | undefined;
    const writer = new PartWriter({ clock, onStats: (value) => (stats = value) });
    writer.start();
    await clock.advance(120);
    writer.received(); // a chunk with no content (message_start)
    await clock.advance(30);
    writer.received();
    writer.text('Hello');
    await clock.advance(15);
    writer.received();
    writer.reasoning('hmm');
    await clock.advance(40);
    writer.received(); // one chunk, two parts: they arrived together
    writer.toolCallStart('0', 'c1', 'f');
    writer.toolCallDelta('0', '{');
    writer.toolCallDelta('0', '}');
    await clock.advance(5);
    writer.finish('stop');
    expect(stats).toEqual({
      timeToFirstByteMs: 120,
      timeToFirstTokenMs: 150,
      interTokenGapsMs: [15, 40, 0],
      durationMs: 210,
      contentParts: 4,
      unknownEvents: 0,
      estimatedOutputTokens: 3,
      usage: undefined,
    });
    expect(writer.drain().at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('previews tool input after every fragment when asked', () => {
    const previews: unknown[] = [];
    const writer = new PartWriter({
      clock: createFakeClock(),
      onToolInputPreview: ({ input }: ToolInputPreview) => previews.push(structuredClone(input)),
    });
    writer.toolCallStart('0', 'c1', 'search');
    for (const fragment of ['{"q": "o', 'slo", "n": 1', '0}']) writer.toolCallDelta('0', fragment);
    writer.toolCallEnd('0');
    expect(previews).toEqual([{ q: 'o' }, { q: 'oslo', n: 1 }, { q: 'oslo', n: 10 }]);
    expect(writer.drain().at(-1)).toEqual({
      type: 'tool-call',
      toolCallId: 'c1',
      toolName: 'search',
      input: { q: 'oslo', n: 10 },
    });
  });

  it('keeps a 50 KB argument streamed in 11,000 fragments intact, previews included', () => {
    const value = {
      rows: Array.from({ length: 1_000 }, (_, index) => ({ id: index, name: `row ${index} ✓` })),
    };
    const text = JSON.stringify(value);
    let last: unknown;
    const writer = new PartWriter({
      clock: createFakeClock(),
      onToolInputPreview: ({ input }) => (last = input),
    });
    writer.toolCallStart('0', 'c1', 'f');
    const size = Math.ceil(text.length / 11_000);
    for (let index = 0; index < text.length; index += size)
      writer.toolCallDelta('0', text.slice(index, index + size));
    writer.toolCallEnd('0');
    expect(last).toEqual(value);
    expect(writer.drain().at(-1)).toMatchObject({ type: 'tool-call', input: value });
  });

  it('finishes exactly once, whatever comes after', () => {
    const writer = new PartWriter({ clock: createFakeClock() });
    writer.finish('stop');
    writer.fail(new Error('late'));
    writer.abort();
    writer.finish('length');
    expect(writer.drain()).toEqual([{ type: 'finish', reason: 'stop' }]);
  });
});
