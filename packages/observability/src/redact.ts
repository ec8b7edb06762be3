/**
 * Redaction: a copy of any value with secrets and PII replaced, safe to log. Walks nested
 * objects, arrays, maps, sets and errors; survives circular references, throwing getters,
 * binary buffers and huge strings; and catches secrets split across adjacent fields.
 */
import { InvalidArgumentError } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import {
  DEFAULT_REDACTION_RULES,
  letterDigitSwitches,
  type RedactionRule,
} from './redaction-rules';

/** Options of {@link redact} and {@link createRedactor}. */
export interface RedactOptions {
  /** The rules applied to every string, in order. Default: {@link DEFAULT_REDACTION_RULES}. */
  rules?: readonly RedactionRule[];
  /** Rule ids to leave out of `rules`, e.g. `['phone']`. */
  disable?: readonly string[];
  /**
   * Object keys whose string values are replaced whole, whatever they hold. Matched against
   * the key in snake_case, as a suffix: the default covers `Authorization`, `x-api-key`,
   * `apiKey`, `client_secret`, `access_token`, `password`, `Cookie`, `Set-Cookie`...
   */
  sensitiveKeys?: RegExp;
  /** Strings longer than this are cut, with a marker saying how much. Default 16,384. */
  maxStringLength?: number;
  /** Deeper values become `'[MaxDepth]'`. Default 12. */
  maxDepth?: number;
  /**
   * Values past this many (objects, arrays and leaves) are left out, with a `'[Truncated ...]'`
   * marker. Default 10,000.
   */
  maxNodes?: number;
}

/** A compiled redactor: call it on any value. */
export type Redactor = (value: unknown) => unknown;

/** The default for {@link RedactOptions.sensitiveKeys}. */
export const DEFAULT_SENSITIVE_KEYS =
  /(?:^|_)(?:authorization|api_?key|secret|secret_key|password|passwd|passphrase|pwd|token|cookie|credentials?|private_key|access_key|session_id|signature)$/;

/** Enough overlap past a cut for any secret straddling it (a 4096-bit PEM key) to be found whole. */
const CUT_OVERLAP = 4_096;

function replacement(id: string): string {
  return `[REDACTED:${id}]`;
}

function snakeCase(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[-.\s]+/g, '_')
    .toLowerCase();
}

/** The longest run of non-space characters looked at on either side of a line break. */
const MAX_RUN = 1_024;
const SPACE = /\s/;

/** A line ending in a redaction, and the run of key characters a wrapped key goes on with. */
const REDACTED_AT_END = /\[REDACTED:([\w-]+)\](?:[ \t]*\\)?$/;
const KEY_RUN = /^([ \t]*)([A-Za-z0-9_+/-]{12,1024})(?=[\s,.;:)]|$)/;

/** The run of non-space characters (at most {@link MAX_RUN}) ending a line; '' when none. */
function trailingRun(line: string): string {
  const stop = Math.max(0, line.length - MAX_RUN);
  let from = line.length;
  while (from > stop && !SPACE.test(line[from - 1] as string)) from--;
  return line.slice(from);
}

/** The run of non-space characters (at most {@link MAX_RUN}) starting a line; '' when none. */
function leadingRun(line: string): string {
  const stop = Math.min(line.length, MAX_RUN);
  let to = 0;
  while (to < stop && !SPACE.test(line[to] as string)) to++;
  return line.slice(0, to);
}

/** Texts longer than this run line-local rules only on the lines their hint occurs in. */
const LINE_MODE_MIN_LENGTH = 4_096;
/** Fewer bytes than this per hinted line: the hint is common, one pass over the rest is faster. */
const DENSE_HINT_BYTES = 2_048;

/** Told the id of each rule that replaced something, once per replacement. */
export type OnRedacted = (ruleId: string) => void;

function replaceMatches(text: string, rule: RedactionRule, onRedacted?: OnRedacted): string {
  rule.pattern.lastIndex = 0;
  return text.replace(rule.pattern, (match: string, ...args: unknown[]) => {
    const last = args[args.length - 1];
    const groups =
      typeof last === 'object' && last !== null
        ? (last as Record<string, string | undefined>)
        : undefined;
    const keep = groups?.keep ?? '';
    const candidate = match.slice(keep.length);
    if (rule.validate && !rule.validate(candidate, groups)) return match;
    onRedacted?.(rule.id);
    return keep + replacement(rule.id);
  });
}

const globalHints = new WeakMap<RegExp, RegExp>();

/** Runs a line-local rule on the lines of a long text that contain its hint. */
function replaceOnHintedLines(
  text: string,
  rule: RedactionRule,
  hint: RegExp,
  onRedacted?: OnRedacted,
): string {
  let finder = globalHints.get(hint);
  if (!finder) {
    finder = new RegExp(hint.source, `${hint.flags.replace('g', '')}g`);
    globalHints.set(hint, finder);
  }
  finder.lastIndex = 0;
  let out = '';
  let done = 0;
  let lines = 0;
  for (let found = finder.exec(text); found !== null; found = finder.exec(text)) {
    // A hint on most lines (digits, `:`) makes line by line slower than one pass: finish so.
    if (++lines > 32 && done < lines * DENSE_HINT_BYTES) {
      return out + replaceMatches(text.slice(done), rule, onRedacted);
    }
    const lineStart = text.lastIndexOf('\n', found.index) + 1;
    const newline = text.indexOf('\n', found.index);
    const lineEnd = newline === -1 ? text.length : newline;
    out +=
      text.slice(done, lineStart) +
      replaceMatches(text.slice(lineStart, lineEnd), rule, onRedacted);
    done = lineEnd;
    finder.lastIndex = lineEnd;
  }
  return done === 0 ? text : out + text.slice(done);
}

/** Applies `rules` to one string. */
function redactText(
  text: string,
  rules: readonly RedactionRule[],
  onRedacted?: OnRedacted,
): string {
  let out = text;
  for (const rule of rules) {
    if (!rule.hint) out = replaceMatches(out, rule, onRedacted);
    else if (!rule.hint.test(out)) continue;
    else if (out.length >= LINE_MODE_MIN_LENGTH && !rule.multiline) {
      out = replaceOnHintedLines(out, rule, rule.hint, onRedacted);
    } else out = replaceMatches(out, rule, onRedacted);
  }
  return out;
}

interface Leaf {
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  text: string;
}

/** Redaction of one whole string, with no length cut: what logs and the output guard share. */
export interface TextRedactor {
  /** The rules in use (after `disable`), in order. */
  readonly rules: readonly RedactionRule[];
  /** Applies the rules, then finds keys wrapped over lines; tells `onRedacted` each replacement. */
  redact(text: string, onRedacted?: OnRedacted): string;
}

/** Checks `rules` and `disable` and compiles them (shared by {@link createRedactor} and the output guard). */
export function createTextRedactor(
  options: Pick<RedactOptions, 'rules' | 'disable'> = {},
): TextRedactor {
  const { rules: allRules = DEFAULT_REDACTION_RULES, disable = [] } = options;
  for (const rule of allRules) {
    if (!(rule.pattern instanceof RegExp) || !rule.pattern.global) {
      throw new InvalidArgumentError({
        argument: 'rules',
        message: `Redaction rule "${rule.id}" needs a global RegExp pattern (add the g flag)`,
      });
    }
    if (rule.hint && (rule.hint.global || rule.hint.sticky)) {
      throw new InvalidArgumentError({
        argument: 'rules',
        message: `Redaction rule "${rule.id}" has a global or sticky hint; drop the g and y flags`,
      });
    }
    if (rule.partial && (rule.partial.global || rule.partial.sticky)) {
      throw new InvalidArgumentError({
        argument: 'rules',
        message: `Redaction rule "${rule.id}" has a global or sticky partial; drop the g and y flags`,
      });
    }
  }
  const rules = allRules.filter((rule) => !disable.includes(rule.id));
  // Multi-line rules already run over whole texts.
  const crossLineRules = rules.filter((rule) => rule.crossField && !rule.multiline);
  // A secret of any kind may be wrapped (`export KEY=...\` and the rest on the next line).
  const wrappable = new Set(
    rules.filter((rule) => rule.kind === 'secret' && !rule.multiline).map((rule) => rule.id),
  );

  /**
   * A key wrapped over lines (`sk-proj-4f9Q\nx2Lw8Z...`). The prefixed rules match runs without
   * whitespace, so only a line ending in such a run followed by one starting with one can hide
   * a key: those runs (and whole-run lines between them) are joined and searched, and the runs
   * a key touches are replaced. A key long enough to be found on its first line alone is
   * already redacted there: a run of 12 or more key characters opening the next line, whole up to
   * a space or punctuation, switching between letters and digits as random text does, is the
   * rest of it, and is replaced too (`PORT=8080`, `us-east-1`, a date or a model name is not).
   */
  function redactAcrossLines(text: string, onRedacted?: OnRedacted): string {
    if (!text.includes('\n')) return text;
    const candidates = crossLineRules.filter((rule) => !rule.hint || rule.hint.test(text));
    if (candidates.length === 0 && !text.includes('[REDACTED:')) return text;
    const lines = text.split('\n');
    let changed = false;
    for (let i = 0; i + 1 < lines.length; i++) {
      const wrapped = /[\]\\]$/.test(lines[i] as string)
        ? REDACTED_AT_END.exec(lines[i] as string)?.[1]
        : undefined;
      const rest =
        wrapped && wrappable.has(wrapped) ? KEY_RUN.exec(lines[i + 1] as string) : undefined;
      const run = rest?.[2];
      if (wrapped && rest && run && letterDigitSwitches(run) >= 4) {
        lines[i + 1] =
          (rest[1] as string) +
          replacement(wrapped) +
          (lines[i + 1] as string).slice(rest[0].length);
        onRedacted?.(wrapped);
        changed = true;
        i++; // the rest of one key, not the start of another wrapped one
        continue;
      }
      if (candidates.length === 0) continue;
      const tail = trailingRun(lines[i] as string);
      if (tail === '' || leadingRun(lines[i + 1] as string) === '') continue;
      // The pieces: the tail run of line i, whole-run lines, then the head run of the last line.
      const pieces = [tail];
      let j = i + 1;
      while (
        j + 1 < lines.length &&
        leadingRun(lines[j] as string) === lines[j] &&
        leadingRun(lines[j + 1] as string) !== ''
      ) {
        pieces.push(lines[j] as string);
        j++;
      }
      const head = leadingRun(lines[j] as string);
      pieces.push(head);
      const leaves = pieces.map((piece, key): Leaf => ({ holder: pieces, key, text: piece }));
      if (redactAcrossFields(leaves, candidates, onRedacted)) {
        changed = true;
        const first = lines[i] as string;
        lines[i] = first.slice(0, first.length - tail.length) + pieces[0];
        for (let k = i + 1; k < j; k++) lines[k] = pieces[k - i] as string;
        lines[j] = pieces[pieces.length - 1] + (lines[j] as string).slice(head.length);
      }
      i = j - 1;
    }
    return changed ? lines.join('\n') : text;
  }

  return {
    rules,
    redact: (text, onRedacted) =>
      redactAcrossLines(redactText(text, rules, onRedacted), onRedacted),
  };
}

/**
 * Compiles options into a reusable redactor (validating them once).
 *
 * @example
 * ```ts
 * const redactor = createRedactor({ disable: ['phone'], maxStringLength: 2_000 });
 * redactor({ headers: { authorization: 'Bearer abc' }, note: 'mail bob@example.com' });
 * // { headers: { authorization: '[REDACTED:authorization]' }, note: 'mail [REDACTED:email]' }
 * ```
 */
export function createRedactor(options: RedactOptions = {}): Redactor {
  const {
    sensitiveKeys = DEFAULT_SENSITIVE_KEYS,
    maxStringLength = 16_384,
    maxDepth = 12,
    maxNodes = 10_000,
  } = options;
  assertNumber('maxStringLength', maxStringLength, { integer: true, min: 1 });
  assertNumber('maxDepth', maxDepth, { integer: true, min: 1 });
  assertNumber('maxNodes', maxNodes, { integer: true, min: 1 });
  const text = createTextRedactor(options);
  if (sensitiveKeys.global || sensitiveKeys.sticky) {
    throw new InvalidArgumentError({
      argument: 'sensitiveKeys',
      message: 'sensitiveKeys must not be a global or sticky RegExp; drop the g and y flags',
    });
  }
  const crossFieldRules = text.rules.filter((rule) => rule.crossField);
  // Records reuse a handful of key names: remember which are sensitive (bounded).
  const keyVerdicts = new Map<string, boolean>();

  function sensitiveKey(key: string): boolean {
    let verdict = keyVerdicts.get(key);
    if (verdict === undefined) {
      verdict = sensitiveKeys.test(snakeCase(key));
      if (keyVerdicts.size < 10_000) keyVerdicts.set(key, verdict);
    }
    return verdict;
  }

  function redactString(value: string): string {
    if (value.length <= maxStringLength) return text.redact(value);
    const head = text.redact(value.slice(0, maxStringLength + CUT_OVERLAP));
    return `${head.slice(0, maxStringLength)}…[truncated ${value.length - maxStringLength} chars]`;
  }

  return function redactor(value: unknown): unknown {
    let nodes = 0;
    const ancestors = new Set<object>();
    const leaves: Leaf[] = [];

    function put(holder: Leaf['holder'], key: string | number, raw: unknown, depth: number) {
      const out = walk(raw, depth);
      (holder as Record<string | number, unknown>)[key] = out;
      if (typeof out === 'string' && typeof raw === 'string')
        leaves.push({ holder, key, text: out });
    }

    function walkObject(object: object, depth: number): unknown {
      if (object instanceof Date) {
        return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
      }
      if (object instanceof ArrayBuffer) return `[Binary ${object.byteLength} bytes]`;
      if (isSerializedBuffer(object)) return `[Binary ${object.data.length} bytes]`;
      if (object instanceof RegExp) return redactString(String(object));
      if (ancestors.has(object)) return '[Circular]';
      if (depth >= maxDepth) return '[MaxDepth]';
      ancestors.add(object);
      try {
        if (Array.isArray(object) || object instanceof Set) {
          const items = Array.isArray(object) ? object : [...object];
          const pairs = Array.isArray(object) && isNameValueList(items);
          const out: unknown[] = [];
          for (let i = 0; i < items.length; i++) {
            if (nodes >= maxNodes) {
              out.push(`[Truncated ${items.length - i} items]`);
              break;
            }
            const name = items[i - 1];
            if (pairs && i % 2 === 1 && sensitiveKey(name as string)) {
              nodes++;
              out.push(replacement(snakeCase(name as string)));
            } else put(out, i, items[i], depth + 1);
          }
          return out;
        }
        const out: Record<string, unknown> = {};
        if (object instanceof Error) {
          out.name = redactString(String(object.name));
          out.message = redactString(String(object.message));
        }
        const entries =
          object instanceof Map || isHeaders(object)
            ? [...object.entries()].map(([k, v]) => [String(k), v] as const)
            : Object.keys(object).map((k) => [k, readProperty(object, k)] as const);
        if (object instanceof Error && 'cause' in object && !entries.some(([k]) => k === 'cause')) {
          entries.push(['cause', object.cause]);
        }
        // `{ name: 'Authorization', value: '...' }`: a header as a pair of fields.
        const pairName = entries.find(([k]) => k === 'name' || k === 'key')?.[1];
        const pairIsSecret = typeof pairName === 'string' && sensitiveKey(pairName);
        for (const [key, raw] of entries) {
          if (nodes >= maxNodes) {
            out['…'] = '[Truncated]';
            break;
          }
          const secret =
            sensitiveKey(key) || (pairIsSecret && (key === 'value' || key === 'values'));
          if (
            secret &&
            raw !== undefined &&
            raw !== null &&
            typeof raw !== 'number' &&
            typeof raw !== 'boolean'
          ) {
            nodes++;
            out[key] = replacement(
              snakeCase(pairIsSecret && !sensitiveKey(key) ? String(pairName) : key),
            );
          } else {
            put(out, key, raw, depth + 1);
          }
        }
        return out;
      } finally {
        ancestors.delete(object);
      }
    }

    function walk(raw: unknown, depth: number): unknown {
      if (++nodes > maxNodes) return '[Truncated]';
      switch (typeof raw) {
        case 'string':
          return redactString(raw);
        case 'number':
        case 'boolean':
        case 'undefined':
          return raw;
        case 'bigint':
          return raw.toString();
        case 'symbol':
          return redactString(raw.toString());
        case 'function':
          return `[Function ${raw.name || 'anonymous'}]`;
        default:
          if (raw === null) return null;
          try {
            if (ArrayBuffer.isView(raw)) return `[Binary ${raw.byteLength} bytes]`;
            const json = (raw as { toJSON?: unknown }).toJSON;
            if (typeof json === 'function' && !(raw instanceof Date)) {
              // A `toJSON` returning its own object is read as that object; one returning a
              // fresh object with a `toJSON` each time ends at `maxDepth`.
              if (depth >= maxDepth) return '[MaxDepth]';
              const converted: unknown = json.call(raw);
              if (converted !== raw) return walk(converted, depth + 1);
            }
            return walkObject(raw as object, depth);
          } catch {
            return '[Unreadable]';
          }
      }
    }

    const out = walk(value, 0);
    if (crossFieldRules.length > 0 && leaves.length > 1)
      redactAcrossFields(leaves, crossFieldRules);
    return out;
  };
}

/**
 * `['Authorization', 'Bearer ...']` (a header entry) or `['X-Api-Key', 'k', 'Accept', '*']`
 * (Node's `rawHeaders`): an even number of strings, read as name, value, name, value.
 */
function isNameValueList(items: readonly unknown[]): boolean {
  if (items.length === 0 || items.length % 2 === 1) return false;
  for (const item of items) if (typeof item !== 'string') return false;
  return true;
}

/** A fetch `Headers` object, whose entries are not own properties. */
function isHeaders(object: object): object is Headers {
  return typeof Headers === 'function' && object instanceof Headers;
}

/** A Node Buffer after `JSON.parse(JSON.stringify(buffer))`: its bytes as numbers. */
function isSerializedBuffer(object: object): object is { type: 'Buffer'; data: unknown[] } {
  const { type, data } = object as { type?: unknown; data?: unknown };
  return type === 'Buffer' && Array.isArray(data);
}

function readProperty(object: object, key: string): unknown {
  try {
    return (object as Record<string, unknown>)[key];
  } catch {
    return '[Unreadable]';
  }
}

/**
 * Finds secrets that only appear when adjacent string fields (or lines) are joined (a key split
 * in two), and replaces every field the secret touches. True when it replaced any.
 */
function redactAcrossFields(
  leaves: Leaf[],
  rules: readonly RedactionRule[],
  onRedacted?: OnRedacted,
): boolean {
  const starts: number[] = [];
  let joined = '';
  for (const leaf of leaves) {
    starts.push(joined.length);
    joined += leaf.text;
  }
  const hit = new Map<number, string>();
  for (const rule of rules) {
    if (rule.hint && !rule.hint.test(joined)) continue;
    rule.pattern.lastIndex = 0;
    for (const match of joined.matchAll(rule.pattern)) {
      const from = match.index;
      const to = from + match[0].length;
      if (rule.validate && !rule.validate(match[0], match.groups)) continue;
      const first = lastIndexAtOrBefore(starts, from);
      let last = lastIndexAtOrBefore(starts, to - 1);
      // A match runs on into following fields of the same characters ('...Ws' + 'fine'): keep
      // the fields the secret does not need.
      const whole = anchored(rule);
      for (let k = first + 1; k <= last; k++) {
        if (whole.test(joined.slice(from, starts[k]))) {
          last = k - 1;
          break;
        }
      }
      if (first === last) continue; // inside one field: already handled there
      for (let i = first; i <= last; i++) if (!hit.has(i)) hit.set(i, rule.id);
    }
  }
  for (const [index, id] of hit) {
    onRedacted?.(id);
    const leaf = leaves[index] as Leaf;
    (leaf.holder as Record<string | number, unknown>)[leaf.key] = replacement(id);
  }
  return hit.size > 0;
}

const anchoredPatterns = new WeakMap<RedactionRule, RegExp>();

/** The rule's pattern matching a whole string. */
function anchored(rule: RedactionRule): RegExp {
  let pattern = anchoredPatterns.get(rule);
  if (!pattern) {
    pattern = new RegExp(`^(?:${rule.pattern.source})$`, rule.pattern.flags.replace('g', ''));
    anchoredPatterns.set(rule, pattern);
  }
  return pattern;
}

function lastIndexAtOrBefore(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((sorted[mid] as number) <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const defaultRedactor = createRedactor();

/**
 * Returns a copy of `value` with secrets and PII replaced by `[REDACTED:<rule>]`. Never throws
 * on data: circular references, throwing getters, binary buffers and huge strings are rendered
 * as markers. Options are validated (a bad option is an `InvalidArgumentError`).
 *
 * @example
 * ```ts
 * redact(`call me at +44 20 7946 0958, key sk-proj-${'a1B2'.repeat(6)}`);
 * // 'call me at [REDACTED:phone], key [REDACTED:openai-key]'
 * ```
 */
export function redact(value: string, options?: RedactOptions): string;
export function redact(value: unknown, options?: RedactOptions): unknown;
export function redact(value: unknown, options?: RedactOptions): unknown {
  return (options === undefined ? defaultRedactor : createRedactor(options))(value);
}
