/**
 * The argument digest the dispatcher computes for every call: the synchronous SHA-256 written in
 * this package against Node's native `createHash` and Web Crypto's asynchronous `subtle.digest`,
 * on the same canonical JSON of tool-sized arguments (measured as published, from dist/).
 */
import { createHash } from 'node:crypto';
import { bench, describe } from 'vitest';
import { argumentsDigest, canonicalJson } from '../dist/index.js';

const encoder = new TextEncoder();

/** The three digests of the same value, as one group. */
function digests(title: string, value: unknown): void {
  describe(title, () => {
    bench('@keel/tools: argumentsDigest (synchronous SHA-256)', () => {
      argumentsDigest(value);
    });
    bench('node:crypto createHash', () => {
      createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
    });
    bench('Web Crypto subtle.digest', async () => {
      await crypto.subtle.digest('SHA-256', encoder.encode(canonicalJson(value)));
    });
  });
}

digests('digest of one call’s arguments (about 300 bytes)', {
  to: 'ana@example.com',
  subject: 'Your refund for order A-1001',
  body: 'Hello Ana, your refund of 42 USD is on its way. — Support'.repeat(4),
  cc: ['billing@example.com'],
});
digests('digest of large arguments (about 110 KB)', {
  rows: Array.from({ length: 1_000 }, (_, i) => ({ id: i, text: 'x'.repeat(90) })),
});
