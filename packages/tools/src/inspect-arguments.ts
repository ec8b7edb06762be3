/**
 * The checks a model's tool arguments pass before any schema sees them: parseable JSON, bounded
 * size and depth, plain objects and arrays only, and no keys that reach into JavaScript
 * prototypes.
 */

/** Limits on the arguments of one tool call. */
export interface ArgumentLimits {
  /** Largest nesting of objects and arrays. */
  maxDepth: number;
  /** Most characters of strings and keys (plus one per value), summed over the whole value. */
  maxChars: number;
}

/** The dispatcher's default limits: 32 levels, 1,000,000 characters. */
export const DEFAULT_LIMITS: ArgumentLimits = Object.freeze({ maxDepth: 32, maxChars: 1_000_000 });

/** Keys refused at any depth: they reach into prototypes when copied naively. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Why arguments were refused before validation; `message` is written for the model. */
export interface ArgumentFault {
  kind: 'invalid-json' | 'input-too-large' | 'invalid-arguments';
  message: string;
}

/** Parsed arguments, or why they could not be read. */
export type ParsedArguments = { ok: true; value: unknown } | { ok: false; fault: ArgumentFault };

function tooLarge(chars: number, limits: ArgumentLimits): ArgumentFault {
  return {
    kind: 'input-too-large',
    message: `The arguments hold more than ${limits.maxChars} characters (at least ${chars}). Send less data.`,
  };
}

/**
 * Reads a call's arguments: a JSON string (as some providers and fakes hand them over) is
 * parsed, anything else is taken as already parsed; then {@link inspectArguments} applies.
 */
export function readArguments(input: unknown, limits: ArgumentLimits): ParsedArguments {
  let value = input;
  if (typeof input === 'string') {
    // JSON text carries at most one character of content per character of text, plus quoting.
    if (input.length > limits.maxChars * 2)
      return { ok: false, fault: tooLarge(input.length, limits) };
    try {
      value = input.trim() === '' ? {} : JSON.parse(input);
    } catch (error) {
      const detail = error instanceof Error ? error.message.slice(0, 200) : 'parse error';
      return {
        ok: false,
        fault: {
          kind: 'invalid-json',
          message: `The arguments are not valid JSON (${detail}). Call the tool again with a JSON object matching its schema.`,
        },
      };
    }
  }
  const fault = inspectArguments(value, limits);
  return fault === undefined ? { ok: true, value } : { ok: false, fault };
}

/**
 * Walks the value without recursion (deep input cannot overflow the stack) and returns a fault
 * for input nested or sized past the limits, holding a forbidden key, or holding an object that
 * is not plain data (its prototype would lend the schema properties it never saw as keys);
 * undefined when fine.
 */
function inspectArguments(value: unknown, limits: ArgumentLimits): ArgumentFault | undefined {
  const stack: Array<[unknown, number]> = [[value, 0]];
  let chars = 0;
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [current, depth] = next;
    chars += 1; // every value takes at least a character of JSON
    if (typeof current === 'string') {
      chars += current.length;
    } else if (typeof current === 'object' && current !== null) {
      if (depth >= limits.maxDepth) {
        return {
          kind: 'input-too-large',
          message: `The arguments are nested deeper than ${limits.maxDepth} levels. Send a flatter value.`,
        };
      }
      const proto: unknown = Object.getPrototypeOf(current);
      if (
        proto !== (Array.isArray(current) ? Array.prototype : Object.prototype) &&
        proto !== null
      ) {
        // Schemas read inherited properties: only plain data may reach them.
        return {
          kind: 'invalid-arguments',
          message: 'The arguments hold a value that is not plain JSON data. Send a JSON object.',
        };
      }
      if (Array.isArray(current)) {
        for (const item of current) stack.push([item, depth + 1]);
      } else {
        for (const key of Object.keys(current)) {
          if (FORBIDDEN_KEYS.has(key)) {
            return {
              kind: 'invalid-arguments',
              message: `The arguments contain the key "${key}", which is refused at any depth. Remove it.`,
            };
          }
          chars += key.length;
          stack.push([(current as Record<string, unknown>)[key], depth + 1]);
        }
      }
    }
    if (chars > limits.maxChars) return tooLarge(chars, limits);
  }
  return undefined;
}
