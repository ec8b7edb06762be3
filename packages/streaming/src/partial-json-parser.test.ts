import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPartialJsonParser } from './partial-json-parser';

function previews(fragments: readonly string[]): unknown[] {
  const parser = createPartialJsonParser();
  return fragments.map((fragment) => structuredClone(parser.push(fragment)));
}

function splitText(text: string, offsets: readonly number[]): string[] {
  const cuts = [...new Set(offsets.map((offset) => Math.min(offset, text.length)))].sort(
    (a, b) => a - b,
  );
  const pieces: string[] = [];
  let start = 0;
  for (const cut of [...cuts, text.length]) {
    pieces.push(text.slice(start, cut));
    start = cut;
  }
  return pieces;
}

describe('createPartialJsonParser', () => {
  it('previews objects, strings, arrays and numbers as they arrive', () => {
    expect(previews(['{"city": "Os', 'lo", "days": [1', '2, 3', '], "ok": tr', 'ue}'])).toEqual([
      { city: 'Os' },
      { city: 'Oslo', days: [1] },
      { city: 'Oslo', days: [12, 3] },
      { city: 'Oslo', days: [12, 3] },
      { city: 'Oslo', days: [12, 3], ok: true },
    ]);
  });

  it('shows a key once its value begins, and literals only when complete', () => {
    expect(previews(['{"a"', ': ', 'n', 'ull, "b": "', '"}'])).toEqual([
      {},
      {},
      {},
      { a: null, b: '' },
      { a: null, b: '' },
    ]);
  });

  it('decodes escapes split across fragments, surrogate pairs included', () => {
    const parser = createPartialJsonParser();
    for (const fragment of ['"a\\', 'n\\u00', 'e9\\uD83D', '\\uDE00\\"', '"'])
      parser.push(fragment);
    expect(parser.value).toBe('a\né😀"');
    expect(parser.valid).toBe(true);
  });

  it('keeps a "__proto__" key as an own property, never as the prototype', () => {
    const parser = createPartialJsonParser();
    const value = parser.push('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect((value as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('is undefined before a value starts', () => {
    expect(createPartialJsonParser().push('  ')).toBeUndefined();
  });

  it('marks invalid JSON and keeps the last valid preview', () => {
    const parser = createPartialJsonParser();
    parser.push('{"a": 1');
    parser.push(', }');
    expect(parser.valid).toBe(false);
    expect(parser.value).toEqual({ a: 1 });
    for (const bad of ['{"a" 1}', '[1,]', '{"a": tru3}', '"\\x"', '{} {}', '"\u0001"', '-']) {
      const other = createPartialJsonParser();
      other.push(bad);
      if (bad !== '-') expect(other.valid, bad).toBe(false);
    }
  });

  it('ends with exactly JSON.parse of the whole text, however it is split', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        (value, offsets, pretty) => {
          const text = JSON.stringify(value, null, pretty ? 2 : undefined);
          const parser = createPartialJsonParser();
          for (const fragment of splitText(
            text,
            offsets.map((offset) => offset % (text.length + 1)),
          )) {
            parser.push(fragment);
          }
          expect(parser.valid).toBe(true);
          expect(parser.value).toEqual(JSON.parse(text));
        },
      ),
      { numRuns: 500 },
    );
  });
});
