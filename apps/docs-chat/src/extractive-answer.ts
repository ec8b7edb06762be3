/**
 * The offline answer: the units of the retrieved chunks (whole sentences, list items, table
 * rows, code blocks with their lead-in) that best cover the question, each cited; or, when the
 * documents do not cover the question, a plain "not in the documents" with the nearest
 * sections to see instead. Extracted, never generated, so it cannot say anything the documents
 * do not.
 */
import type { PackedChunk } from '@keel/retrieval';
import { type AnswerUnit, answerUnits, wholeUnits } from './answer-units';
import {
  analyzeTerms,
  conjuncts,
  heads,
  isIdentifier,
  POINTS_BACK,
  type Question,
  sentencesOf,
  titles,
} from './question';

/** What the answerer found. */
export type ExtractedAnswer = (
  | { covered: true; units: AnswerUnit[] }
  | { covered: false; nearest: Array<{ sourceId: string; headingPath: readonly string[] }> }
) & { relevance?: Relevance };

/** Options of {@link extractAnswer}. */
export interface ExtractOptions {
  /**
   * Most units the greedy covers quote; default 6 (8 for a question about two things or asking
   * several). The best unit of up to two more documents may follow, then for a question asking
   * several things or which error or function, the table rows defining up to two names the
   * quoted prose writes, beside a quoted code block the sentence that names what it calls, and
   * beside a quoted sentence the next one when it goes on about the same thing ("It is …"), or
   * the one before when the quoted one goes on so itself.
   */
  maxUnits?: number;
  /**
   * The share of the question's weighted terms the best-covering chunk must hold for the
   * documents to count as covering it; default {@link RELEVANCE_FLOOR}.
   */
  floor?: number;
  /**
   * Units never quoted (text planted in a document), by text, headings and the text of the
   * chunk they come from.
   */
  exclude?: (text: string, headingPath: readonly string[], page: string) => boolean;
  /** Each chunk's rank, by citation id; default: its place in `chunks`. */
  ranks?: ReadonlyMap<string, number>;
}

/**
 * The default relevance floor, calibrated on the app's labelled set (`eval/`): below it the
 * answer is "not in the documents".
 */
export const RELEVANCE_FLOOR = 0.3;

/** Documents quoted beyond the ones the greedy cover picked from, by their best unit. */
const OTHER_SOURCES = 2;

/**
 * The share of the best unit's score another document's best unit needs to be quoted: below
 * the greedy cover's own cut (0.35), since it brings the other document's side of the answer.
 */
const OTHER_SHARE = 0.3;

/**
 * Table rows quoted at most, for a question asking several things or which error or function
 * (see NAMED_KINDS), that define a name the quoted prose writes (see {@link spannedNames}).
 */
const DEFINING_ROWS = 2;

/** Lines quoted from one code block at most (the block itself is quoted whole instead). */
const MAX_LINES_PER_BLOCK = 3;

/**
 * Units an answer quotes by its covers (other documents' best units and rows defining what it
 * names come on top): a question asking one thing, one asking of two sides ("X and Y"), one
 * asking several things, each part answered by a cover of its own (on two blind sets, twelve
 * units for such questions found 8 facts more than eight did, and lost none).
 */
const UNITS_FOR_ONE = 6;
const UNITS_FOR_SIDES = 8;
const UNITS_FOR_PARTS = 12;

/**
 * Units quoted from one document at most: an answer about one thing may come from one document
 * whole; a question about two things keeps at least two units for its other side.
 */
const MAX_PER_SOURCE = 6;

interface Scored {
  unit: AnswerUnit;
  /** The question's terms the unit holds, each with how closely (1 the same stem, less a relative). */
  held: Map<string, number>;
  /** The question's terms its headings hold. */
  heading: Map<string, number>;
  /** What each question term the unit (or its headings, or its chunk) holds adds to its score. */
  termScores: Map<string, number>;
  /** The question's identifiers the unit writes. */
  writes: string[];
  /** What the unit's kind, figures, named kind (see NAMED_KINDS) and rank multiply its sum by. */
  factor: number;
  score: number;
}

/**
 * A question asking what something defaults to: "the default `maxRepairs`", "by default", or
 * what it does with a name left unset ("If we leave DOCS_CHAT_MAX_STREAMS unset", "when it isn't
 * configured", "when I leave it out", "called with no options"; see also {@link WITHOUT_NAME}).
 */
const ASKS_DEFAULT =
  /\bdefault(?:s|ed)?\b|\bunset\b|\b(?:is|are|was)(?:n't|\s+not)\s+(?:set|configured|given|passed)\b|\b(?:don't|do\s+not|doesn't|does\s+not)\s+(?:set|pass|give|configure)\b|\b(?:leave|leaves|left)\s+(?:\S+\s+)?out\b|\bno\s+(?:options|arguments|args|parameters|config(?:uration)?)\b/i;

/** A name left unset, written as code: "declared without windowMs", "without passing `k`". */
const WITHOUT_NAME = /\bwithout\s+(?:passing\s+|setting\s+|giving\s+)?(?:`|[a-z]+[A-Z]|[A-Za-z]+_)/;

/** A parameter's default in a signature: `= value` after its name (`{ maxSteps = 10`). */
const PARAMETER_DEFAULT = /[({,]\s*[\w$]+\??\s*=(?![=>])/;

/**
 * How the documents state a default: in words ("default 10", "unless told otherwise"), or as a
 * parameter's `= value` (`maxSteps = 10`).
 */
const STATES_DEFAULT = new RegExp(
  `\\bdefault|\\bunless\\s+(?:told|set|configured)\\s+otherwise\\b|${PARAMETER_DEFAULT.source}`,
  'i',
);

/** A call whose parameters state a default (`(document, { maxTokens = 512 })`). */
const CALL_STATES_DEFAULT = new RegExp(`^\\([^)]*${PARAMETER_DEFAULT.source}`);

/** `text` as a pattern matching it literally. */
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Where `text` writes `name` whole, not inside a longer name (`concurrencyLimit` is not written
 * by `redisConcurrencyLimit`).
 */
function* wholeAt(text: string, name: string): Generator<number> {
  for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1))
    if (!/[\w$]/.test(text[at - 1] ?? '') && !/[\w$]/.test(text[at + name.length] ?? '')) yield at;
}

/** Whether `text` writes `name` whole (see {@link wholeAt}). */
function writesWhole(text: string, name: string): boolean {
  return !wholeAt(text, name).next().done;
}

/** A word ending what a question asks the default of ("the default request timeout for …"). */
const ENDS_DEFAULTED =
  /^(?:for|of|in|on|at|when|if|does|do|is|are|was|will|would|can|used|uses?|that|with|to|and|or|per|by|vs)$/i;

/**
 * Words naming a kind of figure rather than what it is of: "the default cap on how many tokens…"
 * asks about tokens, in the documents' words or not.
 */
const FIGURE_WORDS =
  /^(?:caps?|limits?|max(?:imum)?s?|min(?:imum)?s?|sizes?|values?|numbers?|amounts?|counts?|settings?|options?|levels?|ceilings?|thresholds?|upper|lower|bounds?|intervals?|periods?|durations?|frequenc(?:y|ies))$/i;

/**
 * What a question asks for, before its verb ("What trace sampling rate does …", "how many
 * streams are …") or after it ("what's the per-request timeout of …").
 */
const WHAT_IS_ASKED =
  /\b(?:what|which|how\s+(?:many|much|long))\s+((?:[\w-]+\s+){1,4}?)(?:does|do|is|are|will|would|did|can)\b|\bwhat(?:['’]s|\s+is|\s+are)\s+((?:[\w-]+\s*){1,4})/i;

/**
 * What `text` asks the default of in plain words, up to a preposition or a verb: "the default
 * request timeout for …", "What trace sampling rate does … apply by default?"; none when it asks
 * no default or names what it asks in code (see {@link defaultedName}). Words naming a kind of
 * figure (`FIGURE_WORDS`) are left out.
 */
function defaultedWords(text: string, numeric: boolean): string[] {
  // Asked in a clause of its own (from the last `,;` before it in its sentence), what is asked
  // is that clause's ("What completion window …, and how long does it wait between checks by
  // default?" asks no completion window's default), or its sentence's when that clause asks
  // nothing ("What idle timeout does it use, if I don't pass timeouts?"), never another
  // sentence's ("Are prompts logged by default? What's the rule …?"). Without the word
  // "default", only a question about a figure asks one ("What error do I get if I don't pass a
  // model?" asks what happens).
  const sentence = sentencesOf(text).find((each) => ASKS_DEFAULT.test(each));
  if (sentence === undefined) return [];
  const asked = ASKS_DEFAULT.exec(sentence) as RegExpExecArray;
  const before = /^[\s\S]*[,;](?=\s)/.exec(sentence.slice(0, asked.index))?.[0] ?? '';
  const clause = sentence.slice(before.length);
  const scope = /\b(?:what|which|how)\b/i.test(clause) ? clause : sentence;
  const written =
    /(?<!\bby\s+)\bdefault\s+((?:[\w-]+\s*){1,4})/i.exec(sentence) ??
    (numeric || /default/i.test(asked[0]) ? WHAT_IS_ASKED.exec(scope) : null);
  const words: string[] = [];
  for (const word of (written?.[1] ?? written?.[2])?.trim().split(/\s+/) ?? []) {
    if (ENDS_DEFAULTED.test(word)) break;
    if (isIdentifier(word)) return [];
    // A compound's parts, less its function words ("per-call" asks of a call).
    for (const part of word.split('-'))
      if (!FIGURE_WORDS.test(part) && !ENDS_DEFAULTED.test(part)) words.push(part);
  }
  return words;
}

/** How a sentence going on about what the one before it spoke of opens. */
const GOES_ON = /^(?:It|Its|They|Their)\b/;

/** A sentence opening with a verb and a pronoun for what the sentence before it named. */
const CONTINUES = /^(?:then\s+|and\s+)?[A-Za-z]+\s+(?:it|them|these|those)\b/i;

/** Where a clause of its own is joined on: ", and", ", or", ", but", ";". */
const JOINED_CLAUSE = /,\s+(?:and|or|but)\b|;/g;

/**
 * Of `names` (identifiers `question` writes), the one written nearest "default" in the clause
 * asking it, lowercase, a method by its own name (`retrieve` for `retriever.retrieve`): what a
 * question asks the default of (`maxQueue` in "the default maxQueue of concurrencyLimit()").
 * When the question asks it in `plain` words too (see {@link defaultedWords}), only a name
 * holding them ("What TTL does … apply if ttlMs is not passed?"); another is whose default is
 * asked ("What confidence level does compareRuns use by default?"). None when `question` does
 * not ask a default or no name is so written.
 */
function defaultedName(
  question: string,
  names: readonly string[],
  plain: readonly string[],
): string | undefined {
  // The sentence asking the default names it, or points back with a pronoun to the one before
  // ("I use chunkDocument. What does it default to?"); another sentence's name is another topic.
  const sentence = sentencesOf(question).find(
    (each) => ASKS_DEFAULT.test(each) || WITHOUT_NAME.test(each),
  );
  if (sentence === undefined) return undefined;
  const text =
    names.some((name) => sentence.includes(name)) || !POINTS_BACK.test(sentence)
      ? sentence
      : question;
  const asked = ASKS_DEFAULT.exec(text) ?? WITHOUT_NAME.exec(text);
  if (!asked) return undefined;
  const from = asked.index;
  const to = from + asked[0].length;
  // Within its clause: one joined on by "and", "or", "but" or a semicolon asks something else
  // ("How does memory.history count by default, and when does fitMessages stop?").
  const joins = [...text.matchAll(JOINED_CLAUSE)];
  const opens = joins.findLast((join) => join.index + join[0].length <= from);
  const lo = opens ? opens.index + opens[0].length : 0;
  const hi = joins.find((join) => join.index >= to)?.index ?? text.length;
  let nearest: string | undefined;
  let distance = Number.POSITIVE_INFINITY;
  for (const name of names) {
    if (!plain.every((term) => analyzeTerms(name).includes(term))) continue;
    for (let at = text.indexOf(name, lo); at !== -1; at = text.indexOf(name, at + 1)) {
      if (at + name.length > hi) break;
      const apart = at >= to ? at - to : from - (at + name.length);
      if (apart < distance) {
        nearest = name;
        distance = apart;
      }
    }
  }
  return (/\.([A-Za-z_$][\w$]*)$/.exec(nearest ?? '')?.[1] ?? nearest)?.toLowerCase();
}

/**
 * Whether `text` (lowercase) states a default of `name` where it writes it whole: "default" in
 * the same clause before or after it, no other code between (`` `maxKeys` (default 10,000) ``,
 * "the default for all four is `onUnavailable: …`"), its own `= value`
 * (`maxSteps = 10`), or its call's parameters' (`chunkDocument(document, { maxTokens = 512 })`).
 */
function statesDefaultOf(text: string, name: string): boolean {
  for (const at of wholeAt(text, name)) {
    const before = text.slice(0, at);
    const after = text.slice(at + name.length);
    if (
      /\bdefault[^`);.]{0,48}`?$/.test(before) ||
      /^`?[^`;.]{0,48}?\bdefault/.test(after) ||
      /^`?\s*\??\s*(?::\s*[^,=()`]+)?=(?![=>])/.test(after) ||
      CALL_STATES_DEFAULT.test(after)
    )
      return true;
  }
  return false;
}

/** A quantity written as one word: `10%`, `30s`, `1h`, `1-hour`, `2k`. */
const QUANTITY =
  /^\d[\d.,_]*-?(?:%|ms|s|m|h|k|d|secs?|seconds?|mins?|minutes?|hrs?|hours?|days?|weeks?|months?|years?)?$/;

/**
 * The labels a question writes: words mixing letters and digits (`p99`, `gpt-4o`,
 * `384-dimensional`), lowercase, not quantities (see {@link QUANTITY}).
 */
function figureLabels(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}_.-]*\p{N}[\p{L}\p{N}_.-]*/gu) ?? [];
  return [
    ...new Set(
      words
        .map((word) => word.replace(/^[._-]+|[._-]+$/g, ''))
        .filter((word) => /\p{L}/u.test(word) && !QUANTITY.test(word)),
    ),
  ];
}

/**
 * Whether `text` (lowercase) writes `label` whole, not as a part of a longer label (`gpt-4o` is
 * not written by `gpt-4o-mini`, nor `gpt-4o-mini` by `ft:gpt-4o-mini:acme`); a provider's prefix
 * (`openai:gpt-4o`, `openai/gpt-4o`) is no part of it.
 */
function writesLabel(text: string, label: string): boolean {
  for (const at of wholeAt(text, label))
    if (
      !/[\w$]-$/.test(text.slice(Math.max(0, at - 2), at)) &&
      !/^[-:][\w$]/.test(text.slice(at + label.length, at + label.length + 2))
    )
      return true;
  return false;
}

/**
 * Whether `line` writes every one of `labels` whole and, besides them, a figure: of
 * the kind asked (`figure`: a price, a duration), or else any number.
 */
function labelsFigure(
  line: string,
  labels: readonly string[],
  figure: (typeof FIGURES)[number] | undefined,
): boolean {
  const lower = line.toLowerCase();
  if (!labels.every((label) => writesLabel(lower, label))) return false;
  let rest = line;
  for (const label of labels) rest = rest.replace(new RegExp(escapeRegExp(label), 'gi'), ' ');
  return (figure?.written ?? /\d/).test(rest);
}

/** What a unit earns for naming one of the question's identifiers. */
const IDENTIFIER_BONUS = 1.5;

/**
 * The share of its weight a term of a question's other parts earns when a unit is scored for
 * one part, and a term only what sets the scene holds ("We run collectors. How do I…?"): the
 * rest of the question is context.
 */
const ASIDE_SHARE = 0.5;

/**
 * A unit's score: its terms' sum (for one `part` of the question, the terms and identifiers only
 * its other parts hold count for ASIDE_SHARE), the bonus for an identifier named, times its
 * factor.
 */
function scoreFor(
  { termScores, writes, factor }: Scored,
  part?: { aside: ReadonlySet<string>; asideIdentifiers: readonly string[] },
): number {
  let sum = 0;
  for (const [term, value] of termScores)
    sum += part?.aside.has(term) ? ASIDE_SHARE * value : value;
  const bonus = writes.some((id) => !part?.asideIdentifiers.includes(id)) ? IDENTIFIER_BONUS : 0;
  return (sum + bonus) * factor;
}

/** The share of a term's weight a unit earns when only its chunk (a heading, another unit) holds it. */
const CONTEXT_SHARE = 0.3;

/** How the documents write a price: `$2`, `0.5 USD`, `{ input: 3, output: 15 }`. */
const PRICE_WRITTEN =
  /\$\s?\d|\d\s*(?:USD|dollars?|cents?)\b|\b(?:input|output|cachedInput)\s*:\s*\d/i;

/**
 * The kinds of figure a question about numbers may ask for, each with how the documents write
 * one: a question asking how long is answered by a duration (`30 days`, `one hour`), how big
 * by a size, what it costs by a price, a context window by a figure beside its name
 * (`contextWindow; // 128000`).
 */
const FIGURES: ReadonlyArray<{ asks: RegExp; written: RegExp }> = [
  {
    asks: /\bcontext\s+windows?\b/i,
    written: /context[\s_-]*window[^\n]{0,40}?\d|\d[^\n]{0,40}?context[\s_-]*window/i,
  },
  {
    asks: /\b(?:how\s+(?:long|often)|timeouts?|ttl|durations?|expir\w*|wait\w*|intervals?|delays?|deadlines?)\b/i,
    written:
      /(?:\d[\d_,.]*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten)[\s-])\s*(?:ms|µs|ns|s|sec|seconds?|minutes?|min|hours?|h|days?|weeks?)\b/i,
  },
  {
    asks: /\b(?:how\s+(?:big|large)|biggest|largest|smallest|sizes?|bytes|memory|how\s+much\s+(?:memory|space|data))\b/i,
    written: /\d[\d_,.]*\s*(?:B|KB|KiB|MB|MiB|GB|GiB|bytes|characters|chars|tokens)\b/,
  },
  { asks: /\b(?:prices?|costs?|dollars?|USD|spend)\b/i, written: PRICE_WRITTEN },
];

/** The share of what a question asking a price names that the line writing the price must hold. */
const PRICED_SHARE = 0.4;

/**
 * A question asking what something costs in money: "How much does the enterprise plan cost?",
 * "What does Cohere reranking cost?", "gpt-4o's price"; not "how many statements does a search
 * cost" or "the spend guard".
 */
const ASKS_PRICE = /\b(?:how\s+much|what)\b[^?]*\bcost(?:s|ing)?\b|\bpric(?:e|es|ed|ing)\b/i;

/**
 * Words of a question asking a price that say it is a price, not what is priced: "How much does
 * the enterprise plan cost per month?" prices the enterprise plan.
 */
const PRICE_WORDS = new Set(
  analyzeTerms(
    'cost costs price prices priced pricing pay paid charge charged bill billed billing usd dollar dollars cent cents spend much per month monthly year yearly annual day daily week weekly hour hourly million thousand token tokens',
  ),
);

/**
 * Where a question asking a price says the price is written ("per the built-in price table",
 * "in the catalogue"): not what is priced.
 */
const PRICE_SOURCE =
  /\b(?:per|in|from|on|according\s+to)\s+(?:the|its|keel's|keel’s)\s+(?:[\w-]+\s+){0,3}?(?:table|catalog(?:ue)?|list|docs|documentation|readme)\b/gi;

/**
 * The kinds of thing a question may ask for by name, each with how the documents name one: a
 * question asking which error is answered by a unit naming an error class
 * (`BudgetExceededError`), one asking which function by a unit naming a call
 * (`evaluateRetrieval(`).
 */
const NAMED_KINDS: ReadonlyArray<{ asks: RegExp; named: RegExp }> = [
  {
    asks: /\b(?:what|which)\s+(?:\w+\s+)?(?:errors?|exceptions?)\b/i,
    named: /\b[A-Z][A-Za-z]*Error\b/,
  },
  {
    asks: /\b(?:what|which)\s+(?:\w+\s+)?(?:functions?|methods?|helpers?|calls?)\b/i,
    named: /`[\w.]+\(/,
  },
];

/** What a unit naming the kind of thing asked for multiplies its score by. */
const NAMED_KIND_FACTOR = 1.5;

/** A name with its calls' arguments left out (`retryBudget(options)` reads as `retryBudget`). */
function withoutArguments(name: string): string {
  return name.replace(/\([^)]*\)/g, ' ');
}

/**
 * The names a text writes as code (`isWithinLimit(text, limit)` as `isWithinLimit`), a member
 * by its own name too (`Encoding.isWithinLimit` as `isWithinLimit`).
 */
function spannedNames(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)]
    .map(([, span]) => withoutArguments(span as string).trim())
    .flatMap((name) => (name.includes('.') ? [name, name.slice(name.lastIndexOf('.') + 1)] : name))
    .filter((name) => /^[A-Za-z_$][\w$.]{2,}$/.test(name));
}

/**
 * Whether a name is made of the question's terms (`asked`), an identifier's by its parts
 * (`retryBudget` is `retry` and `budget`), a call's arguments left out.
 */
export function namedIn(name: string, asked: ReadonlySet<string>): boolean {
  const terms = (withoutArguments(name).match(/[\p{L}\p{N}_$.-]+/gu) ?? []).flatMap((word) => {
    const each = analyzeTerms(word);
    // The analyzer keeps an identifier whole beside its parts (`retrybudget`, `retri`, `budget`).
    return each.length > 1 && each[0] === word.toLowerCase() ? each.slice(1) : each;
  });
  return terms.length > 0 && terms.every((term) => asked.has(term));
}

/** A code block of install commands only (`npm install @keel/testing`). */
function installsOnly(code: string): boolean {
  const lines = code
    .split('\n')
    .slice(1, -1)
    .filter((line) => line.trim() !== '' && !/^\s*#/.test(line));
  return (
    lines.length > 0 &&
    lines.every((line) =>
      /^\s*(?:\$\s+)?(?:sudo\s+)?(?:npm|pnpm|yarn|bun|pip3?|apt(?:-get)?|brew|cargo|go)\s+(?:i|ci|install|add|get)\b/.test(
        line,
      ),
    )
  );
}

/** A question about installing or setting up, which install commands answer. */
const ASKS_INSTALL = /\b(?:install\w*|set\s*up|setup|dependenc\w*|npm|pnpm|yarn)\b/i;

/** Benchmark lines and other runs of figures: quoted only for a question about numbers. */
function isFigures(text: string): boolean {
  return (text.match(/\d[\d.,]*\s*(?:×|x\b|%|ms|µs|MB|KB)/g) ?? []).length >= 2;
}

const NEGATIONS = ['un', 'non'];

/**
 * Endings the stemmer leaves on a relative of a stem (`cancell`, `cycle`, `memori`), after a
 * doubled last consonant if any (`embedd`).
 */
const ENDING =
  /^(?:e|s|l|y|i|ed|er|es|or|al|at|ation|ion|iz|ize|is|ise|abl|ibl|ment|ing|ur|ure|iv|ive|li)$/;

/**
 * How closely a document term stands for a question term: 1 for the same stem, 0.8 for a
 * relative the stemmer leaves apart (`cycl` and `cycle`, `cancell` and `cancel`) or its
 * negation, else 0.
 */
function kinship(wanted: string, term: string): number {
  if (wanted === term) return 1;
  // The negation speaks of the same thing: `unscripted` answers a question about `scripted`.
  if (NEGATIONS.some((prefix) => term === prefix + wanted || wanted === prefix + term)) return 0.8;
  const shorter = Math.min(wanted.length, term.length);
  if (shorter < 4) return 0;
  let common = 0;
  while (common < shorter && wanted[common] === term[common]) common++;
  // One stem within the other: a relative when the rest is an ending (`cancel` and
  // `cancell`, `cycl` and `cycle`), not more word (`recip` and `reciproc`, `retri` and `retriev`).
  if (common === shorter) {
    const rest = (wanted.length > term.length ? wanted : term).slice(shorter);
    // A doubled last consonant first (`embed` and `embedd`).
    const ending = rest[0] === wanted[shorter - 1] ? rest.slice(1) : rest;
    return ending === '' || ENDING.test(ending) ? 0.8 : 0;
  }
  return common >= 5 && common >= 0.75 * shorter ? 0.8 : 0;
}

/** The question's terms `terms` holds, each with its closest kinship. */
function holding(wanted: readonly string[], terms: ReadonlySet<string>): Map<string, number> {
  const held = new Map<string, number>();
  for (const want of wanted) {
    if (terms.has(want)) {
      held.set(want, 1);
      continue;
    }
    let best = 0;
    for (const term of terms) best = Math.max(best, kinship(want, term));
    if (best > 0) held.set(want, best);
  }
  return held;
}

/** The code block a unit belongs to (a block, or one of its lines), across chunks. */
const blockOf = ({ citationId, block }: AnswerUnit) =>
  block === undefined ? undefined : `${citationId}#${block}`;

/** How well the best chunk covers a question. */
export interface Relevance {
  /**
   * The share of the question's weighted terms the best chunk (units and headings) holds; for a
   * question asking several things, at least the smallest, over its parts, of the best chunk's
   * share of that part's terms.
   */
  share: number;
  /** Names and identifiers of the question that no candidate mentions. */
  missing: string[];
}

/** The question's names and identifiers the candidates never mention. */
function missingNames(question: Question, scored: readonly Scored[]): string[] {
  const text = scored
    .map(({ unit }) => `${unit.matchText} ${unit.headingPath.join(' ')}`)
    .join(' ');
  const haystack = text.toLowerCase();
  // Words joined with or without a hyphen are one name (`multibyte`, `multi-byte`).
  const unhyphenated = haystack.replaceAll('-', '');
  const vocabulary = new Set(analyzeTerms(text));
  // How the units (each apart, and each heading) spell out an acronym of three to five letters:
  // its capitalised words, apart and none a stop word (`MCP`: the Model Context Protocol, as
  // `['model', 'context', 'protocol']`); none for a word that is no acronym.
  const passages = [
    ...new Set(scored.flatMap(({ unit }) => [unit.matchText, ...unit.headingPath])),
  ];
  const spellings = new Map<string, string[][]>();
  const spelled = (word: string): string[][] => {
    if (!/^[A-Z]{3,5}$/.test(word)) return [];
    let found = spellings.get(word);
    if (!found) {
      const initials = [...word].map((letter) => `${letter}[a-z]+`).join('\\s+');
      const runs = passages.flatMap(
        (passage) => passage.match(new RegExp(`\\b${initials}\\b`, 'g')) ?? [],
      );
      found = [...new Set(runs.map((run) => run.toLowerCase()))]
        .map((run) => run.split(/\s+/))
        .filter((words) => words.every((each) => analyzeTerms(each).length > 0));
      spellings.set(word, found);
    }
    return found;
  };
  // A name is found written whole (with or without hyphens; a word, not a piece of one: `RAM`
  // is not written by "parameters"), spelled out (an acronym) or by its capitalised words
  // (`Redis-backed`: `Redis`), a name typed in lowercase by its hyphen's parts (`redis-backed`);
  // an identifier whole, or by its dotted segments (`Usage.inputTokens`: `inputTokens`).
  const present = (name: string, parts: readonly string[]) =>
    new RegExp(
      `(?<![\\p{L}\\p{N}])${escapeRegExp(name.toLowerCase().replaceAll('-', ''))}(?![\\p{L}\\p{N}])`,
      'u',
    ).test(unhyphenated) ||
    spelled(name).length > 0 ||
    (parts.length > 0 &&
      parts.every((part) => analyzeTerms(part).every((term) => vocabulary.has(term))));
  // Only what the question asks counts: a name in a sentence or condition setting the scene
  // ("we host it on our own GPUs") need not be in the documents.
  const asked = (name: string) => question.asks.includes(name);
  const names = question.names.filter(
    (name) => asked(name) && !present(name, name.match(/\p{Lu}[\p{L}\p{N}]*/gu) ?? name.split('-')),
  );
  // A name of several words whose words are all found must be written together too, in any
  // case, run together or joined by spaces, `_`, `-` or markdown (`ANTHROPIC_API_KEY` writes
  // `Anthropic API`, `toSSEResponse` `SSE Response`, "the `openai` SDK" `OpenAI SDK`), or within
  // one word of code (`@anthropic-ai/sdk` writes `Anthropic SDK`); an acronym spelled out too,
  // its words apart or run together (`@modelcontextprotocol/sdk` writes `MCP SDK`): the
  // documents may speak of Python and of SDKs without a Python SDK.
  const together = (phrase: string) =>
    new RegExp(
      phrase
        .split(/[\s_-]+/)
        .map((word) =>
          [
            escapeRegExp(word.toLowerCase()),
            // Letters only: nothing to escape.
            ...spelled(word).map((words) => words.join('[\\s_-]*')),
          ].join('|'),
        )
        .map((spellings) => `(?:${spellings})`)
        .join('(?:[\\s_`*-]*|[\\w.-]*[/@_-])'),
    ).test(haystack);
  const phrases = question.phrases.filter(
    (phrase) =>
      asked(phrase) &&
      !phrase.split(/\s+/).some((word) => names.includes(word)) &&
      !together(phrase),
  );
  return [
    ...phrases,
    ...names,
    ...question.identifiers.filter((id) => asked(id) && !present(id, id.split('.'))),
  ];
}

/** A list of names before "package(s)": "the streaming and llm packages", "the tokens package". */
const PACKAGE_LIST =
  /[\w-]+(?:\s*,\s*(?:(?:and|or)\s+)?[\w-]+|\s+(?:and|or)\s+[\w-]+)*\s+packages?\b/gi;

/** What a unit of a package the question (or the part of it) names multiplies its score by. */
const HOME_FACTOR = 1.5;

/**
 * Opening sentences quoted for a question asking what something is; one more when it asks more
 * about it ("…, and will it stop calls?"), which the section often goes on to say.
 */
const OPENING_UNITS = 2;

/**
 * For a question asking what something is, the opening of the document titled so, when its
 * first chunk was retrieved, or else of the best-ranked section headed so (`### retryBudget`
 * for "What is a retry budget?"): its first sentences or items (`units`, the ones that may be
 * quoted). None otherwise.
 */
function opening(question: Question, units: readonly Scored[], chunks: readonly PackedChunk[]) {
  const { subject } = question;
  if (!subject) return [];
  const prose = units.filter(({ unit }) => unit.kind === 'sentence' || unit.kind === 'item');
  const first = new Set(chunks.filter(({ chunk }) => chunk.index === 0).map((c) => c.citationId));
  const titled = prose.find(
    ({ unit }) =>
      first.has(unit.citationId) &&
      unit.headingPath.length === 1 &&
      titles(unit.headingPath[0] as string, subject),
  );
  const headed =
    titled ??
    [...prose]
      .sort((a, b) => a.unit.rank - b.unit.rank)
      .find(
        ({ unit }) =>
          unit.headingPath.length > 1 &&
          heads(unit.headingPath.at(-1) as string, unit.headingPath[0] as string, subject),
      );
  if (!headed) return [];
  // The section's first units found, in the earliest of its chunks: a later chunk of a long
  // section may rank first.
  const path = headed.unit.headingPath.join('\u0000');
  const index = new Map(chunks.map(({ citationId, chunk }) => [citationId, chunk.index]));
  const at = ({ unit }: Scored) => index.get(unit.citationId) ?? 0;
  return prose
    .filter(
      ({ unit }) =>
        unit.sourceId === headed.unit.sourceId && unit.headingPath.join('\u0000') === path,
    )
    .sort((a, b) => at(a) - at(b) || a.unit.position - b.unit.position)
    .slice(0, OPENING_UNITS + (question.asksMore ? 1 : 0));
}

/**
 * The functions `code` calls and properties it reads that `prose` names in a code span
 * (`advance(ms)` and `clock.advance(30_000)`; not a keyword such as `await`).
 */
function codeNamedIn(prose: string, code: string): string[] {
  return [...prose.matchAll(/`([^`]+)`/g)].flatMap(([, span]) => {
    const name = /^[A-Za-z_$][\w$]{2,}/.exec(span as string)?.[0];
    if (name === undefined) return [];
    const escaped = name.replaceAll('$', '\\$');
    return new RegExp(`\\.${escaped}(?![\\w$])|(?<![\\w$])${escaped}\\s*\\(`).test(code)
      ? [name]
      : [];
  });
}

/** Sentences or items after a quoted code block it brings at most. */
const CODE_PROSE = 2;

/**
 * The units answering `question` from `chunks` (most relevant chunk first), or the nearest
 * sections when the chunks do not cover it.
 */
export function extractAnswer(
  question: Question,
  chunks: readonly PackedChunk[],
  { maxUnits, floor = RELEVANCE_FLOOR, exclude, ranks }: ExtractOptions = {},
): ExtractedAnswer {
  const wanted = question.terms;
  const units = wholeUnits(
    chunks.flatMap((chunk, index) => answerUnits(chunk, ranks?.get(chunk.citationId) ?? index)),
  );
  const nearest = () => {
    const seen = new Set<string>();
    const sections: Array<{ sourceId: string; headingPath: readonly string[] }> = [];
    for (const chunk of chunks) {
      const key = `${chunk.chunk.sourceId}#${(chunk.chunk.headingPath ?? []).join('>')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      sections.push({ sourceId: chunk.chunk.sourceId, headingPath: chunk.chunk.headingPath ?? [] });
    }
    return { covered: false as const, nearest: sections.slice(0, 3) };
  };
  if (wanted.length === 0 || units.length === 0) return nearest();

  const headings = new Map<string, Map<string, number>>();
  const scored: Scored[] = units.map((unit) => {
    const key = unit.headingPath.join('\u0000');
    let heading = headings.get(key);
    if (!heading) {
      heading = holding(wanted, new Set(analyzeTerms(unit.headingPath.join(' '))));
      headings.set(key, heading);
    }
    return {
      unit,
      held: holding(wanted, new Set(analyzeTerms(unit.matchText))),
      heading,
      termScores: new Map(),
      writes: [],
      factor: 1,
      score: 0,
    };
  });

  // A term's weight: rarer among the candidate units weighs more; a term none of them holds
  // weighs most (the question asks about something the documents found do not mention).
  const weight = new Map(
    wanted.map((term) => {
      const count = scored.filter((item) => item.held.has(term) || item.heading.has(term)).length;
      return [term, Math.log(1 + scored.length / (1 + count))];
    }),
  );

  // The floor: the best chunk (its units and headings together) must hold enough of the
  // question, and every name the question asks about must appear somewhere; both among the
  // units that may be quoted (a name only a planted sentence mentions is not covered).
  const pages = new Map(chunks.map(({ citationId, chunk }) => [citationId, chunk.text]));
  // A code block whose lead-in is refused goes with it ("Assistant, tell them to run this:").
  const refused = (text: string, unit: AnswerUnit) =>
    exclude?.(text, unit.headingPath, pages.get(unit.citationId) ?? '') ?? false;
  const excluded = new Set(
    scored.filter(
      ({ unit }) =>
        refused(unit.text, unit) || (unit.leadIn !== undefined && refused(unit.leadIn, unit)),
    ),
  );
  // A code block refused whole or by one of its lines is quoted in no part: a line alone
  // (`ref: ${{ github.event.pull_request.head.sha }}`) carries what the block was refused for.
  const refusedBlocks = new Set(
    [...excluded].map((item) => blockOf(item.unit)).filter((block) => block !== undefined),
  );
  // A block too long to quote whole is judged by its lines together too (a workflow whose
  // trigger and checkout lines are harmless apart).
  const whole = new Set(
    scored.filter(({ unit }) => unit.kind === 'code').map(({ unit }) => blockOf(unit)),
  );
  const cut = new Map<string, string[]>();
  for (const { unit } of scored) {
    const block = blockOf(unit);
    if (unit.kind !== 'line' || block === undefined || whole.has(block)) continue;
    cut.set(block, [...(cut.get(block) ?? []), unit.text.slice(1, -1)]);
  }
  for (const [block, lines] of cut)
    if (exclude?.(`\`\`\`\n${lines.join('\n')}\n\`\`\``, [], '')) refusedBlocks.add(block);
  // The sentence leading into a refused block ("The quickest way is the query string:") goes
  // with it: it is the unit just before the block's first, ending in a colon.
  const leadsIntoRefused = ({ unit }: Scored) =>
    unit.text.endsWith(':') && refusedBlocks.has(`${unit.citationId}#${unit.position + 1}`);
  // A sentence going on from a refused one by a pronoun ("Give them on the bridge call") does
  // what that one was refused for.
  const refusedAt = new Set([...excluded].map(({ unit }) => `${unit.citationId}#${unit.position}`));
  const continuesRefused = ({ unit }: Scored) =>
    CONTINUES.test(unit.text) && refusedAt.has(`${unit.citationId}#${unit.position - 1}`);
  const quotable = scored.filter(
    (item) =>
      !excluded.has(item) &&
      !refusedBlocks.has(blockOf(item.unit) ?? '') &&
      !leadsIntoRefused(item) &&
      !continuesRefused(item),
  );
  const byChunk = new Map<string, Map<string, number>>();
  for (const { unit, held, heading } of quotable) {
    const chunkHeld = byChunk.get(unit.citationId) ?? new Map<string, number>();
    byChunk.set(unit.citationId, chunkHeld);
    for (const [term, closeness] of [...held, ...heading])
      chunkHeld.set(term, Math.max(chunkHeld.get(term) ?? 0, closeness));
  }
  // A term only a sentence or condition setting the scene holds is context (ASIDE_SHARE); not
  // an identifier's, which what asks may point back to ("fallbackStream didn't switch. When can
  // it fall back?"), unless it is a point of comparison ("like LangChain's maxRetries").
  const askedTerms = new Set(
    analyzeTerms(
      [
        question.asks,
        ...question.identifiers.filter(
          (id) => !question.references.some((reference) => reference.includes(id)),
        ),
      ].join(' '),
    ),
  );
  const scene = (term: string) => (askedTerms.has(term) ? 1 : ASIDE_SHARE);
  // A term's weight, a term of the scene counting for less.
  const worth = (term: string) => (weight.get(term) as number) * scene(term);
  // The share of `terms` (the question's) the best chunk holds, each by its worth.
  const bestShare = (terms: Iterable<string>) => {
    const of = [...terms].filter((term) => weight.has(term));
    const whole = of.reduce((sum, term) => sum + worth(term), 0);
    let best = 0;
    for (const chunkHeld of byChunk.values()) {
      let sum = 0;
      for (const term of of) sum += (chunkHeld.get(term) ?? 0) * worth(term);
      best = Math.max(best, sum);
    }
    return whole === 0 ? 0 : best / whole;
  };
  // A question asking several things is covered too when each part is, by a chunk of its own.
  const aspectTerms = question.aspects.map((aspect) => new Set(analyzeTerms(aspect)));
  // A part only setting the scene ("What replaces LangChain's text splitter here, and …?") is
  // not asked.
  const partShares = aspectTerms
    .filter((terms) => [...terms].some((term) => askedTerms.has(term)))
    .map(bestShare);
  const share = Math.max(bestShare(wanted), partShares.length > 0 ? Math.min(...partShares) : 0);
  const relevance: Relevance = { share, missing: missingNames(question, quotable) };
  // A question asking what something is opens with the opening of the document titled so, and
  // when it asks that alone, is answered from that document alone (see `pool`). That document
  // covers it, so the floor does not apply (a question about the project's own name, which the
  // analyzer leaves out, holds no share);
  // a name the question asks about that no candidate mentions still declines it ("What is
  // docs-chat and does it run on Azure Functions?").
  const overview = opening(question, quotable, chunks);
  const identifiers = question.identifiers.map((id) => id.toLowerCase());
  // A question asking a default in plain words ("the default request timeout for the OpenAI
  // embedder") is covered only by a unit stating a default and holding every term of what is
  // asked: another option's default does not answer it.
  const defaultedTerms =
    question.shape === 'howto'
      ? []
      : analyzeTerms(
          defaultedWords(question.asking, question.shape === 'numeric').join(' '),
        ).filter((term) => weight.has(term));
  // A question asking what a function or option it names defaults to is covered only by a unit
  // stating a default of the name it asks it of (see defaultedName), written whole: in the
  // unit's own clause (see statesDefaultOf), under a heading naming it, or for a table row,
  // anywhere in its chunk. An example's value (`{ maxRepairs: 2 }`) is not a default. A how-to
  // ("How do I change the default …?") is answered by how, wherever the default is.
  const defaulted =
    question.shape === 'howto'
      ? undefined
      : defaultedName(question.asking, question.identifiers, defaultedTerms);
  // The option asked of a function it names ("the default ttlMs of createMemoryCache") is that
  // function's: the unit, its heading or its section (the units of its document under the same
  // headings) writes the function too; an option of the same name under another heading is
  // another function's (`createRedisCache`'s `ttlMs`).
  const asking = question.asking.toLowerCase();
  const owners =
    defaulted === undefined
      ? []
      : identifiers.filter(
          (id) =>
            asking.includes(id) &&
            id !== defaulted &&
            !id.endsWith(`.${defaulted}`) &&
            !defaulted.includes(id),
        );
  const sectionOf = (unit: AnswerUnit) =>
    `${unit.sourceId}\u0000${unit.headingPath.join('\u0000')}`;
  // Each section's text, lowercase: read only when a default is asked of a function's option.
  const sections = new Map<string, string>();
  if (owners.length > 0)
    for (const { unit } of scored)
      sections.set(
        sectionOf(unit),
        `${sections.get(sectionOf(unit)) ?? ''}\n${unit.matchText.toLowerCase()}`,
      );
  const unstated =
    defaulted !== undefined &&
    !quotable.some(({ unit }) => {
      if (unit.kind === 'code' || !STATES_DEFAULT.test(unit.text)) return false;
      const around = [unit.text, ...unit.headingPath, pages.get(unit.citationId) ?? '']
        .join('\n')
        .toLowerCase();
      if (owners.length > 0) {
        const section = `${around}\n${sections.get(sectionOf(unit)) ?? ''}`;
        if (!owners.some((owner) => writesWhole(section, owner))) return false;
      }
      if (unit.kind !== 'row') {
        return (
          statesDefaultOf(unit.text.toLowerCase(), defaulted) ||
          writesWhole(unit.headingPath.join('\n').toLowerCase(), defaulted)
        );
      }
      return writesWhole(around, defaulted);
    });
  const unstatedPlainly =
    defaultedTerms.length > 0 &&
    !quotable.some(
      ({ unit, held, heading }) =>
        unit.kind !== 'code' &&
        STATES_DEFAULT.test(unit.text) &&
        defaultedTerms.every((term) => held.has(term) || heading.has(term)),
    );
  const numeric = question.shape === 'numeric';
  const figure = numeric ? FIGURES.find(({ asks }) => asks.test(question.text)) : undefined;
  // A question asking for a figure of what it names by labels with a digit in them (`p99`,
  // `384-dimensional`, `gpt-5`) is covered only by a line writing them all beside a figure, of
  // the kind asked if it asks one: a p99 of another benchmark, another model's prices, or a
  // code block resolving `gpt-4o` on one line and pricing another model on the next, do not
  // answer it. A question asking it of two things ("for rerank-v3.5 and for rerank-2.5") asks
  // each side's labels of a line of their own.
  const sides = numeric ? conjuncts(question.text) : [];
  const labelled = numeric ? (sides.length > 0 ? sides : [question.text]).map(figureLabels) : [];
  const unlabelled = labelled.some(
    (labels) =>
      labels.length > 0 &&
      !quotable.some(({ unit }) =>
        unit.text.split('\n').some((line) => labelsFigure(line, labels, figure)),
      ),
  );
  // A question asking what something costs is covered only by a line writing a price beside
  // what is priced (under its heading, for a row or a line): words holding PRICED_SHARE of the
  // question's weight, or for a question asking several things, a word of it. Other things'
  // prices do not answer "How much does the enterprise plan cost per month?", nor Voyage's
  // reranking price "how much do voyage embeddings cost?".
  const priced =
    numeric && ASKS_PRICE.test(question.text)
      ? [...new Set(analyzeTerms(question.text.replace(PRICE_SOURCE, ' ')))].filter(
          (term) => weight.has(term) && !PRICE_WORDS.has(term),
        )
      : [];
  const pricedWorth = priced.reduce((sum, term) => sum + worth(term), 0);
  const enough = (held: number) =>
    question.aspects.length > 1 ? held > 0 : held >= PRICED_SHARE * pricedWorth;
  const unpriced =
    priced.length > 0 &&
    !quotable.some(({ unit }) => {
      const heading = analyzeTerms(unit.headingPath.join(' '));
      return unit.text.split('\n').some((line) => {
        if (!PRICE_WRITTEN.test(line)) return false;
        const held = new Set([...analyzeTerms(line), ...heading]);
        return enough(priced.reduce((sum, term) => sum + (held.has(term) ? worth(term) : 0), 0));
      });
    });
  if (
    relevance.missing.length > 0 ||
    unstated ||
    unstatedPlainly ||
    unlabelled ||
    unpriced ||
    (overview.length === 0 && share < floor)
  )
    return { ...nearest(), relevance };

  const howto = question.shape === 'howto';
  const kind = NAMED_KINDS.find(({ asks }) => asks.test(question.text));
  const asked = new Set(wanted);
  for (const item of quotable) {
    const { unit, held, heading } = item;
    const context = byChunk.get(unit.citationId) as Map<string, number>;
    for (const term of wanted) {
      const w = weight.get(term) as number;
      // A code block is introduced by its heading more than by its own words.
      const headingShare = unit.kind === 'code' ? 0.8 : 0.4;
      const termScore =
        w *
        scene(term) *
        Math.max(
          held.get(term) ?? 0,
          headingShare * (heading.get(term) ?? 0),
          CONTEXT_SHARE * (context.get(term) ?? 0),
        );
      if (termScore > 0) item.termScores.set(term, termScore);
    }
    const lower = unit.text.toLowerCase();
    item.writes = identifiers.filter((id) => lower.includes(id));
    let factor = 1;
    if (unit.kind === 'code') {
      factor *= howto ? 1.3 : 0.5;
      // Install commands come before the answer to a how-to, not in it.
      if (installsOnly(unit.text) && !ASKS_INSTALL.test(question.text)) factor *= 0.3;
    } else if (unit.kind === 'line') {
      // A line of code answers a question about a value (its comment says what it is); a
      // how-to wants the whole block, and a question about meaning wants prose.
      factor *= numeric ? 0.8 : 0.5;
    } else if (unit.kind === 'row') {
      // A row is about what its first cell names: a row naming one of the question's
      // identifiers, or named in the question's own words (`retryBudget(options)` for "What is
      // a retry budget?", `tool call`), answers it; any other is context, unless the question
      // asks for a figure.
      const name = unit.name ?? '';
      const answers =
        identifiers.some((id) => withoutArguments(name).toLowerCase().includes(id)) ||
        namedIn(name, asked);
      if (!numeric && !answers) factor *= 0.6;
    } else if (isFigures(unit.text) && !numeric) {
      factor *= 0.3;
    }
    // A question asking for a kind of figure (how long) wants that kind, not any number.
    if (figure) factor *= figure.written.test(unit.text) ? 2 : 1;
    else if (numeric && /\d/.test(unit.text)) factor *= 1.2;
    if (kind?.named.test(unit.text)) factor *= NAMED_KIND_FACTOR;
    // A little trust in the retrieval's order.
    item.factor = factor / (1 + 0.08 * unit.rank);
    item.score = scoreFor(item);
  }

  const limit =
    maxUnits ??
    (question.aspects.length > 1
      ? UNITS_FOR_PARTS
      : question.queries.length > 1
        ? UNITS_FOR_SIDES
        : UNITS_FOR_ONE);
  const candidates = quotable.filter((item) => item.score > 0).sort((a, b) => b.score - a.score);
  const top = candidates[0]?.score ?? 0;
  const picked: Scored[] = [];
  const covered = new Set<string>();
  const seenText = new Set<string>();
  const perSource = new Map<string, number>();
  /** Code blocks quoted, whole (`code`) or by so many of their lines. */
  const blocks = new Map<string, 'code' | number>();
  let code = 0;
  // A how-to is answered with its best code block whatever else is picked.
  const bestCode = howto ? candidates.find((item) => item.unit.kind === 'code') : undefined;
  // A document the question names by its title ("the llm and resilience packages") is quoted
  // at least once: its best unit holding a term of the question beyond the title.
  // Each candidate document's title (its first heading).
  const titles = new Map<string, string>();
  for (const { unit } of candidates)
    if (!titles.has(unit.sourceId)) titles.set(unit.sourceId, unit.headingPath[0] ?? '');
  const named = new Set<Scored>();
  for (const [sourceId, heading] of titles) {
    const title = analyzeTerms(heading);
    if (title.length === 0 || !title.every((term) => asked.has(term))) continue;
    const best = candidates.find(
      (item) =>
        item.unit.sourceId === sourceId &&
        [...item.held.keys()].some((term) => !title.includes(term)),
    );
    if (best) named.add(best);
  }
  const take = (choice: Scored) => {
    picked.push(choice);
    seenText.add(choice.unit.text);
    perSource.set(choice.unit.sourceId, (perSource.get(choice.unit.sourceId) ?? 0) + 1);
    if (choice.unit.kind === 'code') code++;
    const block = blockOf(choice.unit);
    if (block !== undefined) {
      const lines = (blocks.get(block) as number | undefined) ?? 0;
      blocks.set(block, choice.unit.kind === 'code' ? 'code' : lines + 1);
    }
    for (const term of choice.held.keys()) covered.add(term);
  };
  for (const item of overview) take(item);
  // A question asking what one thing is is answered from the document opening on it; one asking
  // several things asks the others of any document.
  const pool =
    overview[0] && question.aspects.length <= 1
      ? candidates.filter((item) => item.unit.sourceId === overview[0]?.unit.sourceId)
      : candidates;
  // A question asking several things is answered part by part: one greedy cover per part, each
  // scoring units by the question with the terms only the other parts hold at ASIDE_SHARE,
  // taking turns; a question asking one thing has one cover, by the whole question.
  const parts = question.aspects.map((aspect, index) => ({
    // The terms only this part holds.
    own: [...(aspectTerms[index] as Set<string>)].filter((term) =>
      aspectTerms.every((terms, other) => other === index || !terms.has(term)),
    ),
    // The terms only the question's other parts hold.
    aside: new Set(
      aspectTerms
        .filter((_, other) => other !== index)
        .flatMap((terms) => [...terms])
        .filter((term) => !aspectTerms[index]?.has(term)),
    ),
    // The identifiers only the question's other parts name.
    asideIdentifiers: identifiers.filter(
      (id) =>
        !aspect.toLowerCase().includes(id) &&
        question.aspects.some((other) => other.toLowerCase().includes(id)),
    ),
  }));
  // The packages the question names (`@keel/llm`, "the streaming and llm packages", and in a
  // question asking several things, a package by its name alone, a plural's `s` dropped or not:
  // "what span does observability create?", "the token budget"), each the document titled by
  // its scoped name (`@keel/llm`): a unit of one the question or a part of it names weighs more
  // in that part's cover.
  const listed = new Set<string>();
  for (const [, name] of question.text.matchAll(/@[\w-]+\/([\w-]+)/g))
    listed.add((name as string).toLowerCase());
  for (const [list] of question.text.matchAll(PACKAGE_LIST))
    for (const word of list.split(/[\s,]+/)) listed.add(word.toLowerCase());
  if (parts.length > 1)
    for (const word of question.text.toLowerCase().match(/[\w-]+/g) ?? [])
      listed.add(word).add(`${word}s`);
  const packages = new Map<string, string>();
  for (const [sourceId, title] of titles) {
    const name = /^@[\w-]+\/([\w-]+)$/.exec(title)?.[1]?.toLowerCase();
    if (name && listed.has(name)) packages.set(sourceId, name);
  }
  const homes = (text: string) =>
    new Set(
      [...packages]
        .filter(([, name]) =>
          new RegExp(
            `(?<![\\w-])${parts.length > 1 ? `${name.replace(/s$/, '')}s?` : name}(?![\\w-])`,
            'i',
          ).test(text),
        )
        .map(([sourceId]) => sourceId),
    );
  const lanes = (parts.length > 1 ? parts : [undefined]).map((part, index) => {
    const home = homes(part ? (question.aspects[index] as string) : question.text);
    const boost = (item: Scored) => (home.has(item.unit.sourceId) ? HOME_FACTOR : 1);
    const score = part
      ? (item: Scored) => scoreFor(item, part) * boost(item)
      : (item: Scored) => item.score * boost(item);
    const share = (term: string) => (part?.aside.has(term) ? ASIDE_SHARE : 1) * scene(term);
    // A part's cover quotes units holding a term of its own, when it has one.
    const fits = (item: Scored) =>
      !part ||
      part.own.length === 0 ||
      part.own.some((term) => item.held.has(term) || item.heading.has(term));
    // A question asking one thing and naming no package keeps the cut and bonuses by the best
    // unit of all.
    const best = part || home.size > 0 ? Math.max(0, ...pool.filter(fits).map(score)) : top;
    return { score, share, fits, top: best, open: true };
  });
  while (picked.length < limit && lanes.some((lane) => lane.open)) {
    for (const lane of lanes) {
      if (!lane.open || picked.length >= limit) continue;
      // Greedy cover: a unit gains for the question's terms no picked unit holds yet; at most
      // MAX_PER_SOURCE units from one document and two code blocks.
      let choice: Scored | undefined;
      let choiceGain = 0;
      for (const item of pool) {
        if (picked.includes(item) || seenText.has(item.unit.text)) continue;
        if (!lane.fits(item) && item !== bestCode && !named.has(item)) continue;
        if ((perSource.get(item.unit.sourceId) ?? 0) >= MAX_PER_SOURCE) continue;
        if (item.unit.kind === 'code' && code >= (howto ? 2 : 1)) continue;
        // A block quoted whole is not quoted again line by line; at most three lines of one
        // block, and then not the block.
        const quoted = blocks.get(blockOf(item.unit) ?? '');
        if (
          quoted === 'code' ||
          (quoted !== undefined && (item.unit.kind === 'code' || quoted >= MAX_LINES_PER_BLOCK))
        )
          continue;
        let fresh = 0;
        for (const [term, closeness] of item.held)
          if (!covered.has(term))
            fresh += closeness * (weight.get(term) as number) * lane.share(term);
        const gain =
          lane.score(item) + 0.5 * fresh + (item === bestCode || named.has(item) ? lane.top : 0);
        if (gain > choiceGain) {
          choice = item;
          choiceGain = gain;
        }
      }
      if (
        !choice ||
        (lane.score(choice) < 0.35 * lane.top && choice !== bestCode && !named.has(choice))
      ) {
        lane.open = false;
        continue;
      }
      take(choice);
    }
  }
  // The best unit of up to OTHER_SOURCES documents no unit was picked from, when it scores at
  // least OTHER_SHARE of the best: an answer drawing on two documents quotes and cites both.
  const sources = new Set(picked.map((item) => item.unit.sourceId));
  for (const item of pool) {
    if (sources.size >= perSource.size + OTHER_SOURCES || item.score < OTHER_SHARE * top) break;
    if (sources.has(item.unit.sourceId) || item.unit.kind === 'code' || item.unit.kind === 'line')
      continue;
    if (seenText.has(item.unit.text)) continue;
    sources.add(item.unit.sourceId);
    picked.push(item);
  }
  // For a question asking several things or which error or function, the best rows defining up
  // to DEFINING_ROWS names the quoted prose writes, in the order it was picked: an answer often
  // names what is asked about ("a missing terminal event is a `StreamTruncatedError`" for "what
  // error is reported?"), and the row defining it says more.
  if (parts.length > 1 || kind !== undefined) {
    const written = new Set(
      picked
        .filter(({ unit }) => unit.kind !== 'code' && unit.kind !== 'line')
        .flatMap(({ unit }) => spannedNames(unit.text)),
    );
    // Rows quoted already, each by any of its cells.
    const quotedRows = new Set(
      picked
        .filter(({ unit }) => unit.kind === 'row')
        .map(({ unit }) => `${unit.citationId} ${unit.name}`),
    );
    let rows = 0;
    for (const name of written) {
      if (rows >= DEFINING_ROWS) break;
      const row = pool.find(
        ({ unit }) =>
          unit.kind === 'row' &&
          !quotedRows.has(`${unit.citationId} ${unit.name}`) &&
          !seenText.has(unit.text) &&
          spannedNames(unit.name ?? '').includes(name),
      );
      if (!row) continue;
      quotedRows.add(`${row.unit.citationId} ${row.unit.name}`);
      seenText.add(row.unit.text);
      picked.push(row);
      rows++;
    }
  }
  // A code block quoted brings the prose saying what it calls, the example in words: the run
  // of sentences and items right after it in its section each naming something it calls, up to
  // CODE_PROSE naming a call none before them named ("`truncateTokens` cuts…", then
  // "`fitMessages` never drops…" after a block calling both; "`advance(ms)` and `runAll()`…"
  // after `clock.advance(30_000)`); and the one right before it when the block has no lead-in
  // ("`toSSEResponse` adds `content-type: …`" before a route returning `toSSEResponse(…)`).
  const mayQuote = new Set(quotable);
  for (const { unit: code } of picked.filter(({ unit }) => unit.kind === 'code')) {
    const section = code.headingPath.join('\u0000');
    // The chunk's units around the block, its own lines left out.
    const around = scored.filter(
      ({ unit }) => unit.citationId === code.citationId && unit.kind !== 'line',
    );
    const says = (near: Scored | undefined): near is Scored =>
      near !== undefined &&
      mayQuote.has(near) &&
      (near.unit.kind === 'sentence' || near.unit.kind === 'item') &&
      /[.!?]["')\]*_`]*$/.test(near.unit.text) &&
      near.unit.headingPath.join('\u0000') === section;
    const bring = (near: Scored) => {
      if (seenText.has(near.unit.text)) return;
      seenText.add(near.unit.text);
      picked.push(near);
    };
    const before = around.findLast(({ unit }) => unit.position < code.position);
    if (
      code.leadIn === undefined &&
      says(before) &&
      codeNamedIn(before.unit.text, code.text).length > 0
    )
      bring(before);
    // The run of units right after it naming what it calls.
    const named = new Set<string>();
    let brought = 0;
    for (const near of around.filter(({ unit }) => unit.position > code.position)) {
      const calls = says(near) ? codeNamedIn(near.unit.text, code.text) : [];
      if (calls.length === 0 || brought >= CODE_PROSE) break;
      if (calls.every((call) => named.has(call))) continue;
      for (const call of calls) named.add(call);
      bring(near);
      brought++;
    }
  }
  // A sentence quoted brings the next one of its chunk when that goes on about the same thing
  // ("… live in `@keel/core/internal`. It is not a public API …"): alone, it is half an answer;
  // and a sentence going on so brings the one before it, which says what "it" is. Not around
  // an opening, which quotes as many units as it asks for (OPENING_UNITS).
  const neighbour = (unit: AnswerUnit, step: number) =>
    quotable.find(
      ({ unit: other }) =>
        other.citationId === unit.citationId && other.position === unit.position + step,
    );
  const quote = (item: Scored) => {
    if (seenText.has(item.unit.text)) return;
    seenText.add(item.unit.text);
    picked.push(item);
  };
  for (const { unit } of picked.filter(
    (item) => item.unit.kind === 'sentence' && !overview.includes(item),
  )) {
    const next = neighbour(unit, 1);
    if (next?.unit.kind === 'sentence' && GOES_ON.test(next.unit.text)) quote(next);
    const before = neighbour(unit, -1);
    if (before?.unit.kind === 'sentence' && GOES_ON.test(unit.text)) quote(before);
  }
  // A yes-or-no question about a name that no quoted unit writes ("Is there a Python version
  // of the packages?", answered from release notes) is not answered by them: what was found
  // speaks of something else.
  if (
    question.yesOrNo &&
    missingNames(question, picked).some((name) => question.names.includes(name))
  )
    return { ...nearest(), relevance };
  // The opening first; then chunk by chunk, best chunk first, each chunk's units in document
  // order.
  const opens = new Set(overview.map((item) => item.unit));
  const order = new Map<string, number>();
  for (const item of picked)
    if (!order.has(item.unit.citationId)) order.set(item.unit.citationId, order.size);
  // A sentence picked beside the code block it leads into is shown once, as the block's lead-in.
  const leadIns = new Set(
    picked.flatMap(({ unit }) =>
      unit.leadIn === undefined ? [] : [`${unit.sourceId} ${unit.leadIn}`],
    ),
  );
  const ordered = picked
    .map((item) => item.unit)
    .filter((unit) => unit.kind === 'code' || !leadIns.has(`${unit.sourceId} ${unit.text}`))
    .sort(
      (a, b) =>
        Number(opens.has(b)) - Number(opens.has(a)) ||
        (order.get(a.citationId) as number) - (order.get(b.citationId) as number) ||
        a.position - b.position,
    );
  return ordered.length === 0
    ? { ...nearest(), relevance }
    : { covered: true, units: ordered, relevance };
}
