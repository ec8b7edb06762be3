/**
 * Reads a provider's frequent events without `JSON.parse`, in whatever layout the server writes
 * them. The first event of a layout is parsed as usual; its text then becomes a pattern matching
 * exactly the events spelled the same way byte for byte, except for one string (the text delta)
 * and the scalars the protocol never reads (ids, timestamps, sequence numbers, filter verdicts).
 * A matching event is handed to the protocol as that first parsed event with its one string
 * replaced: as far as the protocol can tell, what `JSON.parse` would have built. A scalar the
 * protocol does not read may take any value of its kind (string, number, or literal).
 */
import { JSON_NUMBER, JSON_STRING_BODY, unescapeJsonString } from './json-layout';

/** Where a value sits in a parsed event: object keys and array positions from the root. */
export type JsonPath = readonly (string | number)[];

/** What a protocol tells the learner about its events. */
export interface EventLayoutRules {
  /**
   * True when the protocol reads the value at `path` (or anything it is part of): such a value
   * must be spelled as it was learned. Every other scalar may vary freely.
   */
  reads(path: JsonPath): boolean;
  /**
   * The path of the string that varies from one frequent event to the next (a text delta), when
   * `payload` is such an event; `undefined` when it is not worth learning. The protocol must not
   * keep `payload`, or anything in it, past its `chunk` call: the learner reuses it.
   */
  hole(payload: Record<string, unknown>): JsonPath | undefined;
}

interface Layout {
  pattern: RegExp;
  /** The parsed event the layout was learned from, handed out again with its hole refilled. */
  payload: Record<string, unknown>;
  /** The object or array holding the hole, and the hole's key in it. */
  parent: Record<string | number, unknown>;
  key: string | number;
}

interface Scalar {
  start: number;
  end: number;
  path: JsonPath;
  /** The pattern of any scalar of its kind: any string, number, or literal. */
  kind: string;
}

/** Layouts kept at once: a stream's frequent events (text, reasoning, a few tool calls). */
const MAX_LAYOUTS = 4;
/** Layouts learned before learning must pay for itself. */
const FREE_LEARNINGS = 8;
/** Matches each further layout must have been worth, on average. */
const HITS_PER_LEARNING = 32;
/** Frequent events are small: longer ones are not learned (their patterns would be too). */
const MAX_LEARNED_LENGTH = 4096;
/** Deeper events are not learned. */
const MAX_DEPTH = 16;

const HOLE = `"(${JSON_STRING_BODY})"`;
const STRING = `"${JSON_STRING_BODY}"`;
const LITERAL = '(?:true|false|null)';

/** Compiled patterns kept across streams, by source. */
const MAX_PATTERNS = 64;
/**
 * Every stream of a process shares its patterns: a server writes all its streams in the same few
 * layouts, and compiling a pattern costs milliseconds, once V8 has dropped its own cache of them
 * (after two garbage collections that did not see them used), where a pattern kept here stays
 * compiled.
 */
const patterns = new Map<string, RegExp>();

function compiled(source: string): RegExp {
  let pattern = patterns.get(source);
  if (pattern === undefined) {
    if (patterns.size === MAX_PATTERNS) patterns.delete(patterns.keys().next().value as string);
    pattern = new RegExp(source);
    patterns.set(source, pattern);
  }
  return pattern;
}

/**
 * The layouts learned on one stream. `match` before parsing an event; `learn` from every event
 * that had to be parsed.
 */
export class LearnedLayouts {
  private readonly layouts: Layout[] = [];
  private learnings = 0;
  private hits = 0;

  constructor(private readonly rules: EventLayoutRules) {}

  /**
   * The event `data` spells, when it is in a learned layout: the learned payload with its hole
   * set to this event's string. Otherwise `undefined`, and `data` is to be parsed.
   */
  match(data: string): Record<string, unknown> | undefined {
    for (const layout of this.layouts) {
      const match = layout.pattern.exec(data);
      if (match === null) continue;
      layout.parent[layout.key] = unescapeJsonString(match[1] ?? '');
      this.hits++;
      return layout.payload;
    }
    return undefined;
  }

  /** Learns the layout of `data`, which `JSON.parse` turned into `payload`, if worth it. */
  learn(data: string, payload: Record<string, unknown>): void {
    // Layouts that keep changing (a field the protocol reads, varying) are not worth a pattern each.
    if (this.learnings >= FREE_LEARNINGS && this.hits < this.learnings * HITS_PER_LEARNING) return;
    if (data.length > MAX_LEARNED_LENGTH) return;
    const hole = this.rules.hole(payload);
    if (hole === undefined) return;
    const scalars = scanScalars(data);
    if (scalars === undefined) return;
    let source = '^';
    let literalFrom = 0;
    let holes = 0;
    for (const scalar of scalars) {
      const isHole = samePath(scalar.path, hole);
      if (isHole) {
        if (scalar.kind !== STRING) return;
        holes++;
      } else if (this.rules.reads(scalar.path)) {
        continue; // stays literal
      }
      source += escapeRegExp(data.slice(literalFrom, scalar.start)) + (isHole ? HOLE : scalar.kind);
      literalFrom = scalar.end;
    }
    // A duplicate key may hide the string read: then the layout is not learned.
    if (holes !== 1) return;
    source += `${escapeRegExp(data.slice(literalFrom))}$`;
    let parent: unknown = payload;
    for (const key of hole.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[key];
    this.learnings++;
    this.layouts.unshift({
      pattern: compiled(source),
      payload,
      parent: parent as Record<string | number, unknown>,
      key: hole[hole.length - 1] as string | number,
    });
    if (this.layouts.length > MAX_LAYOUTS) this.layouts.pop();
  }
}

function samePath(a: JsonPath, b: JsonPath): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

const QUOTE = 34;
const BACKSLASH = 92;

/** Whether the code unit is JSON whitespace. */
function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}

/**
 * Every scalar (string, number, literal) of `text`, which `JSON.parse` accepted, with its span
 * and path, in order; `undefined` when nested deeper than {@link MAX_DEPTH}.
 */
function scanScalars(text: string): Scalar[] | undefined {
  const scalars: Scalar[] = [];
  const path: (string | number)[] = [];
  let at = 0;

  const skipSpace = () => {
    while (isSpace(text.charCodeAt(at))) at++;
  };
  /** The end of the string opening at `at` (after its closing quote). */
  const stringEnd = () => {
    let index = at + 1;
    for (let code = text.charCodeAt(index); code !== QUOTE; code = text.charCodeAt(index)) {
      index += code === BACKSLASH ? 2 : 1;
    }
    return index + 1;
  };

  function value(depth: number): boolean {
    skipSpace();
    const open = text[at];
    if (open === '{' || open === '[') {
      if (depth === MAX_DEPTH) return false;
      const close = open === '{' ? '}' : ']';
      at++;
      skipSpace();
      if (text[at] === close) {
        at++;
        return true;
      }
      for (let index = 0; ; index++) {
        if (open === '{') {
          skipSpace();
          const end = stringEnd();
          path.push(unescapeJsonString(text.slice(at + 1, end - 1)));
          at = end;
          skipSpace();
          at++; // the colon
        } else {
          path.push(index);
        }
        if (!value(depth + 1)) return false;
        path.pop();
        skipSpace();
        if (text[at++] === close) return true; // otherwise a comma
      }
    }
    const start = at;
    let kind = STRING;
    if (text.charCodeAt(at) === QUOTE) {
      at = stringEnd();
    } else {
      while (at < text.length && !',}] \n\r\t'.includes(text[at] as string)) at++;
      kind = /^[tfn]/.test(text[start] as string) ? LITERAL : JSON_NUMBER;
    }
    scalars.push({ start, end: at, path: [...path], kind });
    return true;
  }

  return value(0) ? scalars : undefined;
}
