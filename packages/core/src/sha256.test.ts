import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256 } from './sha256';

describe('sha256', () => {
  it('matches the FIPS 180-4 vectors', () => {
    expect(sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('pads correctly at every block boundary, in ASCII and multi-byte UTF-8', () => {
    const nodeHash = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
    // 55 bytes is the most that pads into one block; 56 and 63 need a second; 64, 119 and 120
    // sit on and around the next boundaries.
    const known: Record<number, string> = {
      55: '9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318',
      56: 'b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a',
      63: '7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34',
      64: 'ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb',
      119: '31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb',
      120: '2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c',
    };
    for (const bytes of [55, 56, 63, 64, 119, 120]) {
      const ascii = 'a'.repeat(bytes);
      expect(new TextEncoder().encode(ascii).length).toBe(bytes);
      expect(sha256(ascii), `${bytes} bytes`).toBe(known[bytes]);
      // The same byte lengths from 2-, 3- and 4-byte characters: 'é' (2), '€' (3), '𝄞' (4).
      for (const char of ['é', '€', '𝄞']) {
        const width = new TextEncoder().encode(char).length;
        const text = char.repeat(Math.floor(bytes / width)) + 'a'.repeat(bytes % width);
        expect(new TextEncoder().encode(text).length).toBe(bytes);
        expect(sha256(text), `${bytes} bytes of ${char}`).toBe(nodeHash(text));
      }
    }
    expect(sha256('é')).toBe('4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c');
  });

  it("matches Node's crypto on any text, across block boundaries", () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        expect(sha256(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
      }),
      { numRuns: 500 },
    );
  });
});
