import { describe, expect, it } from 'vitest';
import { drain, iterate, trackedStream } from './__fixtures__/fixtures';
import { tee } from './tee';

describe('tee', () => {
  it('gives every branch every item, reading the source once', async () => {
    let reads = 0;
    const source = (async function* () {
      for (const item of [1, 2, 3]) {
        reads++;
        yield item;
      }
    })();
    const [a, b, c] = tee(source, 3);
    if (!a || !b || !c) throw new Error('three branches expected');
    expect(await Promise.all([drain(a), drain(b), drain(c)])).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(reads).toBe(3);
  });

  it('lets a slow branch read later what a fast branch already pulled', async () => {
    const [fast, slow] = tee(iterate(['a', 'b']));
    if (!fast || !slow) throw new Error('two branches expected');
    expect(await drain(fast)).toEqual(['a', 'b']);
    expect(await drain(slow)).toEqual(['a', 'b']);
  });

  it('cancels the source only when every branch has stopped', async () => {
    const { stream, state } = trackedStream([1, 2, 3], { endAfter: false });
    const [a, b] = tee(stream);
    if (!a || !b) throw new Error('two branches expected');
    await a.next();
    await a.return?.();
    expect(state.cancelled).toBe(false);
    expect((await b.next()).value).toBe(1);
    await b.return?.();
    expect(state.cancelled).toBe(true);
  });

  it('delivers a source error to each branch after its buffered items', async () => {
    const source = (async function* () {
      yield 1;
      throw new Error('reset');
    })();
    const [a, b] = tee(source);
    if (!a || !b) throw new Error('two branches expected');
    await expect(drain(a)).rejects.toThrow('reset');
    expect(await b.next()).toEqual({ value: 1, done: false });
    await expect(b.next()).rejects.toThrow('reset');
  });

  it('rejects a count below 1', () => {
    expect(() => tee(iterate([]), 0)).toThrow(/count must be a whole number >= 1/);
  });
});
