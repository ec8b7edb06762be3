import { describe, expect, it } from 'vitest';
import { ChatError } from './chat-error';
import { assertStorable, findUnstorable, storableJson, toStorable } from './storable-text';

describe('storable text', () => {
  it('finds the first NUL or unpaired surrogate, and nothing in paired ones', () => {
    expect(findUnstorable('naïve 😀 text')).toBeUndefined();
    expect(findUnstorable('a\u0000b')).toEqual({ kind: 'nul', index: 1, codeUnit: 'U+0000' });
    expect(findUnstorable('ab\uD83D')).toMatchObject({ kind: 'lone-surrogate', index: 2 });
    expect(findUnstorable('\uDE00\u0000')).toEqual({
      kind: 'lone-surrogate',
      index: 0,
      codeUnit: 'U+DE00',
    });
  });

  it('cleans what it cannot store into U+FFFD, in text and in JSON keys and values', () => {
    expect(toStorable('a\u0000b\uD83D😀')).toBe('a\uFFFDb\uFFFD😀');
    const json = storableJson({ 'k\u0000': ['v\uDE00', { t: 'ok' }] });
    expect(JSON.parse(json)).toEqual({ 'k\uFFFD': ['v\uFFFD', { t: 'ok' }] });
    expect(json).not.toMatch(/\\u0000|\\ud[89a-f]/i);
  });

  it('refuses a request naming each field that holds one', () => {
    let caught: unknown;
    try {
      assertStorable({ message: 'hi\u0000', userId: 'ann', 'approvals.0.reason': '\uD800' });
    } catch (error) {
      caught = error;
    }
    expect(ChatError.isInstance(caught)).toBe(true);
    expect(caught).toMatchObject({
      code: 'unstorable_text',
      status: 400,
      fields: {
        message: expect.stringContaining('NUL character (U+0000) at index 2'),
        'approvals.0.reason': expect.stringContaining('unpaired UTF-16 surrogate (U+D800)'),
      },
    });
    expect((caught as Error).message).toMatch(/^"message" contains .*send the text again$/);
    expect(() => assertStorable({ message: 'fine 😀', reason: undefined })).not.toThrow();
  });
});
