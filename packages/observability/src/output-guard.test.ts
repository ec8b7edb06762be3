import { InvalidArgumentError, type StreamPart } from '@keel/core';
import fc from 'fast-check';
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { createObservability } from './create-observability';
import { createMetricsRegistry } from './metrics-registry';
import { createOutputGuard, type OutputGuardDecision } from './output-guard';
import { inert } from './output-guard-markdown';
import { createTracer } from './tracer';

const OPENAI_KEY = `sk-proj-${'a1B2'.repeat(6)}`;
const JWT =
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
const PEM = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu',
  'KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==',
  '-----END RSA PRIVATE KEY-----',
].join('\n');

/** Secrets the default rules catch, each with its rule id and the part that must not survive. */
const SECRETS: [text: string, id: string, secret: string][] = [
  [`key ${OPENAI_KEY} here`, 'openai-key', OPENAI_KEY],
  ['aws AKIAIOSFODNN7EXAMPLE.', 'aws-access-key', 'AKIAIOSFODNN7EXAMPLE'],
  [`jwt ${JWT} end`, 'jwt', JWT],
  [`${PEM}\nthen`, 'private-key', 'MIIBOgIBAAJBAKj34Gkx'],
  ['db postgres://admin:s3cretPass@db.internal:5432/app ok', 'url-credentials', 's3cretPass'],
  ['set password = hunter2Xy9ZabcQ7 now', 'key-value-secret', 'hunter2Xy9ZabcQ7'],
  ['Authorization: Bearer abcDEF123456ghiJKL789 ok', 'bearer-token', 'abcDEF123456ghiJKL789'],
  ['row | `DB_PASSWORD` | Tr0ub4dorXy9Zq |', 'key-value-secret', 'Tr0ub4dorXy9Zq'],
  // A name ending in `key` whose value does not look random: only a bare `key` needs it to.
  ['export API_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY ok', 'key-value-secret', 'wJalrXUtnFEMI'],
  ['run curl -u otel:Kq7-Collector-9oHGHp9h https://x', 'cli-user-password', 'Kq7-Collector'],
  ['curl -H "X-Mock-Admin: Kq7mAdm1nUr4PLkO7m4dM" https://x', 'cli-header-secret', 'Kq7mAdm1n'],
];

/** Hostile samples for the property test: every construct the guard handles. */
const HOSTILE = [
  ...SECRETS.map(([text]) => text),
  'See ![chart](https://evil.example/p.png?q=secret) and ![ok](https://cdn.allowed.com/a.png "a title")',
  '[docs](https://allowed.com/x) [bad one](https://allowed.com.evil.com/x) [rel](/guide) [top](#intro)',
  '<https://evil.example/x> and https://evil.example/?q=secret. and www.evil.com, https://allowed.com/ok',
  '[j](javascript:alert(1)) [e](JaVa&#115;cript:alert(1)) [p](//evil.com) [b](https:\\\\evil.com)',
  'Cite [packages/tokens/README.md#3] and `<b>code</b> x` and `https://evil.com`.',
  '<script>alert(1)</script> a < b, <img src="https://evil.com/x.png" alt="the logo"> c > d',
  '```html\n<script>x</script>\n```\nafter <b>\n  ```\n<i>\n',
  '![alt][ref]\n\n[ref]: https://evil.com/x.png\n[ok]:\n  https://allowed.com/y "title here"',
  'card 4111 1111 1111 1111, phone +44 20 7946 0958, iban GB82 WEST 1234 5698 7654 32.',
  'a `` x ` y `` b ` c <b> d [x\ny](//evil.com) e](https://evil.com "t t") f',
  'a `<img src=x>|y` b\n| --- | :-: |\n| c | d |\n\n| h | i |\n|---|---|\n| `<b>|</b>` | z |\n\nq `x|y`',
];

function guardOf(options: Parameters<typeof createOutputGuard>[0] = {}) {
  return createOutputGuard({ allowedHosts: ['allowed.com'], ...options });
}

/** Guards `text` pushed in pieces cut at `cuts`. */
function guardSplit(text: string, cuts: number[], guard = guardOf()): string {
  const stream = guard.text();
  let out = '';
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out += stream.push(text.slice(from, cut));
    from = cut;
  }
  return out + stream.push(text.slice(from)) + stream.flush();
}

async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

async function* streamOf(...parts: StreamPart[]): AsyncIterable<StreamPart> {
  yield* parts;
}

const text = (t: string): StreamPart => ({ type: 'text-delta', text: t });
const rendered = (markdown: string) => marked.parse(markdown, { async: false });

describe('secrets', () => {
  for (const [sample, id, secret] of SECRETS) {
    it(`redacts ${id} split at every point`, () => {
      for (let cut = 0; cut <= sample.length; cut++) {
        const out = guardSplit(sample, [cut]);
        expect(out, `cut at ${cut}`).toContain(`[REDACTED:${id}]`);
        expect(out, `cut at ${cut}`).not.toContain(secret);
      }
    });
  }

  it("keeps a bare key's value that does not look random, split at every point", () => {
    const sample = "circuitBreaker({ key: 'openai:gpt-4o' }) and api_key: 'Zm9vYmFyYmF6cXV4MTIz'";
    for (let cut = 0; cut <= sample.length; cut++)
      expect(guardSplit(sample, [cut]), `cut at ${cut}`).toBe(
        "circuitBreaker({ key: 'openai:gpt-4o' }) and api_key: '[REDACTED:key-value-secret]'",
      );
  });

  it('redacts secrets inside code too', () => {
    expect(guardOf().guardText(`\`${OPENAI_KEY}\`\n\`\`\`\nkey=${OPENAI_KEY}\n\`\`\`\n`)).toBe(
      '`[REDACTED:openai-key]`\n```\nkey=[REDACTED:openai-key]\n```\n',
    );
  });
});

describe('links and images', () => {
  const guard = guardOf();

  it('keeps links and images to allowed hosts and their subdomains, and relative ones', () => {
    const kept = [
      '[docs](https://allowed.com/x)',
      '![a](https://cdn.allowed.com/a.png "title")',
      '[rel](/guide) [up](../a.md) [top](#install) [q](?a=1&b=2)',
      '<https://ALLOWED.com/x> https://docs.allowed.com/path?q=1 www.allowed.com',
      '[ref]: https://allowed.com/y',
    ];
    for (const sample of kept) expect(guard.guardText(sample)).toBe(sample);
  });

  it('keeps a host of one label on the list only as itself, never its top-level domain', () => {
    const guard = guardOf({ allowedHosts: ['intranet', 'com'] });
    const kept = '[wiki](http://intranet/page) [odd](https://com/x)';
    expect(guard.guardText(kept)).toBe(kept);
    expect(guard.guardText('[a](https://evil.com/x) ![b](https://wiki.intranet/b.png)')).toBe(
      'a (image removed: b)',
    );
  });

  it('removes images to other hosts, keeping the alt text and never the URL or host', () => {
    expect(guard.guardText('![the chart](https://evil.example/p.png?d=secret) end')).toBe(
      '(image removed: the chart) end',
    );
    expect(guard.guardText('![](https://evil.example/p.png)')).toBe('(image removed)');
    expect(guard.guardText('![x][r]\n\n[r]: https://evil.example/p.png')).toBe(
      '(image removed: x)\n\n[r]: (link removed)',
    );
    expect(guard.guardText('<img src="https://evil.example/p.png" alt="logo">')).toBe(
      '(image removed: logo)',
    );
    expect(guard.guardText('<IMG SRCSET="/a.png 1x, //evil.example/b.png 2x">')).toBe(
      '(image removed)',
    );
  });

  it('keeps the text of links to other hosts and drops the URL', () => {
    for (const url of [
      'https://evil-allowed.com/x',
      'https://allowed.com.evil.com/x',
      'https://allowed.com@evil.com/x',
      'http://evil.com',
      '//evil.com/x',
      '\\\\evil.com',
      'https:\\\\evil.com',
      'https:/\\evil.com',
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'java&#115;cript:alert(1)',
      '&#x6A;avascript:alert(1)',
      'javascript&colon;alert(1)',
      'java&Tab;script:alert(1)',
      ' javascript:alert(1)',
      'data:text/html;base64,PHNjcmlwdD4=',
      'vbscript:msgbox',
      'mailto:a@evil.com',
      '<javascript:alert(1)>',
      'https://evil.com "title"',
    ]) {
      const out = guard.guardText(`see [the docs](${url}) now`);
      expect(out, url).toBe('see the docs now');
    }
  });

  it('neutralises autolinks and bare URLs to other hosts', () => {
    expect(
      guard.guardText(
        'a <https://evil.example/x> b https://evil.example/?q=secret. c www.evil.com, d (//evil.com/x)',
      ),
    ).toBe('a (link removed) b (link removed). c (link removed), d ((link removed))');
    const noEmailRule = guardOf({ redaction: { disable: ['email'] } });
    expect(noEmailRule.guardText('<me@evil.example> <https://allowed.com.evil.com>')).toBe(
      '(link removed) (link removed)',
    );
  });

  it('leaves citation markers, reference links and inline code as they are', () => {
    for (const sample of [
      'As documented [packages/tokens/README.md#3] and [docs/guide.md#12].',
      'See [the guide][guide] and [guide].',
      'Use `<T>(x: T) => x` or `https://evil.com/?q=1` or ``a ` b``.',
      'Really![1] and [2]!',
    ]) {
      expect(guard.guardText(sample)).toBe(sample);
    }
  });

  it('escapes a `](` the guard could not read whole, so no later `)` makes a link', () => {
    expect(guard.guardText('[a\nb](//evil.com) and x](y z')).toBe('[a\nb] and x]\\(y z');
  });
});

describe('text a renderer reads differently (found by fuzzing against marked)', () => {
  const guard = guardOf();

  it.each([
    ['a bare www. glued to a word', 'imgwww.evil.com now', 'img(link removed) now'],
    [
      'an allowed URL a renderer reads on past a quote',
      "www.allowed.com'.evil.com",
      "(link removed)'.evil.com",
    ],
    ['code right after `~`, which marked does not read as code', '~`<b>`', '~\\`&lt;b&gt;\\`'],
    ['an unclosed tag before a URL', '<img www.allowed.com<b>', '&lt;img (link removed)&lt;b&gt;'],
    ['a `](` with a tag as its destination', 'x](<b>) y', 'x] y'],
    ['a definition whose destination hides a URL', '[r]: \\https://1.', '[r]: (link removed)'],
    ['HTML in the info string of a last-line fence', '```<b>', '```&lt;b&gt;'],
    ['a link title with a URL', '[a](/x "https://evil.com")', 'a'],
    [
      'a link without text removed between backticks, which would join their runs',
      '``<b> x``[](https://evil.com)`y`',
      '``<b> x``(link removed)`y`',
    ],
    [
      'link text ending in a backslash, which escapes its `]` (no link)',
      '[a\\](https://e.com)`<b>`',
      '[a\\]((link removed))`<b>`',
    ],
    [
      'the text of a removed link, read again with what follows it (a backtick run)',
      '[a`](https://e.com)`<b>`',
      'a\\`\\`&lt;b&gt;\\`',
    ],
    [
      'the text of a removed link making a fence at the start of a line',
      '~~[~](https://e.com)\n~~~\n<b>\n',
      '\\~~~\n~~~\n<b>\n',
    ],
    [
      'the text of a removed link making a reference definition',
      '[ ](https://e.com)[y]: https://evil.com/z',
      ' \\[y]: (link removed)',
    ],
    [
      'backslashes and backticks in the word of an allowed URL, which marked reads on into',
      'https://allowed.com/a\\`<b>`',
      'https://allowed.com/a\\`&lt;b&gt;\\`',
    ],
    [
      'an allowed destination that a renderer autolinks past its `)`',
      '\\[a](https://allowed.com/x)@\\<b>',
      '\\[a](https://allowed.com/x)@\\&lt;b&gt;',
    ],
    [
      'a destination whose autolinked reading has another host',
      '](\\https://allowed.com)*a<b`@1',
      ']*a&lt;b\\`@1',
    ],
    [
      'a definition without a destination before a fence (marked takes the fence line as one)',
      '[r]: \n```\n<b>\n```\n',
      '\\[r]: \n```\n<b>\n```\n',
    ],
    [
      'a code span of two backticks holding `](` in link text (marked ends the text there)',
      '[a ``](https://evil.com)``',
      'a \\`\\`\\`\\`',
    ],
    ['a protocol-relative URL read on', '//allowed.com~x.evil.com', '(link removed)~x.evil.com'],
    ['a protocol-relative URL inside a kept one', 'www.allowed.com.//evil.com', '(link removed)'],
    [
      'a host a renderer ends early (`_`, `(`)',
      'http://allowed.com_.evil.com(.allowed.com',
      '(link removed)_.evil.com(.allowed.com',
    ],
    ['a user name a renderer ends the link at', 'https://evil.com@.allowed.com', '(link removed)'],
    ['a protocol-relative URL to a non-ASCII host', '//évil.com/x', '(link removed)'],
    [
      'a link to an allowed host without a path',
      '[docs](https://allowed.com)',
      '[docs](https://allowed.com)',
    ],
    [
      'a link in the word of a kept URL (marked reads the URL on through it)',
      'https://allowed.com?q=[{\\<b>](/x)',
      'https://allowed.com?q=\\[{\\&lt;b&gt;](/x)',
    ],
    [
      'an e-mail autolink starting with a backtick (it binds before the code span)',
      '<`@evil.com>`',
      '(link removed)\\`',
    ],
    ['a comparison that is no tag', 'if a <= b or a <3', 'if a <= b or a <3'],
    [
      'a link a renderer may autolink on past its `)` (when it reads no link there)',
      '[a](https://allowed.com)com~x.evil.com',
      'acom~x.evil.com',
    ],
    [
      'an e-mail autolink whose local part holds a link (none to CommonMark)',
      '<x[a](javascript:alert(1))@allowed.com>',
      '&lt;xa@allowed.com&gt;',
    ],
    ['a definition in a list item', '- [r]: /x\n', '- [r]: /x\n'],
    [
      'emphasis between two URLs (two links to marked)',
      '*https://allowed.com/p*https://evil.com/x',
      '*https://allowed.com/p*(link removed)',
    ],
  ])('%s', (_, input, output) => {
    expect(guard.guardText(input)).toBe(output);
  });
});

describe('code spans holding `|`, which a GFM table row splits', () => {
  const guard = guardOf();
  /** Tables and raw HTML as marked (GFM) renders them, the page's renderer. */

  it('keeps them as code outside a table', () => {
    const sample =
      "Rejects with `'queue-full' | 'queue-timeout'`; keys are `<p><rate|breaker>:<key>`.";
    expect(guard.guardText(sample)).toBe(sample);
    expect(rendered(guard.guardText(sample))).toContain(
      '<code>&lt;p&gt;&lt;rate|breaker&gt;:&lt;key&gt;</code>',
    );
  });

  it.each([
    [
      'a delimiter row',
      'a `<img src=x>|y` b\n|---|---|\n| c | d |',
      'a `<img src=x>|y` b\n\\|---|---|\n| c | d |',
    ],
    ['one with alignments', '`<img src=x>|y`\n :-|-: ', '`<img src=x>|y`\n \\:-|-: '],
    [
      'one in a quote',
      '> `<img src=x>|y`\n> | --- | --- |',
      '> `<img src=x>|y`\n> \\| --- | --- |',
    ],
    ['one in a list item', '- `<img src=x>|y`\n  |---|---|', '- `<img src=x>|y`\n  \\|---|---|'],
  ])('escapes %s right after such a line, so it never becomes a header', (_, input, output) => {
    expect(guard.guardText(input)).toBe(output);
    // Unguarded, marked renders a table whose cell holds the tag; guarded, code.
    expect(rendered(input)).toMatch(/<table>[\s\S]*<img src=x>/);
    expect(rendered(output)).not.toMatch(/<table>|<img/);
  });

  it("reads them as text in a table's rows, and as code again after the blank line that ends it", () => {
    const sample = '| h | i |\n|---|---|\n| `<img src=x>|y` | z |\n\nthen `<b>p|q</b>`';
    const out = guard.guardText(sample);
    expect(out).toBe(
      '| h | i |\n|---|---|\n| \\`&lt;img src=x&gt;|y\\` | z |\n\nthen `<b>p|q</b>`',
    );
    expect(rendered(out)).toContain('<table>');
    expect(rendered(out)).not.toMatch(/<img|<b>/);
    // A table whose header holds no such span is left a table.
    expect(guard.guardText('| `a` | b |\n|---|---|')).toBe('| `a` | b |\n|---|---|');
  });

  it.each([
    ['CRLF line breaks', '`<img src=x>|y`\r\n|---|---|\r\n'],
    ['CR line breaks', 'a `<img src=x>|y`\r|---|---|'],
    ['a CRLF table', '| h | i |\r\n|---|---|\r\n| `<img src=x>|y` | z |\r\n'],
    ['a delimiter row left by a removed link', '`<img src=x>|y`\n|---|---|[](https://evil.com/x)'],
    ['a delimiter row as link text', '`<img src=x>|y`\n[|---|---|](https://evil.com)'],
    [
      'a table begun after a removed link',
      '| h | i |\n|---|---|[](https://e.com)\n| `<b>|y` | z |',
    ],
    ['a delimiter row inside a tag', '`<img src=x>|y` <b\n|---|---|\n>'],
    ['a delimiter row inside a comment', '`<img src=x>|y` <!--\n|---|---|\n-->'],
    ['a table begun inside a tag', '| h | <b\n|---|---|\n>\n`<img src=x>|y`'],
    ['a line of a tab in a table', '| h | i |\n|---|---|\n\t\n`<img src=x>|y`'],
    ['a code span across a CR', '---`~  \r> ``x<b>`'],
    ['a one-column table, its delimiter row without a pipe', '| x |\n -:\n`<b>|y`'],
    ['after a one-column header', '`<b>|y`\n-:\n'],
    ['a delimiter row ending in a no-break space', '- `|<img src=x>`\n  |-|-|\u00a0\n'],
    ['one ending in an ideographic space', '* Use `a|<img src=x>`\n  | --- | --- |\u3000\n\nText.'],
  ])('reads lines as the renderer does: %s', (_, input) => {
    expect(rendered(guard.guardText(input))).not.toMatch(/<img|<b>/);
  });

  it('never ends a line held past maxHeldChars with a backslash (it would escape a backtick)', () => {
    const sample = `Use \`a|b\` here\n[ ](https://evil.example)${' '.repeat(1_023)}\`<img src=x>\`\n`;
    const out = guardOf({ maxHeldChars: 1_024 }).guardText(sample);
    expect(rendered(out)).not.toMatch(/<img/);
    expect(out).toContain('`<img src=x>`');
  });

  it('escapes the first cell of a line released at a flush before it began', async () => {
    const parts = await collect(
      guardOf().guard(
        streamOf(
          text('Use `a|b`\n>'),
          { type: 'tool-call-start', toolCallId: 't1', toolName: 'search' },
          text('`<img src=x>` done\n|---|---|\n'),
          { type: 'finish', reason: 'stop' },
        ),
      ),
    );
    const said = parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
    expect(said).toBe('Use `a|b`\n>`<img src=x>` done\n|---|---|\n');
    expect(rendered(said)).not.toMatch(/<img/);
  });

  it('decides a line held at a flush as if it were a delimiter row (the text may go on)', async () => {
    const parts = await collect(
      guardOf().guard(
        streamOf(
          text('`<img src=x>|y`\n|'),
          { type: 'reasoning-delta', text: 'hmm' },
          text('---|---|\n'),
          { type: 'finish', reason: 'stop' },
        ),
      ),
    );
    const said = parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
    expect(said).toBe('`<img src=x>|y`\n\\|---|---|\n');
  });

  it('never lets marked render a tag from text mixing code, pipes, tables, quotes and lists', () => {
    const pieces = ['| a | b |\n', '|---|---|\n', ':-|-:', '`<img src=x>|y`', '`x|<b>`', '`', '``'];
    const more = ['|', ' | ', '---', '\n', '\r\n', '\r', '\n\n', '\t', '> ', '- ', '  ', '<b>'];
    const rest = ['<b', '>', '<!--', 'a', '~', '\\', '[', '](', '[](https://evil.com/x)'];
    const links = [
      '[a](https://evil.com/x)',
      '[~](//evil.com)',
      '~~~',
      '```',
      'https://allowed.com',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pieces, ...more, ...rest, ...links), { maxLength: 16 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (parts, cuts) => {
          const sample = parts.join('');
          const out = guard.guardText(sample);
          expect(rendered(out)).not.toMatch(/<img|<b>|<b |<!--/);
          // The same however it is split.
          expect(
            guardSplit(
              sample,
              cuts.map((cut) => cut % (sample.length + 1)),
            ),
          ).toBe(out);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('escapes prose whole as plain text when its reading does not settle (the fallback)', () => {
    const hostile = '[a](https://evil.com) ![i](/x.png) <b>x</b> `c` www.evil.com *e* \\ a&lt;';
    const html = rendered(inert(hostile));
    expect(html).toBe(
      '<p>(link removed) ![i](/x.png) &lt;b&gt;x&lt;/b&gt; `c` (link removed) *e* \\ a&amp;lt;</p>\n',
    );
  });

  it('leaves fenced code as it is, piped code and delimiter-like lines included', () => {
    const fenced = 'x `a|b`\n```\n`c|d`\n|---|---|\n```\n| a | b |\n';
    expect(guard.guardText(fenced)).toBe(fenced);
  });

  it('decides the same however the text is split, the delimiter row held whole', () => {
    const stream = guard.text();
    expect(stream.push('a `x|y` b\n| -')).toBe('a `x|y` b\n');
    expect(stream.push('-- | --- |\nc')).toBe('\\| --- | --- |\n');
    expect(stream.flush()).toBe('c');
  });
});

describe('HTML', () => {
  const guard = guardOf();

  it('escapes tags outside code and leaves comparisons alone', () => {
    expect(guard.guardText('<script>alert(1)</script> if a < b and c > d then <b>x</b>')).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; if a < b and c > d then &lt;b&gt;x&lt;/b&gt;',
    );
    expect(guard.guardText('<!-- x --> <a href="https://evil.com/x">y</a>')).toBe(
      '&lt;!-- x --&gt; &lt;a href="(link removed)"&gt;y&lt;/a&gt;',
    );
  });

  it('leaves fenced code as it is, and closes the fence where a renderer does', () => {
    const sample = '```tsx\nconst a = <App x={1} />;\n```\n<b>bold</b>\n~~~~\n<i>\n~~~~\n';
    expect(guard.guardText(sample)).toBe(
      '```tsx\nconst a = <App x={1} />;\n```\n&lt;b&gt;bold&lt;/b&gt;\n~~~~\n<i>\n~~~~\n',
    );
  });

  it('escapes fence-like lines a renderer could read differently (indented, in a list)', () => {
    expect(guard.guardText('  ```\n<i>\n```\n<b>\n')).toBe('  \\`\\`\\`\n&lt;i&gt;\n```\n<b>\n');
  });

  it('escapes unpaired backticks, so later text cannot become code', () => {
    expect(guard.guardText('a ` b\nc <img src=x onerror=alert(1)> `d`')).toBe(
      'a \\` b\nc &lt;img src=x onerror=alert(1)&gt; `d`',
    );
  });
});

describe('streaming', () => {
  it('releases text that cannot be part of a pending match at once', () => {
    const stream = guardOf().text();
    expect(stream.push('Hello world, the ')).toBe('Hello world, the ');
    expect(stream.push('answ')).toBe('');
    expect(stream.held).toBe(4);
    expect(stream.push('er is [here](https://allowed')).toBe('answer is ');
    // `) ` may still start a phone number like `(415) 555-0100`: released with the next word.
    expect(stream.push('.com/a) ok')).toBe('');
    expect(stream.push('. More')).toBe('[here](https://allowed.com/a) ok. ');
    expect(stream.flush()).toBe('More');
    expect(stream.held).toBe(0);
  });

  it('gives the same output however the text is split (every split point, random splits)', () => {
    for (const sample of HOSTILE) {
      const whole = guardOf().guardText(sample);
      for (let cut = 1; cut < sample.length; cut++) {
        expect(guardSplit(sample, [cut, cut + 3]), `${sample} cut at ${cut}`).toBe(whole);
      }
    }
    fc.assert(
      fc.property(
        fc.constantFrom(...HOSTILE),
        fc.array(fc.nat(), { maxLength: 12 }),
        (sample, cuts) => {
          const points = cuts.map((cut) => cut % (sample.length + 1));
          expect(guardSplit(sample, points)).toBe(guardOf().guardText(sample));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('holds at most maxHeldChars, and a never-ending token cannot carry a URL across a cut', () => {
    const stream = guardOf({ maxHeldChars: 1_024 }).text();
    let out = '';
    let maxHeld = 0;
    // No whitespace anywhere: the text goes out in forced pieces, each followed by a blank line.
    const token = `${'z'.repeat(1_021)}https://evil.example/?q=secret${'z'.repeat(777)}`;
    for (let i = 0; i < 200; i++) {
      out += stream.push(token);
      maxHeld = Math.max(maxHeld, stream.held);
    }
    out += stream.flush();
    expect(maxHeld).toBeLessThanOrEqual(1_024);
    expect(out).not.toMatch(/\/\/\S*evil|evil\.ex|l\.example/);
    expect(out).toContain('(link removed)');
  });

  it('releases an open construct in bounded pieces and escapes what it leaves open', () => {
    const guard = guardOf({ maxHeldChars: 1_024 });
    const out = guard.guardText(`[a](//evil.com/${'x '.repeat(2_000)}"t")`);
    expect(out).not.toMatch(/\]\(\/\/evil/);
  });

  it('keeps the order of other parts, releasing text before each', async () => {
    const decisions: OutputGuardDecision[] = [];
    const guard = guardOf({ onDecision: (d) => decisions.push(d) });
    const parts = await collect(
      guard.guard(
        streamOf(
          { type: 'reasoning-delta', text: 'think <b' },
          { type: 'reasoning-delta', text: '> hard' },
          text('See [x](https://evil.c'),
          text('om/a) and'),
          { type: 'tool-call-start', toolCallId: 't1', toolName: 'search' },
          text(' more'),
          { type: 'usage', usage: { inputTokens: 1, outputTokens: 2 } as never },
          { type: 'finish', reason: 'stop' },
        ),
      ),
    );
    // `) ` may start a phone number, so `and` waits for the next word or, here, the tool call.
    expect(parts).toEqual([
      { type: 'reasoning-delta', text: 'think ' },
      { type: 'reasoning-delta', text: '&lt;b&gt; ' },
      { type: 'reasoning-delta', text: 'hard' },
      { type: 'text-delta', text: 'See ' },
      { type: 'text-delta', text: 'x and' },
      { type: 'tool-call-start', toolCallId: 't1', toolName: 'search' },
      { type: 'text-delta', text: ' ' },
      { type: 'text-delta', text: 'more' },
      { type: 'usage', usage: { inputTokens: 1, outputTokens: 2 } },
      { type: 'finish', reason: 'stop' },
    ]);
    expect(decisions).toEqual([
      { kind: 'html-escaped', rule: 'html-tag' },
      { kind: 'link-removed', rule: 'markdown-link' },
    ]);
  });

  it('seals text released before another part, so the text after it cannot make a tag', async () => {
    const said = async (...parts: StreamPart[]) =>
      (await collect(guardOf().guard(streamOf(...parts))))
        .map((part) => (part.type === 'text-delta' ? part.text : ''))
        .join('');
    const tool: StreamPart = { type: 'tool-call-start', toolCallId: 't1', toolName: 'search' };
    const thought: StreamPart = { type: 'reasoning-delta', text: 'hmm' };
    expect(await said(text('a <'), thought, text('b> c'))).toBe('a &lt;b> c');
    expect(await said(text('a \\'), tool, text('`<b>`'))).toBe('a \\\\`<b>`');
    expect(rendered(await said(text('a \\\\<'), tool, text('b>')))).not.toMatch(/<b>/);
    expect(await said(text('see https://allowed.com'), tool, text('.evil.com/x ok'))).toBe(
      'see https://allowed.com(link removed) ok',
    );
    expect(await said(text('a ht'), thought, text('tp://evil.com ok'))).toBe(
      'a ht(link removed) ok',
    );
    expect(await said(text('a ma'), tool, text('ilto:x@evil.com'))).toBe('a ma(link removed)');
    expect(await said(text('a http://allowed.com'), tool, text('m ok'))).toBe(
      'a http://allowed.com(link removed) ok',
    );
    expect(await said(text('I will search.'), tool, text('Done: see README.md'))).toBe(
      'I will search.Done: see README.md',
    );
    expect(await said(text('[x]'), tool, text('(javascript:alert(1))'))).toBe(
      '[x]\\(javascript:alert(1))',
    );
    expect(await said(text('[x]'), tool, thought, text('(javascript:alert(1))'))).toBe(
      '[x]\\(javascript:alert(1))',
    );
    expect(await said(text('~~'), tool, text('~\n~~~\n<b>x</b>\n'))).toBe('\\~~~\n~~~\n<b>x</b>\n');
    expect(await said(text('> '), tool, text('```\nx\n```\n<b>\n'))).toBe(
      '> \\`\\`\\`\nx\n```\n<b>\n',
    );
    expect(await said(text('```http<'), tool, text('/b> `x`'))).toBe('\\`\\`\\`http&lt;/b> `x`');
    expect(await said(text('See [a.md#1]'), tool, text(' and more.'))).toBe(
      'See [a.md#1] and more.',
    );
    expect(await said(text('a h'), tool, text('ttps:'), thought, text('//evil.com x'))).toBe(
      'a https:(link removed) x',
    );
    // At the end nothing follows: the text is left as it is.
    expect(await said(text('a <'))).toBe('a <');
  });

  it('delivers held text before a thrown error, and guards it on early return', async () => {
    async function* failing(): AsyncIterable<StreamPart> {
      yield text(`key ${OPENAI_KEY.slice(0, 12)}`);
      throw new Error('boom');
    }
    const seen: StreamPart[] = [];
    await expect(
      (async () => {
        for await (const part of guardOf().guard(failing())) seen.push(part);
      })(),
    ).rejects.toThrow('boom');
    expect(seen).toEqual([text(`key ${OPENAI_KEY.slice(0, 12)}`)]);

    const decisions: OutputGuardDecision[] = [];
    let returned = false;
    async function* endless(): AsyncIterable<StreamPart> {
      try {
        yield text(`hello key ${OPENAI_KEY}`);
        yield text(' never read');
      } finally {
        returned = true;
      }
    }
    for await (const part of guardOf({ onDecision: (d) => decisions.push(d) }).guard(endless())) {
      expect(part).toEqual(text('hello '));
      break;
    }
    expect(returned).toBe(true);
    expect(decisions).toEqual([{ kind: 'secret-redacted', rule: 'openai-key' }]);
  });
});

describe('reporting', () => {
  it('counts decisions in keel.output_guard.decisions and records them on the span', () => {
    const metrics = createMetricsRegistry();
    const tracer = createTracer();
    const span = tracer.startSpan('answer');
    const guard = guardOf({ metrics, span: () => span });
    guard.guardText(`![x](https://evil.com/a.png) ${OPENAI_KEY} <b> https://evil.com`);
    span.end();
    expect(
      metrics.value('keel.output_guard.decisions', {
        kind: 'image-removed',
        rule: 'markdown-image',
      }),
    ).toBe(1);
    expect(
      metrics.value('keel.output_guard.decisions', { kind: 'secret-redacted', rule: 'openai-key' }),
    ).toBe(1);
    expect(metrics.prometheus()).toContain(
      'keel_output_guard_decisions_total{kind="html-escaped",rule="html-tag"} 1',
    );
    expect(tracer.finishedSpans()[0]?.events.map((event) => event.attributes)).toEqual([
      { 'keel.output_guard.kind': 'secret-redacted', 'keel.output_guard.rule': 'openai-key' },
      { 'keel.output_guard.kind': 'image-removed', 'keel.output_guard.rule': 'markdown-image' },
      { 'keel.output_guard.kind': 'html-escaped', 'keel.output_guard.rule': 'html-tag' },
      { 'keel.output_guard.kind': 'link-removed', 'keel.output_guard.rule': 'bare-url' },
    ]);
  });

  it('obs.outputGuard reports to that layer with its redaction rules', () => {
    const obs = createObservability({ logger: false, redaction: { disable: ['email'] } });
    const guard = obs.outputGuard({ allowedHosts: ['allowed.com'] });
    expect(guard.guardText(`mail a@b.example, key ${OPENAI_KEY}`)).toBe(
      'mail a@b.example, key [REDACTED:openai-key]',
    );
    expect(
      obs.metrics?.value('keel.output_guard.decisions', {
        kind: 'secret-redacted',
        rule: 'openai-key',
      }),
    ).toBe(1);
  });

  it('a throwing hook, metric or span does not break the stream', () => {
    const guard = guardOf({
      onDecision: () => {
        throw new Error('hook');
      },
      span: () => {
        throw new Error('span');
      },
    });
    expect(guard.guardText('<b>')).toBe('&lt;b&gt;');
  });
});

describe('options', () => {
  it.each([
    [{ allowedHosts: 'allowed.com' }, 'allowedHosts', /array of host names/],
    [{ allowedHosts: ['https://allowed.com'] }, 'allowedHosts', /bare host names/],
    [{ allowedHosts: ['allowed.com/docs'] }, 'allowedHosts', /bare host names/],
    [{ allowedHosts: [''] }, 'allowedHosts', /bare host names/],
    [{ html: 'strip' }, 'html', /html must be 'escape'/],
    [{ maxHeldChars: 10 }, 'maxHeldChars', /whole number of characters >= 1024/],
    [{ maxHeldChars: Number.NaN }, 'maxHeldChars', /maxHeldChars/],
    [{ onDecision: 'log' }, 'onDecision', /must be a function/],
    [{ span: {} }, 'span', /span must be a span/],
    [
      { redaction: { rules: [{ id: 'x', kind: 'secret', pattern: /x/ }] } },
      'rules',
      /add the g flag/,
    ],
  ])('rejects %j', (options, argument, message) => {
    let error: unknown;
    try {
      createOutputGuard(options as never);
    } catch (caught) {
      error = caught;
    }
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe(argument);
    expect((error as Error).message).toMatch(message);
  });

  it('normalises allowed hosts (case, trailing dot)', () => {
    const guard = createOutputGuard({ allowedHosts: ['Docs.Example.COM.'] });
    expect(guard.guardText('https://docs.example.com/a')).toBe('https://docs.example.com/a');
  });

  it('rejects text that is not a string', () => {
    expect(() =>
      guardOf()
        .text()
        .push(42 as never),
    ).toThrow(/push takes a string/);
  });
});
