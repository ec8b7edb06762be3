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

/** What may come before a block on its line: indentation, list markers, quote markers. */
export const BLOCK_LEAD = String.raw`[ \t>*+\-\d.)]`;
const FENCE_OPEN = /^(`{3,}|~{3,})([^\n]*)$/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*\r?$/;
/** A line a renderer may read as a fence inside a list item or quote, or indented: escaped. */
const FENCE_LIKE = new RegExp(String.raw`^(${BLOCK_LEAD}*?)(\`{3,}|~{3,})`);
/** A character of a line that may still become a fence: a lead or a fence character. */
export const FENCE_PREFIX = /[ \t>*+\-\d.)`~]/;
const LEADS = new RegExp(`^${BLOCK_LEAD}*`);

/**
 * `text` with a backslash before the fence characters it starts with (after what may come
 * before a fence) when they are a fence already or may grow into one (they end the text).
 */
export function escapeFenceStart(text: string): string {
  const lead = (LEADS.exec(text) as RegExpExecArray)[0].length;
  const run = /^(?:`+|~+)/.exec(text.slice(lead))?.[0] ?? '';
  return run.length >= 3 || (run !== '' && lead + run.length === text.length)
    ? `${text.slice(0, lead)}\\${text.slice(lead)}`
    : text;
}

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

/** A link's destination and title, from after its `(` through its `)`. */
interface Destination {
  /** The parts between the parentheses, in order: they make up the whole. */
  parts: [before: string, url: string, title: string, after: string];
  /** Where the text goes on after the `)`. */
  end: number;
}

const isBlank = (char: string | undefined) => char === ' ' || char === '\t';

/** `[ \t]*\n?[ \t]*` from `at`: where it ends. */
function skipSpace(text: string, at: number): number {
  let i = at;
  while (isBlank(text[i])) i++;
  if (text[i] === '\n') i++;
  while (isBlank(text[i])) i++;
  return i;
}

/**
 * Reads a link destination and title after `(`, as CommonMark does (lengths bounded), in one
 * pass: every way of splitting the spaces between them reads the same, so none is tried twice.
 */
function readDestination(text: string, from: number): Destination | undefined {
  const start = skipSpace(text, from);
  if (text[start] === '<') {
    let i = start + 1;
    while (i - start <= MAX_DESTINATION && i < text.length && !'<>\n'.includes(text[i] as string)) {
      i++;
    }
    const read = text[i] === '>' && finish(start, i + 1);
    if (read) return read;
  }
  const end = plainUrlEnd(text, start);
  // Without a URL, the spaces may be the title's.
  return end === start ? finish(from, from) : finish(start, end);

  function finish(urlStart: number, urlEnd: number): Destination | undefined {
    const titleEnd = readTitle(text, urlEnd);
    for (const after of titleEnd === undefined ? [urlEnd] : [titleEnd, urlEnd]) {
      const close = skipSpace(text, after);
      if (text[close] !== ')') continue;
      return {
        parts: [
          text.slice(from, urlStart),
          text.slice(urlStart, urlEnd),
          text.slice(urlEnd, after),
          text.slice(after, close),
        ],
        end: close + 1,
      };
    }
    return undefined;
  }
}

/**
 * After a reference definition's destination (at `end`): whether a title may follow that ends
 * past its line, one opened on the line and not closed on it, or one on the next line.
 */
function titleMayFollow(text: string, end: number): boolean {
  const lineEnd = text.indexOf('\n', end);
  const rest = text.slice(end, lineEnd === -1 ? text.length : lineEnd);
  if (/^[ \t]*$/.test(rest)) return lineEnd !== -1 && /^[ \t]*["'(]/.test(text.slice(lineEnd + 1));
  return /^[ \t]+["'(]/.test(rest) && !CLOSED_TITLE.test(rest);
}

/** Where a destination not in `<>` ends: no spaces, parentheses balanced one deep, escapes. */
function plainUrlEnd(text: string, start: number): number {
  let i = start;
  for (let count = 0; count < MAX_DESTINATION; count++) {
    if (text[i] === '(') {
      const inner = urlCharsEnd(text, i + 1);
      if (text[inner] !== ')') break;
      i = inner + 1;
    } else {
      const next = urlCharsEnd(text, i, 1);
      if (next === i) break;
      i = next;
    }
  }
  return i;
}

/** Up to `max` URL characters (not space or parenthesis; a backslash escapes one) from `at`. */
function urlCharsEnd(text: string, at: number, max = MAX_DESTINATION): number {
  let i = at;
  for (let count = 0; count < max; count++) {
    const char = text[i];
    if (char === '\\' && i + 1 < text.length && text[i + 1] !== '\n') i += 2;
    else if (char !== undefined && !/[\s()\\]/.test(char)) i++;
    else break;
  }
  return i;
}

/** A title after a destination (spaces, then `"…"`, `'…'` or `(…)`): where it ends. */
function readTitle(text: string, at: number): number | undefined {
  let i = at;
  if (isBlank(text[i])) {
    while (isBlank(text[i])) i++;
    if (text[i] === '\n') i++;
  } else if (text[i] === '\n') i++;
  else return undefined;
  while (isBlank(text[i])) i++;
  const open = text[i];
  if (open === undefined || !'"\'('.includes(open)) return undefined;
  const close = open === '(' ? ')' : open;
  for (let j = i + 1; j - i - 1 <= 1_024 && j < text.length; j++) {
    if (text[j] === close) return j + 1;
    if (text[j] === open && open === '(') return undefined;
  }
  return undefined;
}

/** Link text: no brackets or line breaks; a backslash escapes one (`[a\\](x)` is no link). */
const LABEL = String.raw`(?:[^\[\]\n\\]|\\[^\n])`;
const LINK_START = new RegExp(String.raw`\[(${LABEL}{0,${MAX_LINK_TEXT}})\]\(`, 'y');
const IMAGE_START = new RegExp(String.raw`!\[(${LABEL}{0,${MAX_LINK_TEXT}})\]\(`, 'y');
const REFERENCE_IMAGE = new RegExp(
  String.raw`!\[(${LABEL}{0,${MAX_LINK_TEXT}})\]\[${LABEL}{0,${MAX_LINK_TEXT}}\]`,
  'y',
);
const DEFINITION = new RegExp(
  String.raw`\[(${LABEL}{1,${MAX_LINK_TEXT}})\]:([ \t]*(?:\n[ \t]*)?)(<[^<>\n]{0,${MAX_DESTINATION}}>|(?:[^\s<\\]|\\\S)(?:[^\s\\]|\\\S){0,${MAX_DESTINATION}})`,
  'y',
);
const CONTAINER = new RegExp(BLOCK_LEAD);
/** A title closed on its line, and nothing after it. */
const CLOSED_TITLE = /^[ \t]+(?:"[^"]*"|'[^']*'|\([^()]*\))[ \t]*$/;
const DEFINITION_OPEN = new RegExp(
  String.raw`\[${LABEL}{1,${MAX_LINK_TEXT}}\]:[ \t]*(?:\n[ \t]*)?$`,
  'y',
);
const AUTOLINK = /<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>/y;
/** CommonMark's e-mail autolink: its local part holds no Markdown brackets or parentheses. */
const EMAIL_AUTOLINK =
  /<([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>/y;
const TAG = new RegExp(`<([/!?]?)([A-Za-z][A-Za-z0-9:-]*)?([^<>]{0,${MAX_TAG}})(>?)`, 'y');
/**
 * A bare URL a renderer may turn into a link (GFM: `http://`, `https://`, `ftp://`, `www.`;
 * linkify also `mailto:` and protocol-relative `//`); stops where Markdown syntax starts
 * (emphasis too: `*https://a.com*https://b.com` is two links to marked).
 */
const BARE_URL = /(?:(?:https?|ftp):\/\/|(?:mailto|xmpp):|www\.|\/\/)[^\s<>[\]()`"'\\*_~]*/iy;
/** The same URL as far as a renderer may read it (through quotes, brackets and parentheses). */
const RENDERED_URL = /\S*/y;
/**
 * Where a renderer may start a URL: inside a kept destination (`](\\https://a.com)`), or where
 * two texts join across another part (`ht`, a part, `tp://`).
 */
export const URL_STARTS =
  /(?:https?|ftp):\/\/|www\.|(?<![A-Za-z0-9])(?:mailto|xmpp):|(?<![A-Za-z0-9:/])\/\/(?=[^\s/])/gi;
/** A URL whose host has ended (at a path, query or fragment). */
const HOST_ENDED = /^(?:(?:https?:)?\/\/|www\.)[^/?#]*[/?#]/i;
/**
 * Where the scanner stops to look: escapes, code, tags and autolinks (an e-mail one may start
 * with a backtick: `` <`@evil.com> ``), images, links, URLs.
 */
const TOKEN =
  /\\[!-/:-@[-`{-~]|`+|<(?=[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-])|!\[|\[|\]\(|(?:https?|ftp):\/\/|www\.|(?<![A-Za-z0-9])(?:mailto|xmpp):|(?<![A-Za-z0-9:/])\/\/(?=[^\s/])/gi;
/** Attributes that make a tag load something. */
const LOADING_ATTRIBUTE =
  /\b(?:src|srcset|poster|data|background|xlink:href|href|action|formaction)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi;
const LOADING_TAG =
  /^(?:img|image|picture|source|video|audio|iframe|frame|embed|object|track|input|svg|use)$/i;

/** Characters that could end a destination or start code, percent-encoded (same URL). */
function encodeRisky(url: string): string {
  return url.replace(/[<>"'`]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A kept destination as the guard writes it (in `<>` if it was). */
function shownUrl(url: string): string {
  return /^<.*>$/s.test(url) ? `<${encodeRisky(url.slice(1, -1))}>` : encodeRisky(url);
}

/** A link title with the characters that could start a tag or code made entities. */
function escapeTitle(title: string): string {
  return title.replace(/[<>`]/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A URL without the punctuation GFM leaves out at its end, unbalanced `)` included. */
function trimTrailing(url: string): string {
  let trimmed = url.replace(/[?!.,:;*_~]+$/, '');
  const count = (char: string) => trimmed.split(char).length - 1;
  while (trimmed.endsWith(')') && count(')') > count('(')) {
    trimmed = trimmed.slice(0, -1).replace(/[?!.,:;*_~]+$/, '');
  }
  return trimmed;
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
  input: string,
  lineStart: boolean,
  context: MarkdownContext,
  inTable?: (before: string) => boolean,
): string {
  const { allowedHosts, decide } = context;
  /** The text read: a removed link is replaced by its text, read again in place. */
  let text = input;
  /**
   * The end of the word a kept bare URL starts: a renderer may read the URL on through it (marked
   * reads to a space or `<`), so a backtick in it is text, never code, a `[` starts no link, and a
   * backslash before a `<` escapes nothing.
   */
  let urlWordEnd = -1;
  /** Code span runs that found no closer on the line ending at `codeLineEnd`, by length. */
  const codeCloses = new Map<number, number>();
  let codeLineEnd = -1;
  let out = '';
  let done = 0;
  TOKEN.lastIndex = 0;
  for (let found = TOKEN.exec(text); found !== null; found = TOKEN.exec(text)) {
    const at = found.index;
    const token = found[0];
    out += text.slice(done, at);
    let next = at + token.length;
    const first = token[0];
    if (at < urlWordEnd && first === '`') {
      out += '\\`'.repeat(token.length);
    } else if (at < urlWordEnd && (token === '[' || token === '![')) {
      // Marked's URL reads on through the bracket, so no link starts there.
      out += token === '[' ? '\\[' : '!\\[';
    } else if (at < urlWordEnd && token === '\\<') {
      // Marked's URL ends at `<`: the backslash is its last character, the `<` is read anew.
      out += '\\';
      next = at + 1;
    } else if (first === '\\') {
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
    // A run of this length found no closer on this line from an earlier point: none here either.
    const noCloser = codeCloses.get(length);
    const close =
      noCloser !== undefined && noCloser <= at && lineEnd === codeLineEnd
        ? null
        : new RegExp(`(?<!\`)\`{${length}}(?!\`)`).exec(rest);
    if (close === null) {
      if (lineEnd !== codeLineEnd) codeCloses.clear();
      codeLineEnd = lineEnd;
      if (!codeCloses.has(length)) codeCloses.set(length, at);
    }
    // Marked reads no code span right after a `~`, and a table row splits one holding `|`:
    // such spans are read as text (the second only in a table's rows).
    const inside = close === null ? '' : rest.slice(0, close.index);
    const piped = inside.includes('|');
    // Marked reads a run of two or more backticks inside link text as empty code spans, so a
    // `](` in such a span may end a link's text: the span is read as text.
    const linky = length > 1 && inside.includes('](');
    if (close && text[at - 1] !== '~' && !linky && (!piped || inTable?.(out) === false)) {
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
    // No autolink, and no tag either (`<=`): text.
    if (!/[A-Za-z/!?]/.test(text[at + 1] as string)) {
      out += '<';
      return at + 1;
    }
    TAG.lastIndex = at;
    const tag = TAG.exec(text) as RegExpExecArray; // a tag character follows the `<`
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
    IMAGE_START.lastIndex = at;
    const start = IMAGE_START.exec(text);
    const open = IMAGE_START.lastIndex;
    const inline = start && readDestination(text, open);
    if (start && inline) {
      const alt = start[1] ?? '';
      const [before, url, title] = inline.parts;
      if (keepable(url, title, open + before.length)) {
        out += `![${sanitizeProse(alt, false, context)}]${keptDestination(inline.parts)}`;
      } else {
        decide('image-removed', 'markdown-image');
        out += removedImage(alt);
      }
      return inline.end;
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
   * renderer that does not take the construct as a link, it holds nothing the guard would change
   * and its URLs, autolinked by a renderer that does not read the construct (or, a `](` without
   * its `[`, reads no link), read on into nothing else (`readOn`; the destination is at `urlAt`).
   */
  function keepable(destination: string, title: string, urlAt?: number): boolean {
    const probe: MarkdownContext = { allowedHosts, decide() {} };
    const shown = shownUrl(destination);
    return (
      destinationAllowed(destination, allowedHosts) &&
      destinationAllowed(shown, allowedHosts) &&
      sanitizeProse(shown, false, probe) === shown &&
      sanitizeProse(escapeTitle(title), false, probe) === escapeTitle(title) &&
      (urlAt === undefined || shown.startsWith('<') || readOn(urlAt, destination))
    );
  }

  /** `(destination "title")` of a kept link, made unambiguous. */
  function keptDestination([before, url, title, after]: Destination['parts']): string {
    return `(${before}${shownUrl(url)}${escapeTitle(title)}${after})`;
  }

  function bracket(at: number): number {
    // At the start of a line, in a list item or quote too.
    let lineStartAt = at;
    while (lineStartAt > 0 && CONTAINER.test(text[lineStartAt - 1] as string)) lineStartAt--;
    if (lineStartAt === 0 ? lineStart : text[lineStartAt - 1] === '\n') {
      DEFINITION.lastIndex = at;
      const definition = DEFINITION.exec(text);
      const open = definition && titleMayFollow(text, at + definition[0].length);
      // A title that may go on past this line (marked reads one across lines, blank ones too,
      // and a fence line in it as title): the line is made no definition at all.
      if (open) {
        out += '\\[';
        return at + 1;
      }
      if (definition) {
        const [whole, label = '', space = '', destination = ''] = definition;
        const kept = keepable(destination, '');
        if (!kept) decide('link-removed', 'reference-definition');
        out += `[${sanitizeProse(label, false, context)}]:${space}${kept ? shownUrl(destination) : LINK_REMOVED}`;
        return at + whole.length;
      }
      // A definition still without a destination where the prose ends (a fence line follows):
      // a renderer may take that line as its destination, so it is no definition at all.
      DEFINITION_OPEN.lastIndex = at;
      if (DEFINITION_OPEN.test(text)) {
        out += '\\[';
        return at + 1;
      }
    }
    LINK_START.lastIndex = at;
    const start = LINK_START.exec(text);
    const open = LINK_START.lastIndex;
    const link = start && readDestination(text, open);
    if (!start || !link) {
      out += '[';
      return at + 1;
    }
    const label = start[1] ?? '';
    const [before, url, title] = link.parts;
    if (keepable(url, title, open + before.length)) {
      out += `[${sanitizeProse(label, false, context)}]${keptDestination(link.parts)}`;
      return link.end;
    }
    decide('link-removed', 'markdown-link');
    // A link without text leaves a marker: text around it must not join (`` `a` `` and a
    // backtick after it would make one run of two).
    if (label === '') {
      out += LINK_REMOVED;
      return link.end;
    }
    // The text stays and is read again with what follows, as a renderer reads the output.
    unlink(at, label, link.end);
    return at;
  }

  function orphanDestination(at: number): number {
    const match = readDestination(text, at + 2);
    if (!match) {
      // Unclosed here: escaped, so that no later `)` can make it a link.
      out += ']\\(';
      return at + 2;
    }
    const [before, url, title] = match.parts;
    if (keepable(url, title, at + 2 + before.length)) out += `]${keptDestination(match.parts)}`;
    else {
      decide('link-removed', 'markdown-link');
      out += ']';
    }
    return match.end;
  }

  /**
   * Replaces the link from `at` to `end` with its text; a fence this makes at the start of a
   * line (`~~[~](x)`) gets its first character escaped.
   */
  function unlink(at: number, label: string, end: number): void {
    text = text.slice(0, at) + label + text.slice(end);
    if (urlWordEnd > at) urlWordEnd -= end - at - label.length;
    codeCloses.clear();
    // Only a line holding nothing but what may come before a fence (and fence characters).
    let outLineAt = out.length;
    while (outLineAt > 0 && FENCE_PREFIX.test(out[outLineAt - 1] as string)) outLineAt--;
    if (outLineAt === 0 ? !lineStart : out[outLineAt - 1] !== '\n') return;
    const outLine = out.slice(outLineAt);
    const like = FENCE_LIKE.exec(outLine + text.slice(at, at + 2 * MAX_LINK_TEXT));
    if (!like) return;
    const fenceAt = (like[1] as string).length;
    if (fenceAt >= outLine.length) {
      const textAt = at + fenceAt - outLine.length;
      text = `${text.slice(0, textAt)}\\${text.slice(textAt)}`;
    } else out = `${out.slice(0, outLineAt + fenceAt)}\\${out.slice(outLineAt + fenceAt)}`;
  }

  function bareUrl(at: number): number {
    BARE_URL.lastIndex = at;
    const url = trimTrailing((BARE_URL.exec(text) as RegExpExecArray)[0]);
    // Kept only when both readings are allowed; the rest of a longer one is read after it.
    if (bareUrlAllowed(at, url) && readOn(at, url)) out += encodeRisky(url);
    else {
      decide('link-removed', 'bare-url');
      out += LINK_REMOVED;
    }
    return at + url.length;
  }

  /** Whether a bare URL read from `from` may stay. */
  function bareUrlAllowed(from: number, reading: string): boolean {
    // `www.` reads as a host even when nothing follows (`www.` alone is no relative path).
    const scheme = /^www\./i.test(text.slice(from, from + 4)) ? 'https://' : '';
    return destinationAllowed(`${scheme}${reading}`, allowedHosts);
  }

  /**
   * A URL the guard keeps at `urlAt` (bare, or a destination a renderer may not read as one): a
   * renderer may autolink it, or a URL inside it, and read on to the next space, so each such
   * reading must be allowed too, and a backtick up to there is text (see `urlWordEnd`). Past the
   * end of a URL's host the longer reading has the same host, and is not read again.
   */
  function readOn(urlAt: number, url: string): boolean {
    for (const start of url.matchAll(URL_STARTS)) {
      const from = urlAt + start.index;
      const reading = url.slice(start.index);
      // Up to the end of its host, where the URL has one (the host is all that is checked).
      const host = HOST_ENDED.exec(reading)?.[0];
      if (start.index > 0 && !bareUrlAllowed(from, host ?? trimTrailing(reading))) return false;
      if (host === undefined) {
        RENDERED_URL.lastIndex = from;
        const rendered = trimTrailing((RENDERED_URL.exec(text) as RegExpExecArray)[0]);
        if (!bareUrlAllowed(from, rendered)) return false;
      }
      if (from >= urlWordEnd) {
        const space = /\s/g;
        space.lastIndex = from;
        urlWordEnd = space.exec(text)?.index ?? text.length;
      }
    }
    return true;
  }
}

/** Most passes of {@link sanitizeProseSettled} before it gives up on a settled reading. */
const MAX_PASSES = 4;

/**
 * Sanitises prose until the guard, reading its own output, would change nothing more. One pass
 * reads some parts on their own (a tag's inside, an image's alt, a removed link's text), and
 * what it writes for them joins what is around them (`http` and a link text `s://evil.com`); the
 * next pass reads the joined output whole, as a renderer does. Output that has not settled after
 * `MAX_PASSES` is escaped whole ({@link inert}).
 */
function sanitizeProseSettled(
  text: string,
  lineStart: boolean,
  context: MarkdownContext,
  inTable?: (before: string) => boolean,
): string {
  let current = text;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const next = sanitizeProse(current, lineStart, context, inTable);
    if (next === current) return next;
    current = next;
  }
  return inert(current);
}

/**
 * Text no renderer reads as anything but text: every ASCII punctuation character escaped (a
 * backslash before it, `&lt;` and `&amp;` for `<` and `&`) and every URL-like word removed.
 */
export function inert(text: string): string {
  return text
    .replace(/\S*(?:(?:https?|ftp):\/\/|www\.|mailto:|xmpp:|\/\/)\S*/gi, LINK_REMOVED)
    .replace(/[!-/:-@[-`{-~]/g, (char) =>
      char === '<' ? '&lt;' : char === '&' ? '&amp;' : `\\${char}`,
    );
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
      out += sanitizeProseSettled(prose, proseLineStart, context, (proseOut) =>
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
        out += marker + sanitizeProseSettled(line.slice(marker.length), false, context);
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
