/**
 * GFM tables as a renderer reads the guard's output. In a table row a `|` splits cells even
 * inside code, so a code span holding one would render its halves as text (and a tag in it as
 * HTML). The guard keeps such a span as code only where no table can read it: outside a table's
 * rows, and on a line that never becomes a table's header, since the delimiter row that would
 * make it one is escaped (`\|---|---|`). Lines are read from the output itself (the guard reads
 * `\r\n` and `\r` as `\n`), so what the guard removed, escaped or joined across lines cannot
 * make a table it did not see; a line that may still become a delimiter row is held until it
 * ends. Fenced code is read as the guard reads it (the guard leaves it as it is), so nothing in
 * it is held or escaped.
 */
import { type Fence, nextFence } from './output-guard-markdown';

/**
 * A delimiter row (`| --- | :-: |`, in a quote or list item too; a one-column table's may have
 * no pipe, `-:`), with what precedes its cells.
 */
const DELIMITER_ROW = /^(?=[^-]*-)([ \t>]*)[|:-](?:[|:-]|[^\S\n])*$/;
/**
 * A line so far that may still become a delimiter row (any whitespace: a renderer trims the end
 * of a list's last item as JavaScript does, NBSP included).
 */
const MAY_BE_DELIMITER_ROW = /^(?:[>|:-]|[^\S\n])*$/;
/** What may come before a delimiter row's first cell. */
const ROW_PREFIX = /^[ \t>]*/;
/** A line that ends a table (a line of spaces; renderers end one at a blank line or sooner). */
const ENDS_TABLE = /^ *$/;

/** Whether a line of the guard's output holds a code span containing `|`. */
function pipedCodeSpan(line: string): boolean {
  let at = 0;
  while (at < line.length) {
    const char = line[at];
    if (char === '\\') {
      at += 2;
      continue;
    }
    if (char !== '`') {
      at++;
      continue;
    }
    let end = at;
    while (line[end] === '`') end++;
    const run = end - at;
    // The span closes at the next run of as many backticks; backslashes are text inside it.
    let close = end;
    let closed = -1;
    while (close < line.length) {
      if (line[close] !== '`') {
        close++;
        continue;
      }
      let after = close;
      while (line[after] === '`') after++;
      if (after - close === run) {
        closed = close;
        break;
      }
      close = after;
    }
    if (closed === -1) {
      at = end;
      continue;
    }
    if (line.slice(end, closed).includes('|')) return true;
    at = closed + run;
  }
  return false;
}

/** What the guard knows of tables at a point of its output, and the line it holds back. */
export class TableLines {
  /** The fenced code block the output is in (its lines are code, never rows). */
  private fence: Fence | undefined;
  /** A delimiter row was let through and no line of spaces has followed: lines are rows. */
  private inTable = false;
  /** The line before the current one held a code span containing `|`. */
  private pipedBefore = false;
  /** The current line so far. */
  private line = '';
  /** The current line is held back whole (it may still become a delimiter row). */
  private holding = true;
  /**
   * A line released at a flush before its first cell began, after a line holding a piped code
   * span: its first `|`, `:` or `-` is escaped when it comes.
   */
  private escapeNext = false;

  /** `maxLine`: the longest line held back; past it, it is released as at a flush. */
  constructor(private readonly maxLine: number) {}

  /** Characters held back. */
  get held(): number {
    return this.holding ? this.line.length : 0;
  }

  /**
   * Whether a code span holding `|`, right after `text` (output not yet fed), may be in a
   * table's rows.
   */
  inTableAfter(text: string): boolean {
    const copy = Object.assign(new TableLines(this.maxLine), this);
    copy.feed(text);
    return copy.inTable;
  }

  /** Reads output; returns what may be released (a line that may be a delimiter row waits). */
  feed(text: string): string {
    let out = '';
    let rest = text;
    while (rest !== '') {
      const end = rest.indexOf('\n');
      const part = end === -1 ? rest : rest.slice(0, end);
      const lineBreak = end === -1 ? '' : '\n';
      this.line += part;
      if (!this.holding) out += this.escapeNext ? this.escapeFirstCell(part) : part;
      else if (lineBreak !== '') {
        out += this.decided(this.line);
        this.holding = false;
      } else if (!MAY_BE_DELIMITER_ROW.test(part)) {
        // (the line before `part` may be one: only the new part is read)
        out += this.line;
        this.holding = false;
      } else if (this.line.length >= this.maxLine) out += this.flush();
      if (lineBreak !== '') {
        out += lineBreak;
        this.endLine();
      }
      rest = rest.slice(part.length + lineBreak.length);
    }
    return out;
  }

  /**
   * Releases the line held, at the end of the text, a flush or past `maxLine` (the line may go
   * on after it): decided as if it were a delimiter row.
   */
  flush(): string {
    if (!this.holding || this.line === '') return '';
    this.holding = false;
    if (this.pipedBefore) return this.escaped(this.line);
    this.inTable = true;
    return this.line;
  }

  /** A whole line: a delimiter row after a line holding a piped code span is escaped. */
  private decided(line: string): string {
    if (!DELIMITER_ROW.test(line)) return line;
    if (this.pipedBefore) return this.escaped(line);
    this.inTable = true;
    return line;
  }

  /** The line with its first cell's first character escaped, or, before it came, to come. */
  private escaped(line: string): string {
    const prefix = (ROW_PREFIX.exec(line) as RegExpExecArray)[0];
    // Never a trailing `\`: it would escape whatever the text goes on with (a backtick).
    if (prefix === line) {
      this.escapeNext = true;
      return line;
    }
    const escapedLine = `${prefix}\\${line.slice(prefix.length)}`;
    this.line = escapedLine;
    return escapedLine;
  }

  /** A part of a line released before its first cell: that cell's first character escaped. */
  private escapeFirstCell(part: string): string {
    const at = part.search(/[^ \t>]/);
    if (at === -1) return part;
    this.escapeNext = false;
    return /[|:-]/.test(part[at] as string) ? `${part.slice(0, at)}\\${part.slice(at)}` : part;
  }

  private endLine(): void {
    this.escapeNext = false;
    const wasCode = this.fence !== undefined;
    this.fence = nextFence(this.line, this.fence);
    // A fence ends a table, as a line of spaces does.
    if (this.fence || ENDS_TABLE.test(this.line)) this.inTable = false;
    this.pipedBefore = !wasCode && pipedCodeSpan(this.line);
    this.line = '';
    this.holding = !this.fence;
  }
}
