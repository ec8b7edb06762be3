import { InvalidArgumentError } from '@keel/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor, redact } from './redact';

const OPENAI_KEY = 'sk-proj-4f9Qx2Lw8Zr1Tb6Yc3Nd7Vh5Jm0Kp2Ws';

describe('redact', () => {
  it('returns a redacted copy of nested objects and arrays, leaving the input untouched', () => {
    const input = { user: { email: 'jane@example.com', tags: ['ok', `key ${OPENAI_KEY}`] }, n: 3 };
    const out = redact(input);
    expect(out).toEqual({
      user: { email: '[REDACTED:email]', tags: ['ok', 'key [REDACTED:openai-key]'] },
      n: 3,
    });
    expect(input.user.email).toBe('jane@example.com');
  });

  it('replaces sensitive headers whole, whatever their value looks like', () => {
    const out = redact({
      headers: {
        Authorization: 'Bearer x',
        'x-api-key': 'short',
        'Content-Type': 'application/json',
      },
      apiKey: 'abc',
      clientSecret: 'abc',
      token_count: 12,
      secretName: 'prod-db',
    });
    expect(out).toEqual({
      headers: {
        Authorization: '[REDACTED:authorization]',
        'x-api-key': '[REDACTED:x_api_key]',
        'Content-Type': 'application/json',
      },
      apiKey: '[REDACTED:api_key]',
      clientSecret: '[REDACTED:client_secret]',
      token_count: 12,
      secretName: 'prod-db',
    });
  });

  it('redacts headers given as name/value pairs', () => {
    const out = redact([
      { name: 'Authorization', value: 'Basic abc' },
      { name: 'Accept', value: 'text/plain' },
    ]);
    expect(out).toEqual([
      { name: 'Authorization', value: '[REDACTED:authorization]' },
      { name: 'Accept', value: 'text/plain' },
    ]);
  });

  it('redacts headers as entry tuples, raw header lists and fetch Headers', () => {
    expect(
      redact({
        entries: [
          ['Authorization', 'Token abc'],
          ['x-api-key', 'plainkey'],
          ['Accept', 'text/plain'],
        ],
        rawHeaders: ['X-Api-Key', 'plainkey', 'Accept', 'text/plain'],
        headers: new Headers({ 'x-api-key': 'plainkey', accept: 'text/plain' }),
      }),
    ).toEqual({
      entries: [
        ['Authorization', '[REDACTED:authorization]'],
        ['x-api-key', '[REDACTED:x_api_key]'],
        ['Accept', 'text/plain'],
      ],
      rawHeaders: ['X-Api-Key', '[REDACTED:x_api_key]', 'Accept', 'text/plain'],
      headers: { accept: 'text/plain', 'x-api-key': '[REDACTED:x_api_key]' },
    });
  });

  it('leaves lists that are not name/value pairs alone', () => {
    const lists = { odd: ['token', 'abc', 'def'], mixed: ['password', 3], words: ['a', 'b'] };
    expect(redact(lists)).toEqual(lists);
  });

  it('renders errors with redacted messages and causes', () => {
    const cause = new Error(`upstream said ${OPENAI_KEY} is invalid`);
    const error = Object.assign(new TypeError('call bob@example.com', { cause }), { status: 401 });
    expect(redact(error)).toEqual({
      name: 'TypeError',
      message: 'call [REDACTED:email]',
      status: 401,
      cause: { name: 'Error', message: 'upstream said [REDACTED:openai-key] is invalid' },
    });
  });

  it('survives circular references, keeping shared non-circular ones', () => {
    const shared = { x: 1 };
    const a: Record<string, unknown> = { shared, again: shared };
    a.self = a;
    expect(redact(a)).toEqual({ shared: { x: 1 }, again: { x: 1 }, self: '[Circular]' });
  });

  it('renders binary buffers as their size, never their bytes', () => {
    const out = redact({
      buffer: Buffer.from(OPENAI_KEY),
      bytes: new Uint8Array(10),
      arrayBuffer: new ArrayBuffer(4),
    });
    expect(out).toEqual({
      buffer: `[Binary ${OPENAI_KEY.length} bytes]`,
      bytes: '[Binary 10 bytes]',
      arrayBuffer: '[Binary 4 bytes]',
    });
  });

  it('truncates huge strings with a marker, after redacting across the cut', () => {
    const text = `${'a '.repeat(5_000)}${OPENAI_KEY}${' b'.repeat(500_000)}`;
    const out = redact(text, { maxStringLength: 10_010 });
    expect(out).toMatch(/…\[truncated \d+ chars\]$/);
    expect(out).not.toContain('sk-proj');
    expect(out.length).toBeLessThan(10_100);
  });

  it('catches a key wrapped over two lines, replacing only the runs it touches', () => {
    const wrapped = `first line\nour ${OPENAI_KEY.slice(0, 14)}\n${OPENAI_KEY.slice(14)}\nlast line`;
    expect(redact(wrapped)).toBe(
      'first line\nour [REDACTED:openai-key]\n[REDACTED:openai-key]\nlast line',
    );
    // The first line holds enough of the key to be found alone: the rest still goes.
    expect(redact(`key ${OPENAI_KEY}\nQw2Er4Ty6Ui8Op0As, wrapped.\nThe next line`)).toBe(
      'key [REDACTED:openai-key]\n[REDACTED:openai-key], wrapped.\nThe next line',
    );
    expect(redact(`key ${OPENAI_KEY}\nThe next line`)).toBe(
      'key [REDACTED:openai-key]\nThe next line',
    );
    // A line that only follows a secret stays: an assignment, a date, a model name, a short id.
    for (const next of [
      'AWS_REGION=us-east-1',
      '2024-05-01T10:00:01Z next',
      'gpt-4o-mini is the default',
      '3f2a9c1e deploy commit',
      'NoDigitsButLongEnoughWord here',
    ]) {
      expect(redact(`key ${OPENAI_KEY}\n${next}`)).toBe(`key [REDACTED:openai-key]\n${next}`);
    }
    // Any secret, a shell line continued with a backslash included.
    expect(redact('export API_KEY=Zm9vYmFyYmF6cXV4MTIz\\\n354600edc6d2b596 --next')).toBe(
      'export API_KEY=[REDACTED:key-value-secret]\n[REDACTED:key-value-secret] --next',
    );
    expect(redact(`export KEY=${OPENAI_KEY} \\\n  ${OPENAI_KEY.slice(3, 20)}`)).not.toContain(
      OPENAI_KEY.slice(3, 20),
    );
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9';
    expect(redact(`${jwt.slice(0, 30)}\n${jwt.slice(30)}`)).not.toContain('eyJzdWIi');
  });

  it('leaves multi-line text whose joined lines hold no secret unchanged', () => {
    const text =
      'Use the sk-\nprefix for keys\ntask-\nmanagement-system-v2-2024\nAKIA\nis a prefix';
    expect(redact(text)).toBe(text);
  });

  it('redacts long multi-line text line by line, and private keys across lines', () => {
    const lines = Array.from({ length: 2_000 }, (_, i) => `line ${i}: nothing to see`);
    lines[700] = `user jane@example.com key=${'Zm9vYmFyYmF6cXV4MTIz'}9z`;
    lines[1_500] = '-----BEGIN PRIVATE KEY-----';
    lines[1_501] = 'MC4CAQAwBQYDK2VwBCIEIJ';
    lines[1_502] = '-----END PRIVATE KEY-----';
    const out = redact(lines.join('\n'), { maxStringLength: 1_000_000 }).split('\n');
    expect(out[700]).toBe('user [REDACTED:email] key=[REDACTED:key-value-secret]');
    expect(out).toContain('[REDACTED:private-key]');
    expect(out.join('\n')).not.toContain('MC4CAQ');
    expect(out[0]).toBe('line 0: nothing to see');
    expect(out).toHaveLength(1_998);
  });

  it('catches a secret split across adjacent fields', () => {
    const out = redact({ a: 'sk-proj-4f9Qx2Lw8Z', b: 'r1Tb6Yc3Nd7Vh5Jm0Kp2Ws', c: 'fine' });
    expect(JSON.stringify(out)).not.toMatch(/4f9Qx2|r1Tb6Y/);
    expect(out).toMatchObject({ c: 'fine' });
    const pem = redact([
      '-----BEGIN RSA PRIVATE',
      ' KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
    ]);
    expect(JSON.stringify(pem)).not.toContain('MIIEow');
  });

  it('copes with throwing getters, toJSON, maps, sets, dates, bigints, symbols and functions', () => {
    const hostile = {
      get boom(): string {
        throw new Error('no');
      },
      json: { toJSON: () => ({ mail: 'a@b.example' }) },
      map: new Map([['k', 'jane@example.com']]),
      set: new Set([1, 2]),
      date: new Date(0),
      bad: new Date(Number.NaN),
      big: 10n,
      sym: Symbol('s'),
      fn: function named() {},
    };
    expect(redact(hostile)).toEqual({
      boom: '[Unreadable]',
      json: { mail: '[REDACTED:email]' },
      map: { k: '[REDACTED:email]' },
      set: [1, 2],
      date: '1970-01-01T00:00:00.000Z',
      bad: 'Invalid Date',
      big: '10',
      sym: 'Symbol(s)',
      fn: '[Function named]',
    });
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('trap');
        },
      },
    );
    expect(redact({ proxy })).toEqual({ proxy: '[Unreadable]' });
  });

  it('reads a toJSON that returns its own object, and ends an endless toJSON chain', () => {
    const self = {
      mail: 'jane@example.com',
      toJSON() {
        return this;
      },
    };
    expect(redact(self)).toMatchObject({ mail: '[REDACTED:email]' });
    const chain = (): object => ({ toJSON: chain });
    expect(redact({ a: chain() })).toEqual({ a: '[MaxDepth]' });
  });

  it('limits depth and node count', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 50; i++) deep = { deep };
    expect(JSON.stringify(redact(deep, { maxDepth: 3 }))).toBe(
      '{"deep":{"deep":{"deep":"[MaxDepth]"}}}',
    );
    const wide = Array.from({ length: 100 }, (_, i) => i);
    expect(redact(wide, { maxNodes: 10 })).toEqual([
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      '[Truncated 91 items]',
    ]);
    expect(redact({ a: 1, b: 2, c: 3, d: 4 }, { maxNodes: 3 })).toEqual({
      a: 1,
      b: 2,
      '…': '[Truncated]',
    });
    const huge = Array.from({ length: 1_000_000 }, () => ({ mail: 'a@b.example' }));
    expect((redact(huge) as unknown[]).length).toBeLessThan(10_001);
  });

  it('is configurable: disable a rule, add a rule, change sensitive keys', () => {
    expect(redact('call +44 20 7946 0958', { disable: ['phone'] })).toBe('call +44 20 7946 0958');
    const rules = [{ id: 'ticket', kind: 'pii' as const, pattern: /\bTCK-\d{6}\b/g }];
    expect(redact('see TCK-123456 and jane@example.com', { rules })).toBe(
      'see [REDACTED:ticket] and jane@example.com',
    );
    expect(redact({ pin: '1234' }, { sensitiveKeys: /(?:^|_)pin$/ })).toEqual({
      pin: '[REDACTED:pin]',
    });
  });

  it('rejects bad options with InvalidArgumentError', () => {
    expect(() => createRedactor({ maxStringLength: 0 })).toThrow(InvalidArgumentError);
    expect(() => createRedactor({ maxDepth: 1.5 })).toThrow(/maxDepth must be a whole number >= 1/);
    expect(() => createRedactor({ rules: [{ id: 'x', kind: 'secret', pattern: /x/ }] })).toThrow(
      /needs a global RegExp/,
    );
    expect(() =>
      createRedactor({ rules: [{ id: 'x', kind: 'secret', pattern: /x/g, hint: /x/g }] }),
    ).toThrow(/global or sticky hint/);
    expect(() => createRedactor({ sensitiveKeys: /pin/g })).toThrow(InvalidArgumentError);
  });

  it('never throws and never lets an embedded key through (property)', () => {
    fc.assert(
      fc.property(fc.anything(), fc.string(), (value, prefix) => {
        const out = redact({ value, note: `${prefix} ${OPENAI_KEY} ` });
        const json = JSON.stringify(out);
        expect(json).not.toContain(OPENAI_KEY);
      }),
      { numRuns: 300 },
    );
  });

  it('is linear on hostile text (long runs that almost match)', () => {
    const hostile = `${'a.'.repeat(200_000)}${'-----BEGIN PRIVATE KEY-----'.repeat(1_000)}${'1-'.repeat(100_000)}`;
    const out = redact(hostile, { maxStringLength: 2_000_000 });
    expect(out.length).toBeGreaterThan(0);
  });
});
