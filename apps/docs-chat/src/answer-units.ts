/**
 * The quotable units of a retrieved chunk: whole sentences of prose, list items, table rows
 * (with their table's header) and code blocks (with the sentence that introduces them), each
 * with the headings it sits under. The offline answerer quotes these and nothing smaller, so
 * an answer never carries a sentence fragment, a table cell torn from its row or glued
 * bullets.
 */
import type { PackedChunk } from '@keel/retrieval';

/** What a unit is: `line` is one line of a code block, quoted as inline code. */
export type UnitKind = 'sentence' | 'item' | 'row' | 'code' | 'line';

/** One quotable unit. */
export interface AnswerUnit {
  kind: UnitKind;
  /** The text as the answer shows it (a row as `name: value`, code fenced). */
  text: string;
  /** The words matched against the question (a code block's lead-in included). */
  matchText: string;
  /** For code, the sentence that introduces it (shown before the block). */
  leadIn?: string;
  /** For a table row, its first cell: what the row is about. */
  name?: string;
  /** Headings the unit sits under, outermost first. */
  headingPath: readonly string[];
  citationId: string;
  sourceId: string;
  /** Rank of its chunk in the retrieval (0 = most relevant). */
  rank: number;
  /** Position in its chunk, to quote units of one chunk in document order. */
  position: number;
  /** For code and its lines, the code block of the chunk they come from: its first unit's position. */
  block?: number;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/;
const ITEM = /^(\s*)(?:[-*+]|\d{1,3}[.)])\s+(.*)$/;
/** YAML front matter: a `---` line opening the file, up to the next `---` line. */
const FRONT_MATTER = /^---[ \t]*\n(?:.*\n){0,100}?---[ \t]*(?:\n|$)/;
const TABLE_RULE = /^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$/;
/** Words after which a period does not end a sentence. */
const ABBREVIATIONS = /\b(?:e\.g|i\.e|etc|vs|cf|approx|incl|no|fig|ca|resp)\.$/i;
/** Prose shorter than this is a label, not a sentence worth quoting. */
const MIN_SENTENCE = 12;
/** Longer units are cut at sentence ends; a longer sentence is not quoted. */
const MAX_UNIT = 700;
/** Code blocks longer than this many lines are not quoted whole (their lines still are). */
const MAX_CODE_LINES = 30;
/** Lines of code that say nothing alone: imports, closing brackets, a bare comment marker. */
const TRIVIAL_LINE = /^\s*(?:import\b|export\s*\{|[)}\]]|\/\/\s*$|#\s*$)/;

/**
 * Whether a line of code is worth quoting alone: a call, an option or a value with what it
 * does (`ttlMs: 2_592_000_000, // default 30 days`), not an import or a bracket. A line with a
 * backtick is left out: it cannot be shown as inline code.
 */
function isQuotableLine(line: string): boolean {
  const trimmed = line.trim();
  return (
    trimmed.length >= 8 &&
    trimmed.length <= 240 &&
    /\p{L}{2}/u.test(trimmed) &&
    !trimmed.includes('`') &&
    !TRIVIAL_LINE.test(trimmed)
  );
}

/** Cells of a markdown table row; `\|` inside a cell is a literal bar. */
function cells(line: string): string[] {
  const trimmed = line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '');
  return trimmed.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

/**
 * A table row as the answer shows it: `name: value`, other columns labelled by the header (a
 * row of a table the chunk cut from its header has cells without labels).
 */
function renderRow(header: readonly string[], row: readonly string[]): string {
  const [first = '', ...rest] = row;
  if (rest.length === 0) return first;
  if (rest.length === 1) return `${first}: ${rest[0]}`;
  const labelled = rest
    .map((cell, index) => {
      const label = header[index + 1];
      return cell === '' || !label ? cell : `${label}: ${cell}`;
    })
    .filter((part) => part !== '');
  return `${first} (${labelled.join('; ')})`;
}

/**
 * A table row as quotable units: the row whole (see {@link renderRow}), or, when that is too
 * long to quote, each sentence of its cells after the first, named by the first cell
 * (`` `createLocalEmbedder()`: Deterministic, no network. ``) and, in a table of more than two
 * columns, by the column's header. A long row with an empty first cell names nothing: none.
 */
function rowUnits(header: readonly string[], row: readonly string[]): string[] {
  const whole = renderRow(header, row);
  if (whole.length <= MAX_UNIT) return [whole];
  const [first = '', ...rest] = row;
  if (first === '') return [];
  return rest.flatMap((cell, index) => {
    const label = rest.length > 1 && header[index + 1] ? ` (${header[index + 1]})` : '';
    return splitSentences(cell)
      .filter(isSentence)
      .map((sentence) => `${first}${label}: ${sentence}`)
      .filter((text) => text.length <= MAX_UNIT);
  });
}

/** Splits prose into sentences, never inside an inline code span or after an abbreviation. */
export function splitSentences(prose: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  let inCode = false;
  for (let i = 0; i < prose.length; i++) {
    const char = prose[i];
    if (char === '`') inCode = !inCode;
    if (inCode || (char !== '.' && char !== '!' && char !== '?')) continue;
    // A sentence ends at terminal punctuation (and closing quotes or brackets) followed by a
    // space and a capital, a digit, code or a bracket.
    let end = i + 1;
    while (end < prose.length && /["')\]*_]/.test(prose[end] as string)) end++;
    const rest = prose.slice(end);
    if (!/^\s+[\p{Lu}\d`*_"'([]/u.test(rest)) continue;
    const sentence = prose.slice(start, end).trim();
    if (char === '.' && ABBREVIATIONS.test(sentence)) continue;
    sentences.push(sentence);
    start = end;
  }
  const last = prose.slice(start).trim();
  if (last !== '') sentences.push(last);
  return sentences;
}

/** Prose with its HTML comments removed and its whitespace collapsed. */
function stripMarkup(text: string): string {
  return text
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether prose reads as a sentence (not a label, a stray fragment or code that lost its fence). */
function isSentence(text: string): boolean {
  if (text.length < MIN_SENTENCE || text.length > MAX_UNIT) return false;
  if (!/\p{L}{2}/u.test(text)) return false;
  // Code that lost its fence at a chunk boundary is not prose.
  return (text.match(/[{};]\s*$|=>|^\s*(?:import|const|let|await|export)\b/g) ?? []).length < 2;
}

interface Block {
  kind: 'prose' | 'item' | 'table' | 'code';
  lines: string[];
  headingPath: string[];
  /** For code: the chunk holds the whole block, both fences included. */
  whole?: boolean;
}

/**
 * The fence of a code block still open at the end of `text`, a chunk's overlap, if any, given
 * the fence the text begins inside. The overlap may begin inside a block, so only a fence with
 * a language (```` ```ts ````) is read as opening one; a bare fence there closes a block opened
 * before.
 */
function openFence(text: string, inside?: string): string | undefined {
  let fence = inside;
  for (const line of text.split('\n')) fence = fenceAfter(line, fence);
  return fence;
}

/**
 * Whether `line` closes a block opened by `fence`: a bare run of the same character, at least as
 * long (a ```` ```` ```` block holds ```` ``` ```` lines).
 */
function closes(line: string, fence: string): boolean {
  const marker = FENCE.exec(line);
  if (!marker) return false;
  const run = marker[1] as string;
  return run[0] === fence[0] && run.length >= fence.length && (marker[2] as string).trim() === '';
}

/** The fence open after `line`, given the one open before it (see {@link openFence}). */
function fenceAfter(line: string, fence: string | undefined): string | undefined {
  const marker = FENCE.exec(line);
  if (!marker) return fence;
  if (fence !== undefined) return closes(line, fence) ? undefined : fence;
  return (marker[2] as string).trim() !== '' ? (marker[1] as string) : undefined;
}

/**
 * A line of code: one ending in a bracket, `;`, `,` or `=`, or an arrow or a declaration (a
 * list item ending in `;` is prose).
 */
const CODE_LINE =
  /[{}()[\];,=]\s*(?:\/\/.*)?$|=>|^\s*(?:const|let|var|await|import|export|return|function|async|if|for|while)\b/;

/** A line of prose: words ending a sentence or leading into what follows. */
const PROSE_LINE = /^\s*\p{Lu}.*\s\S+.*\s\S+.*[.:]\s*$/u;

/** The share of the lines of `lines` holding something that read as code. */
function codeShare(lines: readonly string[]): number {
  const written = lines.filter((line) => line.trim() !== '');
  const code = written.filter((line) => CODE_LINE.test(line) && !ITEM.test(line));
  return written.length === 0 ? 0 : code.length / written.length;
}

/**
 * Whether a chunk's text begins inside a code block whose opening fence lies before it (the
 * chunker cut the block): its first fence is bare (a closing one) and either the next fence
 * names a language (an opening one) or, with no other fence, prose follows it (a sentence on
 * a line of its own, or text wrapped over lines that read as prose after lines that read as
 * code); or it has no fence at all and most of its lines are code (a block longer than the
 * chunk).
 */
function beginsInCode(text: string): boolean {
  const lines = text.split('\n');
  const fences = lines.flatMap((line, index) => {
    const marker = FENCE.exec(line);
    return marker ? [{ index, bare: (marker[2] as string).trim() === '' }] : [];
  });
  const [first, second] = fences;
  if (!first) return codeShare(lines) > 0.6;
  if (!first.bare) return false;
  if (second) return !second.bare;
  const after = lines.slice(first.index + 1);
  const before = codeShare(lines.slice(0, first.index));
  return (
    after.some((line) => PROSE_LINE.test(line)) || (before > 0.5 && codeShare(after) < before / 2)
  );
}

/**
 * `lines` without the indentation they all share: a code block of a list item is quoted at the
 * start of the line, where its fence still opens a block.
 */
function dedent(lines: readonly string[]): string[] {
  const indents = lines
    .filter((line) => line.trim() !== '')
    .map((line) => line.length - line.trimStart().length);
  const shared = Math.min(...indents);
  return lines.map((line) => line.slice(Math.min(shared, line.length - line.trimStart().length)));
}

/**
 * The blocks of a chunk's own text (its overlap with the previous chunk left out). `fence` is
 * the fence of a code block the text starts inside (opened in the overlap); a code block cut
 * by either end of the chunk is not `whole`.
 */
function blocks(text: string, headingPath: readonly string[], fence?: string): Block[] {
  const result: Block[] = [];
  const path = [...headingPath];
  const levels: number[] = path.map((_, index) => index + 1);
  let current: Block | undefined =
    fence === undefined ? undefined : { kind: 'code', lines: [fence], headingPath: [...path] };
  const close = () => {
    if (current) result.push(current);
    current = undefined;
  };
  for (const line of text.split('\n')) {
    if (fence !== undefined) {
      (current as Block).lines.push(line);
      if (closes(line, fence)) {
        fence = undefined;
        close();
      }
      continue;
    }
    const fenceOpen = FENCE.exec(line);
    if (fenceOpen) {
      close();
      fence = fenceOpen[1] as string;
      current = { kind: 'code', lines: [line], headingPath: [...path], whole: true };
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      close();
      const level = (heading[1] as string).length;
      while (levels.length > 0 && (levels.at(-1) as number) >= level) {
        levels.pop();
        path.pop();
      }
      levels.push(level);
      path.push((heading[2] as string).replace(/`/g, '').trim());
      continue;
    }
    if (line.trim() === '') {
      close();
      continue;
    }
    if (/^\s*\|/.test(line)) {
      if (current?.kind !== 'table') {
        close();
        current = { kind: 'table', lines: [], headingPath: [...path] };
      }
      current.lines.push(line);
      continue;
    }
    const item = ITEM.exec(line);
    if (item) {
      close();
      current = { kind: 'item', lines: [item[2] as string], headingPath: [...path] };
      continue;
    }
    if (current?.kind === 'item' || current?.kind === 'prose') {
      current.lines.push(line.trim());
      continue;
    }
    close();
    current = { kind: 'prose', lines: [line.trim()], headingPath: [...path] };
  }
  // A fence still open was cut by the chunk's end: the block is partial.
  if (fence !== undefined && current) {
    current.whole = false;
    current.lines.push(fence);
  }
  close();
  return result;
}

/**
 * `text` with its HTML comments blanked out, lines and offsets kept: a comment it begins or
 * ends inside too (opened before the chunk, or cut by its end).
 */
function withoutComments(text: string): string {
  const blank = (part: string) => part.replace(/[^\n]/g, ' ');
  const masked = text.replace(/<!--[\s\S]*?(?:-->|$)/g, blank);
  const close = masked.indexOf('-->');
  return close === -1 ? masked : blank(masked.slice(0, close + 3)) + masked.slice(close + 3);
}

/** The end of a sentence and the space after it, before the next sentence's first character. */
const SENTENCE_END = /[.!?]["')\]*_]*\s+(?=[\p{Lu}\d`*_"'([])/gu;

/**
 * Where sentences start in `line` (at `offset` in the chunk's text): after a sentence's end,
 * or at the line's start when the line before ended one; `whole` says whether the sentence
 * starting there is whole (not the tail of inline code).
 */
function sentenceStarts(
  line: string,
  offset: number,
  previous: string | undefined,
  whole: (at: number) => boolean,
): number[] {
  const starts: number[] = [];
  const indent = line.length - line.trimStart().length;
  if (
    previous !== undefined &&
    /[.!?]["')\]*_]*\s*$/.test(previous) &&
    !ABBREVIATIONS.test(previous.trim()) &&
    /^[\p{Lu}\d`*_"'([]/u.test(line.slice(indent))
  )
    starts.push(offset + indent);
  for (const match of line.matchAll(SENTENCE_END)) {
    if (!ABBREVIATIONS.test(line.slice(0, match.index + 1)))
      starts.push(offset + match.index + match[0].length);
  }
  return starts.filter(whole);
}

/**
 * Where the chunk's own text (after its overlap with the previous chunk) first opens a block
 * or a sentence: the line it begins on, the first line after it that opens a block (after a
 * blank line, a line of code, an item, heading, table row or fence), or an earlier sentence
 * start inside a paragraph the chunk begins halfway through (the chunker cuts long paragraphs
 * at sentence and line ends). A sentence the chunk begins halfway through is quoted from the
 * previous chunk, which holds it whole, unless that chunk's end cut it: then it is quoted from
 * here when the overlap holds its start, with its paragraph or item when the overlap holds that
 * block's start too. `inside` is the fence of a code block the text begins
 * inside.
 */
function firstBlock(text: string, overlap: number, inside: string | undefined): number {
  if (overlap === 0) return 0;
  // Sentences are looked for outside HTML comments; one starting inside inline code (its
  // first sentence holds an odd number of backticks: the span's close) is not whole.
  const prose = withoutComments(text);
  const whole = (at: number) => {
    const end = prose.slice(at).search(/\n[ \t]*\n/);
    const rest = prose.slice(at, end === -1 ? prose.length : at + end).replace(/\s+/g, ' ');
    return ((splitSentences(rest)[0] ?? '').match(/`/g) ?? []).length % 2 === 0;
  };
  // Whether the previous chunk's end (this overlap's) cut a sentence: it ends no block, and no
  // sentence or lead-in (a stop with a space after it: not `reasoning.` of `reasoning.effort`).
  const before = prose.slice(0, overlap);
  const stop = /[.!?:]["')\]*_`]*(\s*)$/.exec(before);
  const ended = stop !== null && (stop[1] !== '' || /^(?:\s|$)/.test(prose.slice(overlap)));
  const cutShort = !ended && !/\n[ \t]*\n\s*$/.test(before);
  // The last paragraph or item and sentence starts in the overlap (not the first line's: what
  // came before it is not known). Lines are read with their HTML comments blanked.
  let block: number | undefined;
  let sentence: number | undefined;
  let previous: string | undefined;
  let fence = inside;
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    const lineEnd = end === -1 ? text.length : end;
    const line = prose.slice(start, lineEnd);
    const written = line.trim() !== '';
    const opens =
      written &&
      (previous?.trim() === '' ||
        fence !== undefined ||
        FENCE.test(line) ||
        HEADING.test(line) ||
        ITEM.test(line) ||
        /^\s*\|/.test(line));
    const starts = () => sentenceStarts(line, start, previous, whole);
    if (lineEnd >= overlap) {
      if (opens) return start;
      if (written && fence === undefined) {
        const found = starts();
        // The sentence the previous chunk's end cut, with its paragraph or item, from here.
        const cut = block ?? [sentence, ...found.filter((at) => at < overlap)].at(-1);
        if (cutShort && cut !== undefined) return cut;
        const after = found.find((at) => at >= overlap);
        if (after !== undefined) return after;
      }
    } else if (
      !written ||
      fence !== undefined ||
      FENCE.test(line) ||
      HEADING.test(line) ||
      /^\s*\|/.test(line)
    ) {
      block = sentence = undefined;
    } else {
      if (previous !== undefined && (opens || HEADING.test(previous))) {
        block = start;
        sentence = undefined;
      }
      sentence = starts().at(-1) ?? sentence;
    }
    if (end === -1) break;
    previous = line;
    fence = fenceAfter(line, fence);
    start = end + 1;
  }
  return text.length;
}

/**
 * The sentence leading into what follows `text` (it ends in a colon: "Swapping is one line:"),
 * when `text` ends in a prose paragraph holding it whole: the lead-in of a code block that
 * opens a chunk's own text, its paragraph repeated in the overlap.
 */
function leadInBefore(text: string): string | undefined {
  const paragraphs = text.trimEnd().split(/\n[ \t]*\n/);
  const last = paragraphs.at(-1) ?? '';
  const lines = last.split('\n');
  const block = (line: string) =>
    FENCE.test(line) || HEADING.test(line) || ITEM.test(line) || /^\s*\|/.test(line);
  if (lines.some(block)) return undefined;
  const sentences = splitSentences(stripMarkup(lines.join(' ')));
  const sentence = sentences.at(-1);
  // A paragraph begun before the chunk may have its first sentence cut.
  const whole = paragraphs.length > 1 || sentences.length > 1;
  return whole && sentence?.endsWith(':') ? sentence : undefined;
}

/**
 * The quotable units of `chunk`, from the first block or sentence its own text opens (the
 * overlap repeated from the previous chunk is quoted from that one, unless that chunk's end cut
 * a sentence of it).
 */
export function answerUnits(chunk: PackedChunk, rank: number): AnswerUnit[] {
  const { text, overlap, startLine } = chunk.chunk;
  const inside = beginsInCode(text) ? '```' : undefined;
  // A page's front matter (`---` lines at its top) is data about it, not text to quote.
  const front = startLine === 1 ? (FRONT_MATTER.exec(text)?.[0].length ?? 0) : 0;
  const start = Math.max(front, firstBlock(text, overlap, inside));
  const own = text.slice(start);
  const units: AnswerUnit[] = [];
  const base = { citationId: chunk.citationId, sourceId: chunk.chunk.sourceId, rank };
  const add = (unit: Omit<AnswerUnit, keyof typeof base | 'position'>) =>
    units.push({ ...unit, ...base, position: units.length });
  let lastSentence = start > 0 ? leadInBefore(withoutComments(text.slice(0, start))) : undefined;
  for (const block of blocks(
    own,
    chunk.chunk.headingPath ?? [],
    openFence(text.slice(0, start), inside),
  )) {
    const { headingPath } = block;
    if (block.kind === 'code') {
      const body = block.lines.slice(1, -1);
      const code = units.length;
      // A block cut by the chunk's ends is quoted by its lines only.
      if (block.whole && body.length > 0 && body.length <= MAX_CODE_LINES) {
        const leadIn = lastSentence?.endsWith(':') ? lastSentence : undefined;
        add({
          kind: 'code',
          text: dedent(block.lines).join('\n'),
          matchText: `${leadIn ?? ''} ${body.join(' ')}`,
          ...(leadIn && { leadIn }),
          headingPath,
          block: code,
        });
      }
      for (const line of body.filter(isQuotableLine))
        add({
          kind: 'line',
          text: `\`${line.trim()}\``,
          matchText: line,
          headingPath,
          block: code,
        });
      lastSentence = undefined;
      continue;
    }
    if (block.kind === 'table') {
      const rows = block.lines.filter((line) => !TABLE_RULE.test(line)).map(cells);
      const hasHeader = block.lines.length > 1 && TABLE_RULE.test(block.lines[1] as string);
      const header = hasHeader ? (rows[0] ?? []) : [];
      for (const row of hasHeader ? rows.slice(1) : rows) {
        for (const text of rowUnits(header, row)) {
          if (!/\p{L}/u.test(text)) continue;
          add({
            kind: 'row',
            text,
            matchText: `${header.join(' ')} ${text}`,
            name: row[0] ?? '',
            headingPath,
          });
        }
      }
      lastSentence = undefined;
      continue;
    }
    const prose = stripMarkup(block.lines.join(' '));
    if (prose === '') continue;
    if (block.kind === 'item' && prose.length <= MAX_UNIT && /\p{L}{2}/u.test(prose)) {
      add({ kind: 'item', text: prose, matchText: prose, headingPath });
      lastSentence = prose;
      continue;
    }
    for (const sentence of splitSentences(prose)) {
      lastSentence = sentence;
      if (isSentence(sentence))
        add({ kind: 'sentence', text: sentence, matchText: sentence, headingPath });
    }
  }
  return units;
}

/**
 * `units` without the sentences and items a chunk's end cut short (they end mid-sentence) when
 * another chunk of the same document, found too, quotes them whole: a longer unit beginning with
 * the cut text.
 */
export function wholeUnits(units: readonly AnswerUnit[]): AnswerUnit[] {
  const prose = (unit: AnswerUnit) => unit.kind === 'sentence' || unit.kind === 'item';
  return units.filter(
    (unit) =>
      !prose(unit) ||
      /[.!?:]["')\]*_`]*$/.test(unit.text) ||
      !units.some(
        (other) =>
          prose(other) &&
          other.sourceId === unit.sourceId &&
          other.citationId !== unit.citationId &&
          other.text.length > unit.text.length &&
          other.text.startsWith(unit.text),
      ),
  );
}
