/**
 * A prompt-injection scorer with no model call: heuristics over normalised text, hidden
 * characters and decoded payloads, combined into a score from 0 to 1 for logging or blocking.
 */
import { InvalidArgumentError } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { INJECTION_RULES, type InjectionCategory, type InjectionRule } from './injection-rules';
import { foldLookalikes, LOOKALIKE_LETTERS } from './lookalikes';
import { sanitizeText } from './sanitize-text';

/** One heuristic that fired. */
export interface InjectionFinding {
  rule: string;
  category: InjectionCategory;
  /** The rule's confidence on its own, 0 to 1. */
  weight: number;
  /** Up to 80 characters of the normalised text that matched. */
  excerpt: string;
}

/** The scorer's verdict on one text. */
export interface InjectionReport {
  /** 1 − Π(1 − weight) over the rules that fired: 0 for none, near 1 for several strong ones. */
  score: number;
  /** `score >= threshold`. */
  flagged: boolean;
  /** The categories that fired, in rule order. */
  categories: InjectionCategory[];
  findings: InjectionFinding[];
}

/** Options of {@link scoreInjection}. */
export interface ScoreInjectionOptions {
  /** The score at which `flagged` is true; default 0.5. */
  threshold?: number;
  /** Hosts whose images and links are expected (e.g. your CDN); subdomains included. */
  allowedHosts?: readonly string[];
}

const HIDDEN: ReadonlyArray<{ rule: string; pattern: RegExp; min: number; weight: number }> = [
  { rule: 'unicode-tags', pattern: /[\u{E0000}-\u{E007F}]/gu, min: 1, weight: 0.7 },
  // Right-to-left and left-to-right overrides rarely appear in honest text; embeddings and
  // isolates do, in mixed-direction writing.
  { rule: 'bidi-override', pattern: /[\u202D\u202E]/g, min: 1, weight: 0.55 },
  { rule: 'bidi-controls', pattern: /[\u202A-\u202C\u2066-\u2069]/g, min: 1, weight: 0.3 },
  { rule: 'zero-width', pattern: /[\u200B-\u200D\u2060\uFEFF]/g, min: 3, weight: 0.35 },
  // A lookalike letter of another script touching a Latin one (`Аssіstаnt`): standing in for
  // a letter, which honest text in either script never needs (`5μs` is not one: `μ` is no
  // lookalike).
  {
    rule: 'mixed-script',
    pattern: new RegExp(
      `(?<=[A-Za-z])[${LOOKALIKE_LETTERS}]|[${LOOKALIKE_LETTERS}](?=[A-Za-z])`,
      'gu',
    ),
    min: 3,
    weight: 0.45,
  },
];

const TAG_CHARACTERS = /[\u{E0020}-\u{E007E}]/gu;
const BASE64_RUN = /[A-Za-z0-9+/]{40,}={0,2}/g;
const MAX_DECODED_RUNS = 8;
const URL_HOST = /\/\/([^/?#\s)"'>:]+)/;

function normalise(text: string): string {
  // Combining marks go (after NFKD, which splits accents off their letters): struck or
  // overlaid letters (`a\u0337s\u0337k\u0337`) read as the word they decorate; lookalike letters
  // of other scripts read as the Latin ones they pass for.
  return foldLookalikes(
    sanitizeText(text, 'remove').normalize('NFKD').replace(/\p{M}/gu, '').normalize('NFKC'),
  )
    .toLowerCase()
    .replace(/[ \t\u00A0\u2000-\u200A\u202F\u205F\u3000]+/g, ' ')
    .replace(/[\u2018\u2019\u02BC]/g, "'")
    .replace(/[\u201C\u201D]/g, '"');
}

/** The text base64 runs decode to, when it is mostly printable, joined by newlines. */
function decodeBase64Runs(text: string): string {
  const decoded: string[] = [];
  for (const [run] of text.matchAll(BASE64_RUN)) {
    if (decoded.length === MAX_DECODED_RUNS) break;
    if (run.length % 4 !== 0) continue;
    let plain: string;
    try {
      plain = new TextDecoder('utf-8', { fatal: true }).decode(
        Uint8Array.from(atob(run), (c) => c.charCodeAt(0)),
      );
    } catch {
      continue;
    }
    const printable = plain.replace(/[^\x20-\x7E\n\t\u00A0-\uFFFF]/g, '').length;
    if (printable / plain.length >= 0.9 && /[a-z]{3} [a-z]{2}/i.test(plain)) decoded.push(plain);
  }
  return decoded.join('\n');
}

function allowed(excerpt: string, hosts: readonly string[]): boolean {
  const host = URL_HOST.exec(excerpt)?.[1];
  return host !== undefined && hosts.some((h) => host === h || host.endsWith(`.${h}`));
}

function matchRules(
  text: string,
  hosts: readonly string[],
  rules: readonly InjectionRule[],
): InjectionFinding[] {
  const findings: InjectionFinding[] = [];
  for (const { id, category, pattern, weight } of rules) {
    const match = pattern.exec(text);
    if (!match) continue;
    const excerpt = match[0].trim().slice(0, 80);
    if (category === 'exfiltration' && hosts.length > 0 && allowed(match[0], hosts)) continue;
    findings.push({ rule: id, category, weight, excerpt });
  }
  return findings;
}

/**
 * Scores `text` for prompt-injection patterns: instruction overrides, role-play jailbreaks,
 * system-prompt extraction, exfiltration (images and links to outside URLs, requests to send
 * data), encoded payloads (base64 that decodes to instructions, invisible Unicode tag text),
 * hidden characters and fake conversation boundaries. Each rule counts once; no model is called.
 * A heuristic, not a guarantee: fence untrusted text whatever the score.
 *
 * @throws InvalidArgumentError when `text` is not a string or `threshold` is not in (0, 1].
 * @example
 * ```ts
 * const report = scoreInjection(page);
 * if (report.flagged) log.warn('possible prompt injection', { score: report.score, categories: report.categories });
 * ```
 */
export function scoreInjection(text: string, options: ScoreInjectionOptions = {}): InjectionReport {
  if (typeof text !== 'string') {
    throw new InvalidArgumentError({
      argument: 'text',
      message: `scoreInjection needs a string, got ${typeof text}`,
    });
  }
  const { threshold = 0.5, allowedHosts = [] } = options;
  assertNumber('threshold', threshold, { greaterThan: 0, max: 1 });
  const findings: InjectionFinding[] = [];
  for (const { rule, pattern, min, weight } of HIDDEN) {
    const count = text.match(pattern)?.length ?? 0;
    if (count >= min)
      findings.push({
        rule,
        category: 'hidden-characters',
        weight,
        excerpt: `${count} characters`,
      });
  }
  const normalised = normalise(text);
  findings.push(...matchRules(normalised, allowedHosts, INJECTION_RULES));

  const smuggled = [...text.matchAll(TAG_CHARACTERS)]
    .map(([char]) => String.fromCharCode((char.codePointAt(0) as number) - 0xe0000))
    .join('');
  const decoded = `${decodeBase64Runs(text)}\n${smuggled}`.trim();
  if (decoded !== '') {
    const hidden = matchRules(normalise(decoded), allowedHosts, INJECTION_RULES);
    const [first] = hidden;
    findings.push(
      first
        ? {
            rule: 'decoded-instructions',
            category: 'encoded-payload',
            weight: 0.85,
            excerpt: first.excerpt,
          }
        : {
            rule: 'decoded-text',
            category: 'encoded-payload',
            weight: 0.3,
            excerpt: decoded.slice(0, 80),
          },
    );
  }

  const score = 1 - findings.reduce((rest, { weight }) => rest * (1 - weight), 1);
  return {
    score,
    flagged: score >= threshold,
    categories: [...new Set(findings.map((finding) => finding.category))],
    findings,
  };
}
