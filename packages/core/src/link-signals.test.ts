import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { linkSignals } from './link-signals';

describe('linkSignals', () => {
  it('aborts with the reason of the first source to abort, then lets go of the others', () => {
    const a = new AbortController();
    const b = new AbortController();
    const { signal } = linkSignals([a.signal, b.signal]);
    b.abort(new Error('b went'));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('b went');
    expect(getEventListeners(a.signal, 'abort')).toHaveLength(0);
  });

  it('unlink detaches from every source, so nothing holds the linked signal', () => {
    const a = new AbortController();
    const b = new AbortController();
    const { signal, unlink } = linkSignals([a.signal, b.signal]);
    expect(getEventListeners(a.signal, 'abort')).toHaveLength(1);
    unlink();
    expect(getEventListeners(a.signal, 'abort')).toHaveLength(0);
    expect(getEventListeners(b.signal, 'abort')).toHaveLength(0);
    a.abort();
    expect(signal.aborted).toBe(false);
  });

  it('is aborted at once when a source already is', () => {
    const reason = new Error('early');
    const { signal } = linkSignals([new AbortController().signal, AbortSignal.abort(reason)]);
    expect(signal.reason).toBe(reason);
  });
});
