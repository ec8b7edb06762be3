/**
 * Where the output guard may cut a stream of text: after whitespace that no construct spans.
 * The tracker reads the text one character at a time and keeps what is open at the end (a link's
 * text or destination, a tag, a code span, a reference definition, a line that may be a fence);
 * the redaction rules' `partial` patterns say whether a secret may still continue. A cut depends
 * only on the text before it, so the guard's output is the same however the text was split.
 */
import {
  BLOCK_LEAD,
  FENCE_PREFIX,
  type Fence,
  fenceLike,
  MAX_DESTINATION,
  MAX_LINK_TEXT,
  MAX_TAG,
  nextFence,
} from './output-guard-markdown';
import type { RedactionRule } from './redaction-rules';

/** Look-behind for a rule's `partial` pattern (multi-line rules look at the whole held text). */
const PARTIAL_WINDOW = 256;

/** `[label]` at the start of a line, in a list item or quote too (a definition may follow). */
const DEFINITION_START = new RegExp(String.raw`^${BLOCK_LEAD}*\[[^\[\]]{1,${MAX_LINK_TEXT}}\]$`);

/** Tracks what is open at the end of the text read so far. */
export class CutTracker {
  /** The fence the text is in. */
  fence: Fence | undefined;
  private position = 0;
  private line = '';
  private lineCapped = false;
  /** The line so far is only `FENCE_PREFIX` characters (it may still become a fence). */
  private prefixOnly = true;
  /** The line looks like a fence (decided when it stops being only prefix characters). */
  private fenceLikeLine = false;
  private backslashes = 0;
  private previous = '\n';
  private bracketAt = -1;
  private destinationAt = -1;
  private destinationDepth = 0;
  private destinationQuote = '';
  private tagAt = -1;
  private run = 0;
  private openTicks = 0;
  /**
   * A reference definition: 0 none; 1 after `[label]:`, waiting for the destination; 2 inside
   * it; 3 after it, where a title may start (on its line or the next); 4 inside the title.
   */
  private definition = 0;
  private definitionLine = false;
  /** The character that closes the definition's title. */
  private titleClose = '';
  /** Line breaks since the definition's destination ended. */
  private titleBreaks = 0;

  constructor(private readonly maxLine: number) {}

  /** Forgets every open construct but the fence (after a forced cut, which seals them). */
  reset(): void {
    this.bracketAt = -1;
    this.destinationAt = -1;
    this.tagAt = -1;
    this.run = 0;
    this.openTicks = 0;
    this.definition = 0;
    this.definitionLine = false;
  }

  /** Reads one character. */
  feed(char: string): void {
    const escaped = this.backslashes % 2 === 1;
    this.backslashes = char === '\\' ? this.backslashes + 1 : 0;
    if (char !== '`' && this.run > 0) this.endRun();
    if (char === '\n') {
      if (fenceLike(this.line) && !this.lineCapped) this.fence = nextFence(this.line, this.fence);
      this.line = '';
      this.lineCapped = false;
      this.prefixOnly = true;
      this.fenceLikeLine = false;
      this.bracketAt = -1;
      this.openTicks = 0;
    } else {
      if (this.line.length < this.maxLine) this.line += char;
      else this.lineCapped = true;
      if (this.prefixOnly && !FENCE_PREFIX.test(char)) {
        this.prefixOnly = false;
        this.fenceLikeLine = fenceLike(this.line);
      }
    }
    if (!this.fence) this.prose(char, escaped);
    this.previous = char;
    this.position++;
  }

  private endRun(): void {
    if (this.openTicks === 0) this.openTicks = this.run;
    else if (this.openTicks === this.run) this.openTicks = 0;
    this.run = 0;
  }

  private prose(char: string, escaped: boolean): void {
    const at = this.position;
    if (char === '`') {
      if (escaped && this.run === 0) return;
      this.run++;
      return;
    }
    if (this.destinationAt >= 0) {
      if (this.destinationQuote !== '') {
        if (char === this.destinationQuote) this.destinationQuote = '';
      } else if ((char === '"' || char === "'") && /\s/.test(this.previous)) {
        this.destinationQuote = char;
      } else if (char === '(' && !escaped) this.destinationDepth++;
      else if (char === ')' && !escaped && --this.destinationDepth === 0) this.destinationAt = -1;
    }
    this.readDefinition(char, escaped);
    if (escaped) return;
    if (char === '[') this.bracketAt = at;
    else if (char === ']') this.bracketAt = -1;
    else if (char === '(' && this.previous === ']' && this.destinationAt < 0) {
      this.destinationAt = at;
      this.destinationDepth = 1;
      this.destinationQuote = '';
    } else if (
      char === ':' &&
      this.previous === ']' &&
      DEFINITION_START.test(this.line.slice(0, -1))
    ) {
      this.definition = 1;
      this.definitionLine = true;
    } else if (char === '<' || char === '>') this.tagAt = -1;
    if (this.previous === '<' && /[A-Za-z/!?]/.test(char)) this.tagAt = at - 1;
  }

  /** A definition's destination, then its title, may start on the next line, not later. */
  private readDefinition(char: string, escaped: boolean): void {
    const space = /\s/.test(char);
    if (this.definition === 1) {
      if (char === '\n') this.definition = this.definitionLine ? 1 : 0;
      else if (!space) this.definition = 2;
    } else if (this.definition === 2) {
      if (space) {
        this.definition = 3;
        this.titleBreaks = char === '\n' ? 1 : 0;
      }
    } else if (this.definition === 3) {
      if (char === '\n') this.definition = ++this.titleBreaks > 1 ? 0 : 3;
      else if (char === '"' || char === "'" || char === '(') {
        this.definition = 4;
        this.titleClose = char === '(' ? ')' : char;
      } else if (!space) this.definition = 0;
    } else if (this.definition === 4 && char === this.titleClose && !escaped) {
      this.definition = 0;
    }
    if (char === '\n') this.definitionLine = false;
  }

  /** True when the text read so far may not be cut at its end (after whitespace). */
  open(): boolean {
    const at = this.position;
    if ((this.prefixOnly && this.line !== '') || this.fenceLikeLine) return true;
    if (this.fence) return false;
    return (
      this.openTicks > 0 ||
      this.definition !== 0 ||
      (this.bracketAt >= 0 && at - this.bracketAt <= MAX_LINK_TEXT + 2) ||
      (this.destinationAt >= 0 && at - this.destinationAt <= 2 * MAX_DESTINATION) ||
      (this.tagAt >= 0 && at - this.tagAt <= MAX_TAG + 2)
    );
  }
}

/** True when a redaction rule says a secret may continue past the end of `held`. */
export function secretMayContinue(held: string, rules: readonly RedactionRule[]): boolean {
  const tail = held.length > PARTIAL_WINDOW ? held.slice(-PARTIAL_WINDOW) : held;
  for (const rule of rules) {
    if (!rule.partial) continue;
    // A multi-line match contains its hint before any line break: skip the long look cheaply.
    if (rule.multiline && rule.hint && !rule.hint.test(held)) continue;
    if (rule.partial.test(rule.multiline ? held : tail)) return true;
  }
  return false;
}
