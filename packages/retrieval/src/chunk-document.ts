/**
 * Token-sized chunking with overlap. A document is segmented by its format (markdown headings
 * and paragraphs, text paragraphs, code symbols), units too large for a chunk are cut by
 * sentences, lines, words and finally tokens, and units are packed greedily up to the budget.
 */
import { InvalidArgumentError } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { type Encoding, type EncodingName, loadEncoding } from '@keel/tokens';
import { contentHash } from './content-hash';
import { decodeDocument } from './decode-document';
import {
  codeImports,
  lineRanges,
  segmentCode,
  segmentMarkdown,
  segmentText,
  type Unit,
} from './segment';
import type { Chunk, Document, DocumentFormat } from './types';

/** Options of {@link chunkDocument}. */
export interface ChunkOptions {
  /** Most tokens in a chunk, overlap included; default 512. */
  maxTokens?: number;
  /** Tokens repeated from the end of the previous chunk; default 64. */
  overlapTokens?: number;
  /** Tokenizer to size chunks with; default `o200k_base`. */
  encoding?: EncodingName;
}

const CODE_EXTENSIONS =
  /\.(ts|tsx|js|jsx|mjs|cjs|py|rb|go|rs|java|kt|swift|c|h|cc|cpp|hpp|cs|php|scala|sh|sql)$/i;

/** The format of a document: as declared, else from its id's extension. */
export function formatOf(document: Document): DocumentFormat {
  if (document.format) return document.format;
  if (/\.(md|mdx|markdown)$/i.test(document.id)) return 'markdown';
  return CODE_EXTENSIONS.test(document.id) ? 'code' : 'text';
}

const segmenters: Record<DocumentFormat, (text: string) => Unit[]> = {
  markdown: segmentMarkdown,
  text: segmentText,
  code: segmentCode,
};

const SENTENCE = /[^.!?\n]*(?:[.!?]+["')\]]*|\n|$)[ \t]*\n?/g;
const WORD = /\S*\s*/g;

/** Splits `[start, end)` into pieces matched by `pattern`, which must cover the range. */
function splitBy(text: string, unit: Unit, pattern: RegExp): Unit[] {
  const pieces: Unit[] = [];
  const slice = text.slice(unit.start, unit.end);
  pattern.lastIndex = 0;
  for (let match = pattern.exec(slice); match !== null; match = pattern.exec(slice)) {
    if (match[0].length === 0) {
      pattern.lastIndex++;
      if (match.index >= slice.length) break;
      continue;
    }
    pieces.push({
      ...unit,
      heading: false,
      start: unit.start + match.index,
      end: unit.start + match.index + match[0].length,
    });
  }
  return pieces;
}

/** Cuts `[start, end)` into the longest pieces of at most `budget` tokens, on code points. */
function splitByTokens(text: string, unit: Unit, budget: number, encoding: Encoding): Unit[] {
  const pieces: Unit[] = [];
  let start = unit.start;
  while (start < unit.end) {
    let high = Math.min(unit.end, start + budget * 16);
    let low = start + 1;
    if (!encoding.isWithinLimit(text.slice(start, high), budget)) {
      while (low < high) {
        const middle = Math.ceil((low + high) / 2);
        if (encoding.isWithinLimit(text.slice(start, middle), budget)) low = middle;
        else high = middle - 1;
      }
      high = Math.max(low, start + 1);
    }
    // Never cut a surrogate pair.
    const code = text.charCodeAt(high - 1);
    if (code >= 0xd800 && code <= 0xdbff && high < unit.end)
      high = high - 1 > start ? high - 1 : high + 1;
    pieces.push({ ...unit, heading: false, start, end: high });
    start = high;
  }
  return pieces;
}

type Sized = Unit & { tokens: number };

/** Units of at most `budget` tokens each, cutting oversized ones ever finer. */
function fitUnits(
  text: string,
  units: Unit[],
  budget: number,
  encoding: Encoding,
  level = 0,
): Sized[] {
  const sized: Sized[] = [];
  for (const unit of units) {
    const tokens = encoding.count(text.slice(unit.start, unit.end));
    if (tokens <= budget) sized.push({ ...unit, tokens });
    else if (level === 0)
      sized.push(...fitUnits(text, splitBy(text, unit, SENTENCE), budget, encoding, 1));
    else if (level === 1)
      sized.push(...fitUnits(text, splitBy(text, unit, WORD), budget, encoding, 2));
    else
      sized.push(
        ...fitUnits(text, splitByTokens(text, unit, budget, encoding), budget, encoding, 3),
      );
  }
  return sized;
}

/** Groups units into runs of at most `budget` tokens that never end on a heading. */
function pack(text: string, units: Sized[], budget: number, encoding: Encoding): Sized[][] {
  const groups: Sized[][] = [];
  let index = 0;
  while (index < units.length) {
    const group: Sized[] = [];
    let tokens = 0;
    while (index < units.length) {
      const unit = units[index] as Sized;
      if (group.length > 0 && tokens + unit.tokens > budget) break;
      // A section starts a new chunk when the current one is already half full.
      if (unit.heading && tokens * 2 >= budget && !group[group.length - 1]?.heading) break;
      group.push(unit);
      tokens += unit.tokens;
      index++;
    }
    // Token counts are not exactly additive across unit boundaries: check the joined text.
    while (
      group.length > 1 &&
      !encoding.isWithinLimit(text.slice(group[0]?.start, group[group.length - 1]?.end), budget)
    ) {
      group.pop();
      index--;
    }
    // No orphan headings: trailing headings move to the next chunk when something follows.
    while (index < units.length && group.length > 1 && group[group.length - 1]?.heading) {
      group.pop();
      index--;
    }
    groups.push(group);
  }
  return groups;
}

/** The end of `previous` holding at most `limit` tokens, starting at a word when it can. */
function overlapStart(
  text: string,
  start: number,
  end: number,
  limit: number,
  encoding: Encoding,
): number {
  if (limit <= 0) return end;
  const tokens = encoding.encode(text.slice(start, end));
  if (tokens.length <= limit) return start;
  let tail = encoding.decode(tokens.slice(tokens.length - limit));
  // A tail cut inside a character decodes to U+FFFD: drop it.
  while (tail.length > 0 && !text.endsWith(tail, end)) tail = tail.slice(1);
  let from = end - tail.length;
  const space = text.slice(from, end).search(/\s\S/);
  if (space !== -1 && space < tail.length / 2) from += space + 1;
  return from;
}

/**
 * Splits a document into token-sized chunks with overlap and provenance. Joining each chunk's
 * `text.slice(overlap)` gives back the document exactly. An empty document has no chunks.
 *
 * @throws UnsupportedDocumentError for binary data or invalid UTF-8.
 * @throws InvalidArgumentError for a bad size (`maxTokens` < 16, `overlapTokens` >= half of it).
 * @example
 * ```ts
 * const chunks = await chunkDocument({ id: 'guide.md', text: markdown, metadata: { tenant: 'acme' } }, { maxTokens: 256 });
 * chunks[0].id; // 'guide.md#0'
 * chunks[0].headingPath; // ['Guide', 'Install']
 * ```
 */
export async function chunkDocument(
  document: Document,
  { maxTokens = 512, overlapTokens = 64, encoding = 'o200k_base' }: ChunkOptions = {},
): Promise<Chunk[]> {
  assertNumber('maxTokens', maxTokens, { integer: true, min: 16 });
  assertNumber('overlapTokens', overlapTokens, {
    integer: true,
    min: 0,
    max: Math.ceil(maxTokens / 2) - 1,
    hint: `keep it below half of maxTokens (${maxTokens})`,
  });
  if (typeof document?.id !== 'string' || document.id === '') {
    throw new InvalidArgumentError({
      argument: 'document.id',
      message: `document.id must be a non-empty string, got ${JSON.stringify(document?.id)}`,
    });
  }
  const text = decodeDocument(document);
  if (text.length === 0) return [];
  const tokenizer = await loadEncoding(encoding);
  const format = formatOf(document);
  const budget = maxTokens - overlapTokens;
  const units = fitUnits(text, segmenters[format](text), budget, tokenizer);
  const groups = pack(text, units, budget, tokenizer);
  const lineStarts = lineRanges(text).map(([start]) => start);
  const lineOf = (offset: number): number => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if ((lineStarts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  };
  const imports = format === 'code' ? codeImports(text) : '';
  const metadata = document.metadata ?? {};

  const chunks: Chunk[] = [];
  let previousStart = 0;
  for (const [index, group] of groups.entries()) {
    const contentStart = (group[0] as Sized).start;
    const end = (group[group.length - 1] as Sized).end;
    let start =
      index === 0
        ? contentStart
        : overlapStart(text, previousStart, contentStart, overlapTokens, tokenizer);
    previousStart = contentStart;
    while (start < contentStart && !tokenizer.isWithinLimit(text.slice(start, end), maxTokens)) {
      start++;
    }
    const chunkText = text.slice(start, end);
    const described = group.find((unit) => !unit.heading) ?? (group[0] as Sized);
    chunks.push({
      id: `${document.id}#${index}`,
      sourceId: document.id,
      index,
      text: chunkText,
      overlap: contentStart - start,
      start,
      end,
      startLine: lineOf(start),
      endLine: lineOf(Math.max(start, end - 1)),
      tokens: tokenizer.count(chunkText),
      hash: contentHash(chunkText),
      ...(format === 'markdown' && { headingPath: [...described.headingPath] }),
      ...(imports !== '' && { imports }),
      metadata: { ...metadata },
    });
  }
  return chunks;
}
