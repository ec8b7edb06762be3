/**
 * Which URLs the output guard keeps: relative ones (`/docs`, `guide.md`, `#install`) and
 * `http(s)` URLs whose host is on the allowlist or below it. Every other scheme (`javascript:`,
 * `data:`, `vbscript:`, `mailto:`...) and every other host is refused, however it is disguised:
 * entity-encoded, percent-encoded, mixed case, with whitespace or control characters inside the
 * scheme, backslashes for slashes (`https:\\evil`), protocol-relative (`//evil`) or with an
 * allowed-looking user name (`https://allowed.com@evil.com`; a URL with a user name or password,
 * or a host a renderer may end early, with `_`, `(` or `~` in it, is refused too). Hosts are read
 * by the WHATWG URL parser, as a browser reads them.
 */
import { InvalidArgumentError } from '@keel/core';

/** A few named character references that can hide a scheme or a slash; others are refused. */
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  colon: ':',
  sol: '/',
  bsol: '\\',
  period: '.',
  tab: '\t',
  newline: '\n',
  quot: '"',
  apos: "'",
  lpar: '(',
  rpar: ')',
  lt: '<',
  gt: '>',
  nbsp: '\u00a0',
};

function decodeEntities(text: string): string {
  return text.replace(
    /&(?:#[xX]([0-9a-fA-F]{1,6})|#(\d{1,7})|([A-Za-z]{2,8}));?/g,
    (raw, hex, dec, name) => {
      if (name !== undefined) return NAMED_ENTITIES[(name as string).toLowerCase()] ?? raw;
      const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(dec);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    },
  );
}

/** Markdown's backslash escapes (`javascript\:`), as a renderer removes them from a destination. */
function unescapeMarkdown(text: string): string {
  return text.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

/** Normalises an allowlist entry (`Docs.Example.com.` → `docs.example.com`), or throws. */
export function normalizeAllowedHost(host: unknown): string {
  if (typeof host === 'string' && /^[^\s/:?#@\\]+$/.test(host)) {
    try {
      const hostname = new URL(`https://${host}/`).hostname.replace(/\.$/, '');
      if (hostname !== '') return hostname;
    } catch {
      // reported below
    }
  }
  throw new InvalidArgumentError({
    argument: 'allowedHosts',
    message: `allowedHosts must hold bare host names such as 'docs.example.com' (no scheme, port or path), got ${JSON.stringify(host)}`,
  });
}

function hostAllowed(hostname: string, allowedHosts: readonly string[]): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  // Only what every renderer reads as one host: a browser takes `_`, `(`, `~` or `}` in a host,
  // where a renderer ends the link (`allowed.com_.evil.com(.allowed.com` links evil.com).
  if (!/^[a-z0-9-]+(?:\.[a-z0-9-]+)*$/.test(host)) return false;
  // A name of one label (`intranet`, or `com` by mistake) is its own host only: below it is a
  // top-level domain's whole namespace, not the allowed host's subdomains.
  return allowedHosts.some(
    (allowed) => host === allowed || (allowed.includes('.') && host.endsWith(`.${allowed}`)),
  );
}

/** One reading of a destination: true when it is relative or an allowed http(s) URL. */
function readingAllowed(raw: string, allowedHosts: readonly string[]): boolean {
  // Browsers drop tabs and line breaks anywhere in a URL, and leading controls and spaces.
  const url = raw.replace(/[\t\n\r]/g, '').replace(/^[\p{Cc}\s]+/u, '');
  const head = url.split(/[/?#]/, 1)[0] as string;
  // A scheme, or something a decoder might still turn into one: refuse what cannot be read.
  if (/[&%\p{Cc}\s]/u.test(head) && head.includes(':')) return false;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  const slashes = /^[/\\]{2}/.test(url);
  if (scheme === undefined && !slashes) return true; // relative: a path, query or #anchor
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') return false;
  try {
    const parsed = new URL(url, 'https://relative.invalid/');
    // A user name or password: a renderer may end the link at the `@` (`https://evil.com@.a.com`).
    if (parsed.username !== '' || parsed.password !== '') return false;
    return hostAllowed(parsed.hostname, allowedHosts);
  } catch {
    return false;
  }
}

/**
 * True when a link or image destination may stay: every reading of it (as written, with HTML
 * entities decoded, with Markdown escapes removed; each with backslashes as a browser reads them,
 * `/`, and as a renderer may percent-encode them, `%5C`, which a browser does not) is relative or
 * an allowed http(s) URL.
 */
export function destinationAllowed(raw: string, allowedHosts: readonly string[]): boolean {
  const trimmed = raw.startsWith('<') && raw.endsWith('>') ? raw.slice(1, -1) : raw;
  const decoded = decodeEntities(trimmed);
  return [trimmed, decoded, unescapeMarkdown(trimmed), unescapeMarkdown(decoded)].every(
    (reading) =>
      readingAllowed(reading, allowedHosts) &&
      (!reading.includes('\\') || readingAllowed(reading.replace(/\\/g, '%5C'), allowedHosts)),
  );
}

/** True when an e-mail address's domain is allowed (for `<user@host>` autolinks). */
export function emailAllowed(address: string, allowedHosts: readonly string[]): boolean {
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return readingAllowed(`https://${domain}/`, allowedHosts);
}
