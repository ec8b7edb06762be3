import { createFakeClock } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { drain, iterate, trackedStream } from './__fixtures__/fixtures';
import { StreamTimeoutError } from './stream-timeout-error';
import { withTimeouts } from './with-timeouts';

describe('withTimeouts', () => {
  it('passes chunks through', async () => {
    expect(await drain(withTimeouts(iterate([1, 2, 3]), { idleTimeoutMs: 1_000 }))).toEqual([
      1, 2, 3,
    ]);
  });

  it('fails a source that sends nothing with a first-byte timeout, cancelling it', async () => {
    const clock = createFakeClock();
    const { stream, state } = trackedStream<number>([], { endAfter: false });
    const failed = expect(
      drain(withTimeouts(stream, { firstByteTimeoutMs: 10_000, clock })),
    ).rejects.toSatisfy(
      (error: unknown) => StreamTimeoutError.isInstance(error) && error.phase === 'first-byte',
    );
    await clock.advance(10_000);
    await failed;
    expect(state.cancelled).toBe(true);
  });

  it('cancels the source when the loop ends early', async () => {
    const { stream, state } = trackedStream([1, 2, 3], { endAfter: false });
    for await (const chunk of withTimeouts(stream, { idleTimeoutMs: 1_000 }))
      if (chunk === 1) break;
    expect(state.cancelled).toBe(true);
  });
});
