import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBucket, isEmpty, pop, push } from './bucket';

describe('bucket', () => {
  it('gives values back smallest first, whatever order they came in', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.nat(1_000), fc.constant(-1)), { maxLength: 300 }),
        fc.boolean(),
        (operations, startAsHeap) => {
          const bucket = createBucket(startAsHeap);
          const reference: number[] = [];
          for (const operation of operations) {
            if (operation >= 0) {
              push(bucket, operation);
              reference.push(operation);
              reference.sort((a, b) => a - b);
            } else if (reference.length > 0) {
              expect(pop(bucket)).toBe(reference.shift());
            }
            expect(isEmpty(bucket)).toBe(reference.length === 0);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('stays a queue for increasing values, and grows past its first array', () => {
    const bucket = createBucket(false);
    for (let i = 0; i < 1_000; i++) push(bucket, i * 2);
    expect(bucket.heap).toBe(false);
    for (let i = 0; i < 500; i++) expect(pop(bucket)).toBe(i * 2);
    push(bucket, 1);
    expect(bucket.heap).toBe(true);
    expect(pop(bucket)).toBe(1);
    expect(pop(bucket)).toBe(1_000);
  });
});
