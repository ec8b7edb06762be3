/**
 * Text the database can store. PostgreSQL (here PGlite) keeps text as UTF-8: it rejects NUL
 * (U+0000) in `text` and `jsonb` ("invalid byte sequence for encoding UTF8: 0x00"), and a
 * UTF-16 surrogate without its pair has no UTF-8 form at all. What a person sends is checked
 * before a turn does any work and refused when it holds either ({@link assertStorable}), so
 * nothing they typed is changed behind their back; what a model or a tool produced is cleaned
 * where it is written ({@link toStorable}, {@link storableJson}), so an answer that streamed is
 * never lost when it is stored.
 */
import { ChatError } from './chat-error';

/** A character the database cannot store, and where it is (a UTF-16 index). */
export interface UnstorableCharacter {
  kind: 'nul' | 'lone-surrogate';
  index: number;
  /** The code unit, e.g. `U+0000`. */
  codeUnit: string;
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
const NUL = '\u0000';
const REPLACEMENT = '\uFFFD';

function codeUnitAt(text: string, index: number): string {
  return `U+${text.charCodeAt(index).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The first character of `text` the database cannot store, or undefined when it can store it all.
 *
 * @example
 * ```ts
 * findUnstorable('a\u0000b'); // { kind: 'nul', index: 1, codeUnit: 'U+0000' }
 * findUnstorable('naïve 😀'); // undefined
 * ```
 */
export function findUnstorable(text: string): UnstorableCharacter | undefined {
  const nul = text.indexOf(NUL);
  const lone = LONE_SURROGATE.exec(text)?.index ?? -1;
  if (nul === -1 && lone === -1) return undefined;
  const index = nul === -1 ? lone : lone === -1 ? nul : Math.min(nul, lone);
  return {
    kind: index === nul ? 'nul' : 'lone-surrogate',
    index,
    codeUnit: codeUnitAt(text, index),
  };
}

const DESCRIBE: Record<UnstorableCharacter['kind'], string> = {
  nul: 'a NUL character',
  'lone-surrogate': 'an unpaired UTF-16 surrogate',
};

/**
 * Refuses a request whose texts (by field name) hold a character the database cannot store.
 *
 * @throws ChatError `unstorable_text` (400) naming each such field.
 * @example
 * ```ts
 * assertStorable({ message: request.message, userId: request.userId });
 * ```
 */
export function assertStorable(texts: Record<string, string | undefined>): void {
  const fields: Record<string, string> = {};
  let first: string | undefined;
  for (const [field, text] of Object.entries(texts)) {
    const found = text === undefined ? undefined : findUnstorable(text);
    if (!found) continue;
    const what = `${DESCRIBE[found.kind]} (${found.codeUnit}) at index ${found.index}`;
    fields[field] = `contains ${what}, which cannot be stored`;
    first ??= `"${field}" contains ${what}`;
  }
  if (first === undefined) return;
  throw new ChatError({
    code: 'unstorable_text',
    message: `${first}, which the database cannot store; remove it and send the text again`,
    fields,
  });
}

/**
 * `text` with every NUL and unpaired surrogate replaced by U+FFFD (the replacement character).
 *
 * @example
 * ```ts
 * toStorable('a\u0000b\ud800'); // 'a\ufffdb\ufffd'
 * ```
 */
export function toStorable(text: string): string {
  if (findUnstorable(text) === undefined) return text;
  return text.replaceAll(NUL, REPLACEMENT).replace(LONE_SURROGATES, REPLACEMENT);
}

function storableKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const entries = Object.entries(value);
  if (!entries.some(([key]) => findUnstorable(key))) return value;
  return Object.fromEntries(entries.map(([key, item]) => [toStorable(key), item]));
}

/**
 * The JSON of `value` for a `jsonb` column, with every string (keys included) made storable.
 *
 * @example
 * ```ts
 * storableJson({ text: 'a\u0000b' }); // '{"text":"a\ufffdb"}'
 * ```
 */
export function storableJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'string' ? toStorable(item) : storableKeys(item),
  );
}
