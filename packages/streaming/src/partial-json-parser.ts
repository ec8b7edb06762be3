/**
 * An incremental parser for JSON that is still arriving: each fragment is read once, so previews
 * after every fragment cost time linear in the total length, not quadratic like re-parsing the
 * whole prefix each time.
 */

/** A parser fed with the fragments of one JSON text. */
export interface PartialJsonParser {
  /**
   * Appends a fragment and returns the value parsed so far: objects and arrays with the members
   * received, the unfinished string so far, a number as far as it reads, `true`/`false`/`null`
   * once complete. A key appears as soon as its value begins. `undefined` until a value starts.
   *
   * The returned object is the parser's own, updated in place by later fragments: copy it
   * (`structuredClone`) to keep a snapshot.
   */
  push(fragment: string): unknown;
  /** The value parsed so far (as returned by the last `push`). */
  readonly value: unknown;
  /** False once the text stopped being valid JSON; `value` then keeps the last valid preview. */
  readonly valid: boolean;
}

type Container = Record<string, unknown> | unknown[];

interface Frame {
  container: Container;
  /** The key (object) or index (array) the value being read is stored under. */
  slot: string | number;
}

/** What the parser expects next. */
const Mode = {
  Value: 0,
  /** After `[`: a value or `]`. */
  FirstElement: 1,
  /** After `,` in an object: a key. */
  Key: 2,
  /** After `{`: a key or `}`. */
  FirstKey: 3,
  Colon: 4,
  AfterValue: 5,
  String: 6,
  Number: 7,
  Literal: 8,
  Done: 9,
  Invalid: 10,
} as const;
type Mode = (typeof Mode)[keyof typeof Mode];

const escapes: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};
const literals: Record<string, unknown> = { true: true, false: false, null: null };
const numberPattern = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

function isWhitespace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}

function isNumberChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || code === 45 || code === 43 || code === 46 || (code | 32) === 101
  );
}

/**
 * Creates an incremental partial-JSON parser.
 *
 * @example
 * ```ts
 * const parser = createPartialJsonParser();
 * parser.push('{"city": "Os');   // { city: 'Os' }
 * parser.push('lo", "days": [1'); // { city: 'Oslo', days: [1] }
 * parser.push(', 2]}');          // { city: 'Oslo', days: [1, 2] }
 * ```
 */
export function createPartialJsonParser(): PartialJsonParser {
  const stack: Frame[] = [];
  let root: unknown;
  let mode: Mode = Mode.Value;
  /** The string, number or literal being read. */
  let token = '';
  let inKey = false;
  /** Inside a string: `undefined`, or the escape sequence read so far (`\`, `\u`, `\u00`, ...). */
  let pendingEscape: string | undefined;

  function assign(value: unknown): void {
    const frame = stack[stack.length - 1];
    if (frame === undefined) {
      root = value;
    } else if (frame.slot === '__proto__') {
      // An own property, as JSON.parse makes it; assignment would replace the prototype.
      Object.defineProperty(frame.container, '__proto__', {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    } else {
      (frame.container as Record<string | number, unknown>)[frame.slot] = value;
    }
  }

  /** A value begins: arrays get a new slot, objects already have their key. */
  function beginValue(): void {
    const frame = stack[stack.length - 1];
    if (frame !== undefined && Array.isArray(frame.container)) {
      frame.slot = frame.container.length;
      frame.container.push(undefined);
    }
  }

  function open(container: Container): void {
    beginValue();
    assign(container);
    stack.push({ container, slot: '' });
  }

  function endValue(): void {
    mode = stack.length === 0 ? Mode.Done : Mode.AfterValue;
  }

  function endNumber(): boolean {
    if (!numberPattern.test(token)) return false;
    assign(Number(token));
    endValue();
    return true;
  }

  /** Handles one character outside strings; returns false on invalid JSON. */
  function structural(char: string, code: number): boolean {
    switch (mode) {
      case Mode.Value:
      case Mode.FirstElement:
        if (char === ']' && mode === Mode.FirstElement) return close();
        if (char === '{') {
          open({});
          mode = Mode.FirstKey;
        } else if (char === '[') {
          open([]);
          mode = Mode.FirstElement;
        } else if (char === '"') {
          beginValue();
          assign('');
          token = '';
          inKey = false;
          mode = Mode.String;
        } else if (code === 45 || (code >= 48 && code <= 57)) {
          beginValue();
          token = char;
          mode = Mode.Number;
        } else if (char === 't' || char === 'f' || char === 'n') {
          beginValue();
          token = char;
          mode = Mode.Literal;
        } else {
          return false;
        }
        return true;
      case Mode.Key:
      case Mode.FirstKey:
        if (char === '}' && mode === Mode.FirstKey) return close();
        if (char !== '"') return false;
        token = '';
        inKey = true;
        mode = Mode.String;
        return true;
      case Mode.Colon:
        if (char !== ':') return false;
        mode = Mode.Value;
        return true;
      case Mode.AfterValue: {
        const frame = stack[stack.length - 1];
        if (frame === undefined) return false;
        const isArray = Array.isArray(frame.container);
        if (char === ',') {
          mode = isArray ? Mode.Value : Mode.Key;
          return true;
        }
        return char === (isArray ? ']' : '}') && close();
      }
      default:
        return false;
    }
  }

  function close(): boolean {
    stack.pop();
    endValue();
    return true;
  }

  function push(fragment: string): unknown {
    let index = 0;
    const length = fragment.length;
    while (index < length && mode !== Mode.Invalid) {
      if (mode === Mode.String) {
        index = readString(fragment, index);
        continue;
      }
      const code = fragment.charCodeAt(index);
      const char = fragment[index] as string;
      if (mode === Mode.Number) {
        if (isNumberChar(code)) {
          token += char;
          index++;
          continue;
        }
        if (!endNumber()) mode = Mode.Invalid;
        continue; // the character ends the number and is read again
      }
      if (mode === Mode.Literal) {
        token += char;
        index++;
        if (Object.hasOwn(literals, token)) {
          assign(literals[token]);
          endValue();
        } else if (!['true', 'false', 'null'].some((word) => word.startsWith(token))) {
          mode = Mode.Invalid;
        }
        continue;
      }
      index++;
      if (isWhitespace(code)) continue;
      if (mode === Mode.Done || !structural(char, code)) mode = Mode.Invalid;
    }
    // A number's preview is updated once per fragment, keeping long numbers linear.
    if (mode === Mode.Number && numberPattern.test(token)) assign(Number(token));
    return root;
  }

  /** Reads string characters from `start`; returns the index after what it consumed. */
  function readString(text: string, start: number): number {
    let index = start;
    let run = start;
    const length = text.length;
    while (index < length) {
      if (pendingEscape !== undefined) {
        token += text.slice(run, index);
        const char = text[index] as string;
        index++;
        run = index;
        if (pendingEscape === '\\') {
          if (char === 'u') {
            pendingEscape = '\\u';
          } else if (char in escapes) {
            token += escapes[char];
            pendingEscape = undefined;
          } else {
            mode = Mode.Invalid;
            return length;
          }
        } else {
          if (!/[0-9a-fA-F]/.test(char)) {
            mode = Mode.Invalid;
            return length;
          }
          pendingEscape += char;
          if (pendingEscape.length === 6) {
            token += String.fromCharCode(Number.parseInt(pendingEscape.slice(2), 16));
            pendingEscape = undefined;
          }
        }
        continue;
      }
      const code = text.charCodeAt(index);
      if (code === 92) {
        token += text.slice(run, index);
        pendingEscape = '\\';
        index++;
        run = index;
      } else if (code === 34) {
        token += text.slice(run, index);
        if (inKey) {
          const frame = stack[stack.length - 1];
          if (frame) frame.slot = token;
          mode = Mode.Colon;
        } else {
          assign(token);
          endValue();
        }
        return index + 1;
      } else if (code < 32) {
        mode = Mode.Invalid;
        return length;
      } else {
        index++;
      }
    }
    token += text.slice(run, index);
    if (!inKey) assign(token);
    return index;
  }

  return {
    push,
    get value() {
      return root;
    },
    get valid() {
      return mode !== Mode.Invalid;
    },
  };
}
