/**
 * The output guard's Markdown pass over one piece of already-redacted text: images and links to
 * hosts off the allowlist removed, bare URLs and autolinks neutralised, raw HTML escaped, and
 * code left as it is. The piece is read as a Markdown renderer would read it, and where the two
 * could disagree the output is made unambiguous (an unpaired backtick or an unclosed `](` is
 * escaped), so nothing the guard took for code or text can render as HTML or a link.
 */
import type { TableLines } from './output-guard-tables';
import { destinationAllowed, emailAllowed } from './output-guard-urls';

/** What the guard did, as its decision hook, metric and span events report it. */
export type OutputGuardDecisionKind =
  | 'secret-redacted'
  | 'image-removed'
  | 'link-removed'
  | 'html-escaped';

/** A fenced code block the text is inside: its fence character and length. */
export interface Fence {
  char: '`' | '~';
  length: number;
}

/** What the Markdown pass needs besides the text. */
export interface MarkdownContext {
  allowedHosts: readonly string[];
  decide(kind: OutputGuardDecisionKind, rule: string): void;
}

/** The rendering of a link or URL the guard removed. Never a valid link destination. */
export const LINK_REMOVED = '(link removed)';
const IMAGE_REMOVED = '(image removed)';

/** Longest link text, destination and title read as one construct (longer ones are text). */
export const MAX_LINK_TEXT = 500;
export const MAX_DESTINATION = 2_048;
/** Longest raw HTML tag read as one (a longer `<tag ...` is escaped as an unclosed tag). */
export const MAX_TAG = 1_024;

const FENCE_OPEN = /^(`{3,}|~{3,})([^\n]*)$/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*\r?$/;
/** A line a renderer may read as a fence inside a list item or quote, or indented: escaped. */
const FENCE_LIKE = /^([ \t>*+\-\d.)]*?)(`{3,}|~{3,})/;

/**
 * The fence state after one whole line (without its line break). Only a fence at the start of a
 * line opens a block (one inside a list item or quote could be closed by the container, which
 * the guard does not track); it closes as CommonMark says.
 */
export function nextFence(line: string, fence: Fence | undefined): Fence | undefined {
  if (fence) {
    const close = FENCE_CLOSE.exec(line);
    const marker = close?.[1];
    return marker && marker[0] === fence.char && marker.length >= fence.length ? undefined : fence;
  }
  const open = FENCE_OPEN.exec(line.replace(/\r$/, ''));
  const marker = open?.[1];
  if (!marker || (marker[0] === '`' && open[2]?.includes('`'))) return undefined;
  return { char: marker[0] as '`' | '~', length: marker.length };
}

/** True when a line (or its start) looks like a fence: such a line is never cut. */
export function fenceLike(lineStart: string): boolean {
  return FENCE_LIKE.test(lineStart);
}

// A link destination and title, as CommonMark reads them (lengths bounded).
const DESTINATION = String.raw`([ \t]*\n?[ \t]*)(<[^<>\n]{0,${MAX_DESTINATION}}>|(?:[^\s()\\]|\\[^\n]|\((?:[^\s()\\]|\\[^\n]){0,${MAX_DESTINATION}}\)){0,${MAX_DESTINATION}})((?:(?:[ \t]+\n?|\n)[ \t]*(?:"[^"]{0,1024}"|'[^']{0,1024}'|\([^()]{0,1024}\)))?)([ \t]*\n?[ \t]*)\)`;
const LINK = new RegExp(String.raw`\[([^\[\]\n]{0,${MAX_LINK_TEXT}})\]\(${DESTINATION}`, 'y');
const ORPHAN_DESTINATION = new RegExp(String.raw`\]\(${DESTINATION}`, 'y');
const IMAGE = new RegExp(String.raw`!\[([^\[\]\n]{0,${MAX_LINK_TEXT}})\]\(${DESTINATION}`, 'y');
const REFERENCE_IMAGE = new RegExp(
  String.raw`!\[([^\[\]\n]{0,${MAX_LINK_TEXT}})\]\[[^\[\]\n]{0,${MAX_LINK_TEXT}}\]`,
  'y',
);
const DEFINITION = new RegExp(
  String.raw`\[([^\[\]\n]{1,${MAX_LINK_TEXT}})\]:([ \t]*\n?[ \t]*)(<[^<>\n]{0,${MAX_DESTINATION}}>|[^\s<>]{1,${MAX_DESTINATION}})`,
  'y',
);
const AUTOLINK = /<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>/y;
const EMAIL_AUTOLINK = /<([^\s<>@]+@[A-Za-z0-9.-]+)>/y;
const TAG = new RegExp(`<([/!?]?)([A-Za-z][A-Za-z0-9:-]*)?([^<>]{0,${MAX_TAG}})(>?)`, 'y');
/**
 * A bare URL a renderer may turn into a link (GFM: `http://`, `https://`, `ftp://`, `www.`;
 * linkify also `mailto:` and protocol-relative `//`); stops where Markdown syntax starts.
 */
const BARE_URL = /(?:(?:https?|ftp):\/\/|(?:mailto|xmpp):|www\.|\/\/)[^\s<>[\]()`"']*/iy;
/** The same URL as far as a renderer may read it (through quotes, brackets and parentheses). */
const RENDERED_URL = /\S*/y;
/** Where the scanner stops to look: escapes, code, tags, images, links, URLs. */
const TOKEN =
  /\\[!-/:-@[-`{-~]|`+|<(?=[A-Za-z/!?])|!\[|\[|\]\(|(?:https?|ftp):\/\/|www\.|(?<![A-Za-z0-9])(?:mailto|xmpp):|(?<![A-Za-z0-9:/])\/\/(?=[A-Za-z0-9])/gi;
/** Attributes that make a tag load something. */
const LOADING_ATTRIBUTE =
  /\b(?:src|srcset|poster|data|background|xlink:href|href|action|formaction)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi;
const LOADING_TAG =
  /^(?:img|image|picture|source|video|audio|iframe|frame|embed|object|track|input|svg|use)$/i;

/** Characters that could end a destination or start code, percent-encoded (same URL). */
function encodeRisky(url: string): string {
  return url.replace(/[<>"'`]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A link title with the characters that could start a tag or code made entities. */
function escapeTitle(title: string): string {
  return title.replace(/[<>`]/g, (char) => `&#${char.charCodeAt(0)};`);
}

function trimTrailing(url: string): string {
  return url.replace(/[?!.,:;*_~]+$/, '');
}

/** Alt text as plain words for a removal marker. */
function plainAlt(alt: string): string {
  return alt
    .replace(/[`<>[\]()\\!*_~|]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Sanitises Markdown prose (no fenced code). `lineStart`: the text starts a line. `inTable`: given
 * the output so far, whether a code span holding `|` may be in a table's rows (see
 * `output-guard-tables.ts`); without it every such span is read as text.
 */
function sanitizeProse(
  text: string,
  lineStart: boolean,
  context: MarkdownContext,
  inTable?: (before: string) => boolean,
): string {
  const { allowedHosts, decide } = context;
  let out = '';
  let done = 0;
  TOKEN.lastIndex = 0;
  for (let found = TOKEN.exec(text); found !== null; found = TOKEN.exec(text)) {
    const at = found.index;
    const token = found[0];
    out += text.slice(done, at);
    let next = at + token.length;
    const first = token[0];
    if (first === '\\') {
      out += token;
    } else if (first === '`') {
      next = codeSpan(at, token.length);
    } else if (first === '<') {
      next = angle(at);
    } else if (token === '![') {
      next = image(at);
    } else if (token === '[') {
      next = bracket(at);
    } else if (token === '](') {
      next = orphanDestination(at);
    } else {
      next = bareUrl(at);
    }
    done = next;
    TOKEN.lastIndex = next;
  }
  return out + text.slice(done);

  function codeSpan(at: number, length: number): number {
    const lineEnd = text.indexOf('\n', at);
    const rest = text.slice(at + length, lineEnd === -1 ? text.length : lineEnd);
    const close = new RegExp(`(?<!\`)\`{${length}}(?!\`)`).exec(rest);
    // Marked reads no code span right after a `~`, and a table row splits one holding `|`:
    // such spans are read as text.
    const piped = close !== null && rest.slice(0, close.index).includes('|');
    if (close && text[at - 1] !== '~' && (!piped || inTable?.(out) === false)) {
      const end = at + length + close.index + length;
      out += text.slice(at, end);
      return end;
    }
    out += '\\`'.repeat(length);
    return at + length;
  }

  function angle(at: number): number {
    for (const [pattern, allowed] of [
      [AUTOLINK, (url: string) => destinationAllowed(url, allowedHosts)],
      [EMAIL_AUTOLINK, (address: string) => emailAllowed(address, allowedHosts)],
    ] as const) {
      pattern.lastIndex = at;
      const match = pattern.exec(text);
      if (!match) continue;
      const target = match[1] as string;
      if (allowed(target)) out += `<${encodeRisky(target)}>`;
      else {
        decide('link-removed', 'autolink');
        out += LINK_REMOVED;
      }
      return pattern.lastIndex;
    }
    TAG.lastIndex = at;
    const tag = TAG.exec(text) as RegExpExecArray; // TOKEN saw `<` and a tag character
    const [whole, , name = '', rest = '', closed] = tag;
    if (!closed) {
      // Not a tag to any renderer: the `<` is escaped and the rest read on, in full context.
      decide('html-escaped', 'html-tag');
      out += '&lt;';
      return at + 1;
    }
    if (LOADING_TAG.test(name) && loadsOffAllowlist(rest)) {
      decide('image-removed', 'html-image');
      const alt = plainAlt(
        /\balt\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(rest)?.slice(1).join('') ?? '',
      );
      out += alt === '' ? IMAGE_REMOVED : `(image removed: ${sanitizeProse(alt, false, context)})`;
      return at + whole.length;
    }
    decide('html-escaped', 'html-tag');
    out += `&lt;${sanitizeProse(whole.slice(1, -1), false, context)}&gt;`;
    return at + whole.length;
  }

  function loadsOffAllowlist(attributes: string): boolean {
    LOADING_ATTRIBUTE.lastIndex = 0;
    for (const match of attributes.matchAll(LOADING_ATTRIBUTE)) {
      const value = (match[1] as string).replace(/^["']|["']$/g, '');
      // srcset: comma-separated candidates, each a URL and a descriptor.
      for (const candidate of value.split(',')) {
        const url = candidate.trim().split(/\s+/, 1)[0] ?? '';
        if (url !== '' && !destinationAllowed(url, allowedHosts)) return true;
      }
    }
    return false;
  }

  function image(at: number): number {
    IMAGE.lastIndex = at;
    const inline = IMAGE.exec(text);
    if (inline) {
      const [whole, alt = '', , destination = '', title = ''] = inline;
      if (keepable(destination, title)) {
        out += `![${sanitizeProse(alt, false, context)}]${keptDestination(inline.slice(2))}`;
      } else {
        decide('image-removed', 'markdown-image');
        out += removedImage(alt);
      }
      return at + whole.length;
    }
    // `![alt][ref]`: its definition may come later, so its host cannot be checked: removed.
    REFERENCE_IMAGE.lastIndex = at;
    const reference = REFERENCE_IMAGE.exec(text);
    if (reference) {
      decide('image-removed', 'reference-image');
      out += removedImage(reference[1] ?? '');
      return at + reference[0].length;
    }
    out += '!';
    return at + 1;
  }

  function removedImage(alt: string): string {
    const plain = plainAlt(alt);
    return plain === ''
      ? IMAGE_REMOVED
      : `(image removed: ${sanitizeProse(plain, false, context)})`;
  }

  /**
   * A destination (and title) may stay when its host is allowed and, read as plain text by a
   * renderer that does not take the construct as a link, it holds nothing the guard would change.
   */
  function keepable(destination: string, title = ''): boolean {
    const probe: MarkdownContext = { allowedHosts, decide() {} };
    return (
      destinationAllowed(destination, allowedHosts) &&
      sanitizeProse(destination, false, probe) === destination &&
      sanitizeProse(escapeTitle(title), false, probe) === escapeTitle(title)
    );
  }

  /** `(destination "title")` of a kept link, made unambiguous (groups: space, URL, title, space). */
  function keptDestination(groups: readonly (string | undefined)[]): string {
    const [before = '', destination = '', title = '', after = ''] = groups;
    const url = /^<.*>$/s.test(destination)
      ? `<${encodeRisky(destination.slice(1, -1))}>`
      : encodeRisky(destination);
    return `(${before}${url}${escapeTitle(title)}${after})`;
  }

  function bracket(at: number): number {
    const lineStartAt = text.lastIndexOf('\n', at - 1) + 1;
    if ((lineStartAt > 0 || lineStart) && /^ {0,3}$/.test(text.slice(lineStartAt, at))) {
      DEFINITION.lastIndex = at;
      const definition = DEFINITION.exec(text);
      if (definition) {
        const [whole, label = '', space = '', destination = ''] = definition;
        const kept = keepable(destination);
        if (!kept) decide('link-removed', 'reference-definition');
        out += `[${sanitizeProse(label, false, context)}]:${space}${kept ? encodeRisky(destination) : LINK_REMOVED}`;
        return at + whole.length;
      }
    }
    LINK.lastIndex = at;
    const link = LINK.exec(text);
    if (!link) {
      out += '[';
      return at + 1;
    }
    const [whole, label = '', , destination = '', title = ''] = link;
    const shown = sanitizeProse(label, false, context);
    if (keepable(destination, title)) out += `[${shown}]${keptDestination(link.slice(2))}`;
    else {
      decide('link-removed', 'markdown-link');
      // A link without text leaves a marker: text around it must not join (`` `a` `` and a
      // backtick after it would make one run of two).
      out += shown === '' ? LINK_REMOVED : shown;
    }
    return at + whole.length;
  }

  function orphanDestination(at: number): number {
    ORPHAN_DESTINATION.lastIndex = at;
    const match = ORPHAN_DESTINATION.exec(text);
    if (!match) {
      // Unclosed here: escaped, so that no later `)` can make it a link.
      out += ']\\(';
      return at + 2;
    }
    if (keepable(match[2] ?? '', match[3])) out += `]${keptDestination(match.slice(1))}`;
    else {
      decide('link-removed', 'markdown-link');
      out += ']';
    }
    return at + match[0].length;
  }

  function bareUrl(at: number): number {
    BARE_URL.lastIndex = at;
    const url = trimTrailing((BARE_URL.exec(text) as RegExpExecArray)[0]);
    RENDERED_URL.lastIndex = at;
    const rendered = trimTrailing((RENDERED_URL.exec(text) as RegExpExecArray)[0]);
    // Kept only when both readings are allowed; the rest of a longer one is read after it.
    const allowed = [url, rendered].every((reading) =>
      destinationAllowed(/^www\./i.test(reading) ? `https://${reading}` : reading, allowedHosts),
    );
    if (allowed) out += encodeRisky(url);
    else {
      decide('link-removed', 'bare-url');
      out += LINK_REMOVED;
    }
    return at + url.length;
  }
}

/**
 * Sanitises one piece of text (whole lines, or ending after whitespace) given the fence state at
 * its start; returns the output and the fence state at its end.
 */
export function sanitizeMarkdown(
  text: string,
  start: { fence: Fence | undefined; lineStart: boolean; tables: TableLines },
  context: MarkdownContext,
): { text: string; fence: Fence | undefined } {
  let fence = start.fence;
  let out = '';
  let prose = '';
  let proseLineStart = start.lineStart;
  let atLineStart = start.lineStart;
  let position = 0;
  const flushProse = () => {
    if (prose !== '') {
      const before = out;
      out += sanitizeProse(prose, proseLineStart, context, (proseOut) =>
        start.tables.inTableAfter(before + proseOut),
      );
    }
    prose = '';
  };
  while (position < text.length) {
    const newline = text.indexOf('\n', position);
    const end = newline === -1 ? text.length : newline + 1;
    let line = text.slice(position, end);
    const bare = line.replace(/\n$/, '');
    if (atLineStart || fence) {
      if (fence) {
        if (atLineStart) fence = nextFence(bare, fence);
        out += line; // code, and the closing fence line
      } else if (atLineStart && nextFence(bare, undefined)) {
        flushProse();
        fence = nextFence(bare, undefined);
        // The info string is text to a renderer that does not take the line as a fence (one
        // at the very end, without a line break): sanitised like prose, harmless in a class.
        const marker = (/^(`+|~+)/.exec(line) as RegExpExecArray)[0];
        out += marker + sanitizeProse(line.slice(marker.length), false, context);
      } else {
        const like = FENCE_LIKE.exec(line);
        // Escape the first fence character so no renderer opens a block the guard did not.
        if (like) line = `${like[1]}\\${line.slice((like[1] as string).length)}`;
        if (prose === '') proseLineStart = atLineStart;
        prose += line;
      }
    } else {
      if (prose === '') proseLineStart = atLineStart;
      prose += line;
    }
    atLineStart = newline !== -1;
    position = end;
  }
  flushProse();
  return { text: out, fence };
}
