/**
 * Segmentation: a document's text cut into contiguous units (paragraphs, headings, fenced
 * blocks, code symbols) that cover it exactly. The chunker packs units into chunks.
 */

/** A contiguous range of the document, `[start, end)`. */
export interface Unit {
  start: number;
  end: number;
  /** A markdown heading line, which must not end a chunk. */
  heading: boolean;
  /** Markdown: the headings in effect for this unit, its own included. */
  headingPath: readonly string[];
}

const BLANK_LINE = /\n[ \t]*\n/g;

/** The lines of `text[start, end)` as `[lineStart, lineEnd)` ranges, newline included. */
export function lineRanges(text: string, start = 0, end = text.length): Array<[number, number]> {
  const lines: Array<[number, number]> = [];
  let from = start;
  while (from < end) {
    const newline = text.indexOf('\n', from);
    const to = newline === -1 || newline >= end ? end : newline + 1;
    lines.push([from, to]);
    from = to;
  }
  return lines;
}

/** Plain text: paragraphs separated by blank lines, each unit ending after its blank lines. */
export function segmentText(text: string): Unit[] {
  const units: Unit[] = [];
  let start = 0;
  BLANK_LINE.lastIndex = 0;
  for (let match = BLANK_LINE.exec(text); match !== null; match = BLANK_LINE.exec(text)) {
    let end = match.index + match[0].length;
    // A run of several blank lines stays with the paragraph before it.
    while (end < text.length && /[ \t\n]/.test(text[end] as string)) end++;
    units.push({ start, end, heading: false, headingPath: [] });
    start = end;
    BLANK_LINE.lastIndex = end;
  }
  if (start < text.length) units.push({ start, end: text.length, heading: false, headingPath: [] });
  return units;
}

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Markdown: each heading line is a unit, fenced code blocks are never cut, and the text between
 * is cut into paragraphs. Each unit carries the heading path it sits under.
 */
export function segmentMarkdown(text: string): Unit[] {
  const units: Unit[] = [];
  const path: string[] = [];
  const levels: number[] = [];
  let fence: string | undefined;
  let paragraphStart = -1;
  let blankSeen = false;

  const closeParagraph = (end: number) => {
    if (paragraphStart !== -1 && end > paragraphStart) {
      units.push({ start: paragraphStart, end, heading: false, headingPath: [...path] });
    }
    paragraphStart = -1;
    blankSeen = false;
  };

  for (const [start, end] of lineRanges(text)) {
    const line = text.slice(start, end).replace(/\r?\n$/, '');
    if (fence !== undefined) {
      if (line.trimStart().startsWith(fence)) fence = undefined;
      continue;
    }
    const fenceOpen = FENCE.exec(line);
    const heading = HEADING.exec(line);
    const blank = line.trim() === '';
    if (heading) {
      closeParagraph(start);
      const level = (heading[1] as string).length;
      while (levels.length > 0 && (levels[levels.length - 1] as number) >= level) {
        levels.pop();
        path.pop();
      }
      levels.push(level);
      path.push((heading[2] as string).trim());
      units.push({ start, end, heading: true, headingPath: [...path] });
      continue;
    }
    if (blank) {
      if (paragraphStart === -1) {
        // Blank lines after a heading or at the start join the previous unit.
        const last = units[units.length - 1];
        if (last) last.end = end;
        else paragraphStart = start;
      } else blankSeen = true;
      continue;
    }
    if (blankSeen) closeParagraph(start);
    if (paragraphStart === -1) paragraphStart = start;
    if (fenceOpen) fence = (fenceOpen[1] as string).slice(0, 3);
  }
  closeParagraph(text.length);
  return units;
}

const IMPORT =
  /^(import\b|from\s+\S+\s+import\b|#include\b|use\s|require\(|(const|let|var)\s+[\w{},\s]+=\s*require\(|package\s)/;
const CLOSER = /^[}\])]|^end\b/;

/** The import lines of a source file, in order, as one string. */
export function codeImports(text: string): string {
  return lineRanges(text)
    .map(([start, end]) => text.slice(start, end))
    .filter((line) => IMPORT.test(line))
    .join('');
}

/**
 * Code: a new unit starts at each top-level line (no indentation) that follows a blank line or
 * a top-level closing line, so functions, classes and their doc comments stay together.
 */
export function segmentCode(text: string): Unit[] {
  const units: Unit[] = [];
  let unitStart = 0;
  let previous: 'blank' | 'closer' | 'other' = 'blank';
  for (const [start, end] of lineRanges(text)) {
    const line = text.slice(start, end).replace(/\r?\n$/, '');
    const blank = line.trim() === '';
    const topLevel = !blank && !/^\s/.test(line);
    if (topLevel && !CLOSER.test(line) && previous !== 'other' && start > unitStart) {
      units.push({ start: unitStart, end: start, heading: false, headingPath: [] });
      unitStart = start;
    }
    previous = blank ? 'blank' : topLevel && CLOSER.test(line) ? 'closer' : 'other';
  }
  if (unitStart < text.length)
    units.push({ start: unitStart, end: text.length, heading: false, headingPath: [] });
  return units;
}
