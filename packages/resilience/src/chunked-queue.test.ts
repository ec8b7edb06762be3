import { describe, expect, it } from 'vitest';
import { ChunkedQueue } from './chunked-queue';

describe('ChunkedQueue', () => {
  it('gives values back in the order they came, across chunk boundaries', () => {
    const queue = new ChunkedQueue();
    const model: number[] = [];
    // Bursts of pushes longer than a chunk, drained partly, then wholly.
    for (const [pushes, shifts] of [
      [3_000, 1_000],
      [10, 2_500],
      [1_024, 0],
      [1, 1_535],
    ] as const) {
      for (let i = 0; i < pushes; i++) {
        queue.push(model.length * 7);
        model.push(model.length * 7);
      }
      for (let i = 0; i < shifts; i++) expect(queue.shift()).toBe(model.shift());
      expect(queue.length).toBe(model.length);
    }
    expect(queue.length).toBe(0);
    expect(queue.shift()).toBeUndefined();
    queue.push('again');
    expect([queue.length, queue.shift()]).toEqual([1, 'again']);
  });
});
