import { createFakeClock } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { iterate, trackedStream, utf8 } from './__fixtures__/fixtures';
import { guardReader, openSource } from './source-reader';
import { StreamTimeoutError } from './stream-timeout-error';

describe('openSource', () => {
  it('reads web streams and async iterables alike', async () => {
    const fromStream = openSource(trackedStream([1, 2]).stream);
    const fromIterable = openSource(iterate([1, 2]));
    for (const reader of [fromStream, fromIterable]) {
      expect(await reader.read()).toEqual({ value: 1, done: false });
      expect(await reader.read()).toEqual({ value: 2, done: false });
      expect((await reader.read()).done).toBe(true);
    }
  });

  it('aborts the controller of an SDK stream object when cancelled', () => {
    const controller = new AbortController();
    const sdkStream = Object.assign(iterate([1]), { controller });
    openSource(sdkStream).cancel();
    expect(controller.signal.aborted).toBe(true);
  });
});

describe('guardReader', () => {
  it('fails a read with a first-byte StreamTimeoutError and cancels the source', async () => {
    const clock = createFakeClock();
    const { stream, state } = trackedStream<Uint8Array>([], { endAfter: false });
    const reader = guardReader(openSource(stream), {
      firstByteTimeoutMs: 5_000,
      idleTimeoutMs: 60_000,
      clock,
    });
    const read = reader.read();
    const failed = expect(read).rejects.toMatchObject({ phase: 'first-byte', timeoutMs: 5_000 });
    await clock.advance(4_999);
    expect(state.cancelled).toBe(false);
    await clock.advance(1);
    await failed;
    expect(state.cancelled).toBe(true);
    expect(state.reason).toBeInstanceOf(StreamTimeoutError);
  });

  it('applies the idle timeout between chunks, counting only while a read waits', async () => {
    const clock = createFakeClock();
    const { stream, state } = trackedStream([utf8('a'), utf8('b')], { endAfter: false });
    const reader = guardReader(openSource(stream), { idleTimeoutMs: 1_000, clock });
    await reader.read();
    await clock.advance(5_000); // the consumer is busy: no read pending, no timeout
    await reader.read();
    expect(state.cancelled).toBe(false);
    const stalled = reader.read();
    const failed = expect(stalled).rejects.toMatchObject({ phase: 'idle', timeoutMs: 1_000 });
    await clock.advance(1_000);
    await failed;
    expect(state.cancelled).toBe(true);
    await expect(reader.read()).rejects.toBeInstanceOf(StreamTimeoutError);
  });

  it('fails a pending read with the abort reason and cancels the source', async () => {
    const controller = new AbortController();
    const { stream, state } = trackedStream<Uint8Array>([], { endAfter: false });
    const reader = guardReader(openSource(stream), { signal: controller.signal });
    const read = reader.read();
    controller.abort(new Error('user left'));
    await expect(read).rejects.toThrow('user left');
    expect(state.cancelled).toBe(true);
  });

  it('fails at once for an already-aborted signal', async () => {
    const { stream, state } = trackedStream([utf8('a')]);
    const reader = guardReader(openSource(stream), { signal: AbortSignal.abort() });
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
    expect(state.cancelled).toBe(true);
  });

  it('rejects timeouts that are not positive numbers of milliseconds', () => {
    const reader = openSource(iterate([1]));
    expect(() => guardReader(reader, { idleTimeoutMs: 0 })).toThrow(/idleTimeoutMs must be/);
    expect(() => guardReader(reader, { firstByteTimeoutMs: Number.NaN })).toThrow(
      /firstByteTimeoutMs/,
    );
  });
});
