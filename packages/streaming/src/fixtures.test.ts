import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drain, fixture, iterate, PROVIDER_FIXTURES, splitAt } from './__fixtures__/fixtures';

const fixtures = PROVIDER_FIXTURES;

describe.each(fixtures)('%s', (name, adapt) => {
  const bytes = fixture(name);
  const run = (chunks: Uint8Array[]) => drain(adapt(iterate(chunks)));

  it('ends with exactly one finish part, last', async () => {
    const parts = await run([bytes]);
    expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
    expect(parts.at(-1)?.type).toBe('finish');
  });

  it('gives identical parts when split at any byte offset', async () => {
    const whole = await run([bytes]);
    for (let offset = 1; offset < bytes.length; offset++) {
      expect(await run(splitAt(bytes, [offset]))).toEqual(whole);
    }
  }, 60_000); // thousands of runs: slow on a loaded CI machine, never a timing assertion

  it('gives identical parts for random multi-way splits and one byte at a time', async () => {
    const whole = await run([bytes]);
    expect(await run(Array.from(bytes, (byte) => Uint8Array.of(byte)))).toEqual(whole);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(bytes.length), { minLength: 1, maxLength: 64 }),
        async (offsets) => {
          expect(await run(splitAt(bytes, offsets))).toEqual(whole);
        },
      ),
      { numRuns: 30 },
    );
  }, 60_000);
});
