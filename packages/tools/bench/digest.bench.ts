/**
 * The argument digest the dispatcher computes for every call: the synchronous SHA-256 written in
 * this package against Node's native `createHash` and Web Crypto's asynchronous `subtle.digest`,
 * on the same canonical JSON of tool-sized arguments (measured as published, from dist/).
 */
import { createHash } from 'node:crypto';
import { bench, describe } from 'vitest';
import { argumentsDigest, canonicalJson } from '../dist/index.js';

const args = {
  to: 'ana@example.com',
  subject: 'Your refund for order A-1001',
  body: 'Hello Ana, your refund of 42 USD is on its way. — Support'.repeat(4),
  cc: ['billing@example.com'],
};
const encoder = new TextEncoder();

describe('digest of one call’s arguments (about 300 bytes)', () => {
  bench('@keel/tools: argumentsDigest (synchronous SHA-256)', () => {
    argumentsDigest(args);
  });
  bench('node:crypto createHash', () => {
    createHash('sha256').update(canonicalJson(args), 'utf8').digest('hex');
  });
  bench('Web Crypto subtle.digest', async () => {
    await crypto.subtle.digest('SHA-256', encoder.encode(canonicalJson(args)));
  });
});

const large = { rows: Array.from({ length: 1_000 }, (_, i) => ({ id: i, text: 'x'.repeat(90) })) };

describe('digest of large arguments (about 110 KB)', () => {
  bench('@keel/tools: argumentsDigest (synchronous SHA-256)', () => {
    argumentsDigest(large);
  });
  bench('node:crypto createHash', () => {
    createHash('sha256').update(canonicalJson(large), 'utf8').digest('hex');
  });
  bench('Web Crypto subtle.digest', async () => {
    await crypto.subtle.digest('SHA-256', encoder.encode(canonicalJson(large)));
  });
});
