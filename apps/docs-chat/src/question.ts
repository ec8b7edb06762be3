/**
 * What a question asks, as the offline answerer reads it: its content terms (the retrieval
 * layer's analyzer: identifiers split, English stems, stop words out), the identifiers it names,
 * its shape (how-to, numbers, definition) and, for a question about two things, one search
 * per aspect.
 */
import { createAnalyzer, ENGLISH_STOP_WORDS } from '@keel/retrieval';
import { isEnglishWord, misspells } from './english-words';

/** The shape of answer a question wants. */
export type QuestionShape = 'howto' | 'numeric' | 'definition' | 'other';

/** A question, read. */
export interface Question {
  text: string;
  shape: QuestionShape;
  /** Content terms (stems), each once. */
  terms: string[];
  /** Code identifiers named in it (`createBudget`, `max_tokens`, `DOCS_CHAT_PORT`). */
  identifiers: string[];
  /** Words a reader would capitalise: product and provider names (`Gemini`, `Kubernetes`). */
  names: string[];
  /** Runs of capitalised words that name one thing together (`Python SDK`, `Google Vertex`). */
  phrases: string[];
  /**
   * The searches of the documents, each in its key words: the question itself, then each of its
   * parts (see `aspects`) and each side of an "X and Y", or its names alone when only they say
   * what the question is about; four at most.
   */
  queries: string[];
  /**
   * The text that asks, without what only sets the scene: sentences that do not ask ("I host
   * it on our own GPUs."), conditions ("if a pod gets OOM-killed, …"), a preamble before a
   * colon ("Coming from LiteLLM: …"; see {@link PREAMBLE}). A name the documents do
   * not mention leaves the question uncovered only when it is written here.
   */
  asks: string;
  /**
   * The sentences that ask (see {@link askingSentences}), conditions and preamble kept, points
   * of comparison left out: where it asks what a name defaults to ("If I call generateObject
   * without maxRepairs, how many repairs does it make by default?").
   */
  asking: string;
  /**
   * Its points of comparison (see {@link REFERENCE}): what it measures the documents' thing
   * against ("the AI SDK's LanguageModel interface"), which sets the scene too.
   */
  references: string[];
  /** Whether what it asks opens as a yes-or-no question ("Is there a Python SDK?", "Can I …?"). */
  yesOrNo: boolean;
  /**
   * The parts of a question asking several things, each answered in its own right (see
   * {@link questionAspects}); none for a question asking one thing.
   */
  aspects: string[];
  /**
   * What a question asking what something is ("What is docs-chat?", "What does the resilience
   * package do?", "Tell me about Keel") asks about, as title terms (see {@link analyzeTitle}):
   * the document titled so (see {@link titles}) answers it by its opening sentences.
   */
  subject?: string[];
  /** Whether a question asking what something is asks more about it ("…, and will it stop calls?"). */
  asksMore?: boolean;
}

/** The project's name, which every document names, so a word of questions (see QUESTION_WORDS). */
const PROJECT = 'keel';

/** Words of questions that say nothing about the topic. */
const QUESTION_WORDS = [
  ...'about actually also any anything can could describe detail details difference differences do does doing done explain exactly get give handle handled handles handling happen happens help how i like look looks many me mean means meant much my need please should show supposed tell thing things use used uses using want way what whats when where whether which why wondering work works worried would'.split(
    ' ',
  ),
  PROJECT,
];

/**
 * Contractions ("I'm", "don't", "what's"), which the stemmer reads as words of their own; they say
 * nothing about the topic either.
 */
const CONTRACTIONS =
  "i'm i've i'd i'll you're you've you'd you'll we're we've we'd we'll they're they've they'd they'll he's she's it's that's there's here's what's who's how's let's he'll it'll that'll who'd isn't aren't wasn't weren't hasn't haven't hadn't doesn't don't didn't won't wouldn't can't couldn't shouldn't mustn't needn't shan't should've would've could've might've must've y'all".split(
    ' ',
  );

/**
 * Function words `ENGLISH_STOP_WORDS` does not hold: pronouns, forms of "be", "have" and "do",
 * adverbs of degree and time ("just", "really", "once", "more"), and the words counting or
 * sorting what a question names ("each", "both", "every", "other").
 */
const FUNCTION_WORDS =
  'am been being had having did myself ourselves yourself yourselves himself herself itself themselves ours yours hers theirs whom here again further once more too very just even still really quite rather already ever basically simply each every both either neither all some another other others own same several various such'.split(
    ' ',
  );

const compared = createAnalyzer({
  stemming: true,
  identifiers: true,
  spelling: true,
  stopWords: [...ENGLISH_STOP_WORDS, ...QUESTION_WORDS, ...CONTRACTIONS, ...FUNCTION_WORDS],
});

/**
 * Words the stemmer leaves apart from the word they stand for, each after it: irregular verb
 * forms (`held` is `hold`), and the abbreviations code writes in identifiers (`maxHeldChars`
 * is "maximum held characters", `ttlMs` "TTL milliseconds").
 */
const SAME_WORDS = [
  'go goes went gone',
  'hold held',
  'keep kept',
  'send sent',
  'spend spent',
  'build built',
  'write wrote written',
  'run ran',
  'find found',
  'lose lost',
  'pay paid',
  'choose chose chosen',
  'throw threw thrown',
  'take took taken',
  'make made',
  'begin began begun',
  'break broke broken',
  'feed fed',
  'hide hid hidden',
  'sell sold',
  'stick stuck',
  'catch caught',
  'bring brought',
  'buy bought',
  'think thought',
  'come came',
  'forget forgot forgotten',
  'draw drew drawn',
  'grow grew grown',
  'know knew known',
  'freeze froze frozen',
  'fall fell fallen',
  'lead led',
  'rise rose risen',
  'win won',
  'stand stood',
  'understand understood',
  'override overrode overridden',
  'rewrite rewrote rewritten',
  'sleep slept',
  'deal dealt',
  'feel felt',
  'hear heard',
  'lend lent',
  'shoot shot',
  'forbid forbade forbidden',
  'maximum max',
  'character char chars',
  'millisecond ms',
  'environment env',
  'configuration config',
  'directory dir',
  'argument arg args',
  'parameter param params',
  'database db',
  'repository repo',
  'information info',
  'message msg',
  'request req',
  'length len',
  'number num',
  'previous prev',
  'dollar usd',
];

/** Each term of {@link SAME_WORDS}'s other words, with the term of the word they stand for. */
const SAME_TERMS = new Map(
  SAME_WORDS.flatMap((line) => {
    const [word, ...others] = line.split(' ').map((each) => compared(each)[0] ?? each);
    return others.filter((other) => other !== word).map((other) => [other, word as string]);
  }),
);

/**
 * The analyzer questions and documents are compared with; a typographic apostrophe reads as
 * `'` (`model’s` is `model's`), and a word as the one it stands for (see {@link SAME_WORDS}).
 */
export const analyzeTerms = (text: string): string[] =>
  compared(text.replace(/[’‘]/g, "'")).map((term) => SAME_TERMS.get(term) ?? term);

/**
 * The analyzer titles are read with: stop words out, but not the words of questions, so the
 * project's own name (`Keel`) and `@keel/llm`'s `keel` count.
 */
const analyzeTitle = createAnalyzer({
  stemming: true,
  identifiers: true,
  spelling: true,
  stopWords: ENGLISH_STOP_WORDS,
});

/** How a question asks what something is, as a whole ("What actually is Keel?"). */
const OVERVIEW =
  /^\s*(?:what\s+(?:(?:exactly|actually|really|precisely|basically)\s+)?(?:is|are|does|do)\b|what's\b|tell\s+me\s+about\b|describe\b|explain\b|introduce\b)/i;

/**
 * A word pointing back at what the question named before: "What does that error mean?",
 * "Spend guard vs budget: which one refuses calls?".
 */
export const POINTS_BACK = /\b(?:this|that|these|those|it|they|them|one)\b/i;

/** Words naming the kind of thing asked about, not the thing: "the resilience package". */
const KINDS = new Set(analyzeTitle('app application library module package project toolkit'));

/** Words asking what a thing is for, not what it is: "the point of @keel/evals". */
const PURPOSE_OF = /\b(?:the\s+)?(?:point|purpose|use)\s+of\b/gi;

/**
 * Where what a thing is asked to do begins, after the thing: "What is the output guard
 * supposed to protect against?" asks about the output guard.
 */
const PURPOSE_AFTER = /\s+(?:supposed|meant|designed|intended|used)\s+(?:to|for)\b.*$/i;

/**
 * The subject of a question asking what something is, in title terms: the content terms of its
 * first clause asking so, past a preamble ("What is retryBudget for?" of "What is retryBudget
 * for? I'm worried about retry storms.", "what's in @keel/core" of "what's in @keel/core and why
 * would I install it?", "what actually is Keel?" of "Quick one: what actually is Keel?") without
 * words like "package" or "the point of", or, when it names nothing else, the
 * project's name ("What is Keel?", "what is keel"); none for a clause about more than three
 * terms, or a question not asking what something is.
 */
function subjectOf(text: string) {
  const clause = sentencesOf(text)
    .flatMap((sentence) => withoutPreamble(sentence).split(CLAUSE_JOINT))
    .find((part) => OVERVIEW.test(part));
  // "What does that error mean?" asks about what an earlier sentence names, not about errors.
  if (clause === undefined || POINTS_BACK.test(clause)) return undefined;
  const own = analyzeTerms(clause.replace(PURPOSE_OF, ' ').replace(PURPOSE_AFTER, '')).filter(
    (term) => !KINDS.has(term),
  );
  if (own.length === 0) return analyzeTitle(clause).includes(PROJECT) ? [PROJECT] : undefined;
  const subject = [...new Set(own)];
  return subject.length <= 3 ? subject : undefined;
}

/**
 * Whether `title` names `subject` and nothing more: it holds every term of the subject, and
 * its content terms are the subject's or words such as "package" (`@keel/resilience` for "the
 * resilience package", `Keel` for "Keel"; not `Budget alerts` for "a budget", nor
 * `@keel/llm` for "Keel").
 */
export function titles(title: string, subject: readonly string[]): boolean {
  const terms = analyzeTitle(title);
  return (
    subject.every((term) => terms.includes(term)) &&
    analyzeTerms(title).every((term) => KINDS.has(term) || subject.includes(term))
  );
}

/**
 * Whether a section headed `heading`, in the document titled `title`, is about `subject` and
 * nothing more: the heading's words (an identifier read as its words: `retryBudget` is "retry
 * budget") are the subject's or words such as "package", and the title names the rest of the
 * subject ("the spend guard in the observability package": `Spend guard` in
 * `@keel/observability`).
 */
export function heads(heading: string, title: string, subject: readonly string[]): boolean {
  const words = heading.replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2');
  const own = analyzeTerms(words);
  // The heading as written too: an identifier reads as itself as well as its words.
  const terms = new Set([...analyzeTitle(heading), ...analyzeTitle(words), ...analyzeTitle(title)]);
  return (
    own.length > 0 &&
    own.every((term) => KINDS.has(term) || subject.includes(term)) &&
    subject.every((term) => terms.has(term))
  );
}

const IDENTIFIER =
  /`([^`]+)`|\b([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|-[\w$]+(?:\.\d+)*)*(?:\(\))?)(?=[^\w$]|$)/g;

/** Whether `word` is written as code: camelCase, snake_case, SCREAMING_CASE, dotted or called. */
export function isIdentifier(word: string): boolean {
  return (
    /[a-z][A-Z]/.test(word) ||
    /[A-Za-z]_[A-Za-z]/.test(word) ||
    /^[A-Z][A-Z0-9]*_[A-Z0-9_]+$/.test(word) ||
    /\w\.\w/.test(word) ||
    (/[A-Za-z]{2}-\d/.test(word) && !/^[A-Z]+-\d+$/.test(word)) ||
    word.endsWith('()') ||
    /^[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+$/.test(word)
  );
}

/** Verbs an instruction starts with ("Treat HTTP 409 as fatal", "Send one stream to two readers"). */
const IMPERATIVE =
  'add|build|cache|call|cancel|chunk|configure|connect|count|create|deploy|disable|embed|enable|estimate|fence|filter|get|handle|index|install|keep|limit|load|log|make|measure|migrate|mock|monitor|parse|pass|persist|plug|prevent|print|protect|rank|read|record|redact|register|render|retry|run|save|search|send|set\\s+up|share|split|store|stream|switch|test|throttle|trace|track|treat|turn|upgrade|use|validate|watch|wrap|write';
const HOWTO = new RegExp(
  `^\\s*(?:how\\s+(?:do|can|should|would|could)\\s+(?:i|we|you|one)\\b|how\\s+to\\b|show\\b|give\\b.*\\bexample|(?:${IMPERATIVE})\\b)|[,:;.?!]\\s+how\\s+(?:do|can|should|would|could)\\s+(?:i|we|you|one)\\b|\\b(?:example|snippet|code for|steps? to)\\b`,
  'i',
);
const NUMERIC =
  /\b(?:how\s+(?:many|much|long|often|big|large|fast|slow)|default(?:s)?|maximum|minimum|max|min|(?:small|larg|bigg|low|high|few|long|short)est|limit|limits|threshold|timeout|price|prices|cost|costs|percent|percentage|size|number of|value|values|ratio|rate|p50|p95|p99|ms|seconds?|minutes?|bytes|MB|tokens? (?:a|per)|at most|at least|capacity|ceiling|cap|context\s+windows?\b[^?]*\d|\d[^?]*\bcontext\s+windows?)\b/i;
const DEFINITION = /^\s*(?:what\s+(?:is|are|does|do)\b|define\b|what's\b|explain\b|describe\b)/i;

/**
 * A name written in quotes: "the 'one cost figure' principle" names a principle, it asks for no
 * cost. Not an apostrophe (`What's`, `Keel's`).
 */
const QUOTED = /(?<![\p{L}\p{N}])(?:'[^'\n]+'|"[^"\n]+"|‘[^’\n]+’|“[^”\n]+”)(?![\p{L}\p{N}])/gu;

function shapeOf(text: string): QuestionShape {
  if (HOWTO.test(text)) return 'howto';
  if (NUMERIC.test(text.replace(QUOTED, ' '))) return 'numeric';
  if (DEFINITION.test(text)) return 'definition';
  return 'other';
}

/** Words that stop a conjunct: `X and Y` takes at most this much around the `and`. */
const CONJUNCT_STOP = new Set([
  ...ENGLISH_STOP_WORDS,
  ...QUESTION_WORDS,
  'between',
  'both',
  'each',
  'compare',
  'compared',
  'versus',
  'vs',
  'differ',
  'handle',
  'handles',
]);

/**
 * One query per side of the first `X and Y` (or `X vs Y`, `X or Y`) joining two topics, each
 * keeping the rest of the question; none when the question has no such pair.
 */
export function conjuncts(text: string): string[] {
  const words = text.split(/\s+/);
  const joint = words.findIndex(
    (word, index) =>
      index > 0 && index < words.length - 1 && /^(?:and|vs\.?|versus|or)$/i.test(word),
  );
  if (joint === -1) return [];
  const bare = (word: string) => word.toLowerCase().replace(/[^\p{L}\p{N}_@/.-]/gu, '');
  let left = joint;
  while (left > 0 && joint - left < 3 && !CONJUNCT_STOP.has(bare(words[left - 1] as string)))
    left--;
  // The right side may open with small words ("X and for the Y"): they belong to it.
  let right = joint + 1;
  while (right < words.length - 1 && CONJUNCT_STOP.has(bare(words[right] as string))) right++;
  const rightStart = right;
  while (
    right < words.length &&
    right - rightStart < 3 &&
    !CONJUNCT_STOP.has(bare(words[right] as string))
  )
    right++;
  if (left === joint || right === rightStart) return [];
  const before = words.slice(0, left);
  const after = words.slice(right);
  const sides = [words.slice(left, joint), words.slice(rightStart, right)];
  // Each side keeps its own words; a shared head noun ("the streaming and llm packages") goes
  // with both.
  return sides.map((side) => [...before, ...side, ...after].join(' '));
}

/** Words a clause asking a question opens with. */
const WH = "what|what's|how|which|when|where|why|who|whose|whether|if";
/** Verbs a clause asking a yes-or-no question opens with. */
const AUXILIARY = 'is|are|was|were|does|do|did|can|could|should|will|would|has|have|must';
/** A question opening with one of those verbs. */
const YES_OR_NO = new RegExp(`^\\s*(?:${AUXILIARY})\\b`, 'i');
/**
 * Where a clause that asks is joined on: "…, and is there…", "…, or does…", "… and what…", "…
 * and do I need…", "… — will it…"; without a comma, a verb after "and" goes on the same clause
 * ("which adapters stream and are retried") unless who it asks about follows.
 */
const CLAUSE_JOINT = new RegExp(
  `[,;]\\s*(?:and|or|but|plus|also)\\s+(?=(?:${WH}|${AUXILIARY})\\b)|(?:\\s*[—–]\\s*|\\s+-\\s+)(?=(?:${WH}|${AUXILIARY})\\b)|\\s+(?:and|or|but|plus|also)\\s+(?=(?:${WH})\\b)|\\s+and\\s+(?=(?:${AUXILIARY})\\s+(?:i|we|you|it|they|one|anything)\\b)`,
  'i',
);
/**
 * Where a sentence ends: at `.`, `?` or `!` before the word (or code) the next one opens with,
 * capitalised or not (a question typed in a hurry); not after an abbreviation (`e.g.`, `vs.`)
 * or an initial.
 */
const SENTENCE_END =
  /(?<=[?!]|(?<!\b(?:e\.g|i\.e|vs|etc|cf|incl|approx|[A-Za-z]))\.)\s+(?=[\p{L}\p{N}@`])/u;

/** The sentences of `text`. */
export const sentencesOf = (text: string) =>
  text
    .split(SENTENCE_END)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== '');

/** A capitalised word past the first of its sentence: a name (`Gemini`, `Kubernetes`). */
const NAME = /(?<=\S\s+)[A-Z][\w.+-]*[\w+]/g;
/**
 * A name made a verb by an ending in lower case ("SIGKILLed", "OOMing", "DDoSed"): what a thing
 * did, which the documents say in their own words ("a process that was killed").
 */
const INFLECTED = /^[A-Z]{2,}[a-z]?[A-Z]*(?:ed|ing)$/;

/** A run of names (`Google Vertex`). */
const NAME_RUN = new RegExp(`${NAME.source}(?:\\s+[A-Z][\\w.+-]*[\\w+])+`, 'g');

/**
 * The sentences of a question that ask: those ending in `?`; without one, the whole question
 * (a sentence that sets the scene cannot be told from one that asks).
 */
function askingSentences(text: string): string[] {
  const asking = sentencesOf(text).filter(
    (sentence) => sentence.endsWith('?') && analyzeTerms(sentence).length > 0,
  );
  return asking.length > 0 ? asking : [text];
}

/**
 * A condition setting the scene of what is asked ("…: if one pod gets OOM-killed, how long…");
 * not a question opening with "when" ("When does reserve throw…").
 */
const CONDITION = new RegExp(
  `(?:^|[,:;]\\s*)(?:if|when|whenever|while|once|after|unless)\\b(?!\\s+(?:${AUXILIARY})\\b)[^,:;?]*,`,
  'gi',
);

/**
 * Where the asker is, opening the question: their own ("Inside our app, what …?") or a named
 * kind of place ("In a Next.js route handler, how do I …?"), which sets the scene; not "In the
 * llm package, what …?" nor "In a stream, is …?", which name what is asked about.
 */
const SETTING = new RegExp(
  `^\\s*(?:[Ii]n|[Ii]nside|[Ww]ithin|[Ff]rom)\\s+(?:(?:my|our)\\s|an?\\s+[^,:;?]*?\\p{Lu})[^,:;?]*,(?=\\s*(?:${WH}|${AUXILIARY})\\b)`,
  'u',
);

/**
 * What a sentence says before a colon and a question ("Coming from LiteLLM: does …?", "For a
 * compliance review: how are …?"): the scene, unless the question points back to it ("Spend
 * guard vs budget: which one refuses calls?", "`input_tokens` excludes cached tokens: how is
 * that normalised?"), which makes it the topic.
 */
const PREAMBLE = new RegExp(
  `^(?!\\s*(?:${WH}|${AUXILIARY})\\b)[^:?\`]+:\\s+(?=(?:${WH}|${AUXILIARY})\\b)`,
  'i',
);

/** A sentence without the scene a preamble sets (see {@link PREAMBLE}). */
function withoutPreamble(sentence: string): string {
  const preamble = PREAMBLE.exec(sentence)?.[0];
  if (preamble === undefined) return sentence;
  const rest = sentence.slice(preamble.length);
  return POINTS_BACK.test(rest) ? sentence : rest;
}

/**
 * A point of comparison: what the question measures the documents' thing against ("the
 * counterpart of the AI SDK's LanguageModel", "the same idea as LangChain's summary memory",
 * "instead of BM25", "What replaces LangChain's text splitter", "a LangChain-style framework"),
 * up to the end of its clause. The documents need
 * not mention it: a user coming from another library names that library's words.
 */
const REFERENCE = new RegExp(
  `\\b(?:${[
    '(?:similar|equivalent|analogous)\\s+to',
    '(?:counterpart|equivalent|analog(?:ue)?|replacement)\\s+(?:of|to|for)',
    '(?:the\\s+)?same(?:\\s+(?:idea|thing|concept))?\\s+as',
    'instead\\s+of',
    'rather\\s+than',
    'in\\s+place\\s+of',
    'unlike',
    '(?:coming|migrating|moving|switching|porting)\\s+from',
    // "What replaces X", not "How do I replace X".
    '(?<=\\b(?:what|which\\s+\\w+)\\s+)replaces',
    // "like X", not "I'd like to" or "looks like".
    "(?<!\\b(?:i|we|you|they|would|'d|looks?)\\s+)like(?!\\s+(?:to|this|that|so)\\b)",
  ].join(
    '|',
  )})\\s+(?:(?!\\s+(?:and|or|but)\\s+(?:${WH}|${AUXILIARY})\\b)[^,;:?!])+|[\\w.@/]+-(?:style|like|esque)\\b`,
  'gi',
);

/** The text of `text` that asks, without the sentences and conditions that only set the scene. */
function askingText(text: string): string {
  const asking = askingSentences(text)
    .map((sentence) =>
      withoutPreamble(sentence)
        .replace(SETTING, ' ')
        .replace(CONDITION, ' ')
        .replace(REFERENCE, ' '),
    )
    .join(' ');
  return analyzeTerms(asking).length > 0 ? asking : text;
}

/**
 * Searches of the documents for one question at most: the question, then its aspects, then the
 * sides of its "X and Y". The offline answerer may search once more, for a name its answer
 * points to, and then answers: six steps, the most a turn's agent takes.
 */
const MAX_SEARCHES = 4;

/** Parts of a question answered apart at most; more are asked with the last. */
const MAX_ASPECTS = 3;

/**
 * The parts of a question asking several things: the sentences that ask (see
 * {@link askingSentences}), each cut where a clause that asks is joined on ("…, and what does
 * it drop?"), a short part pointing back ("and what are its limits?") kept with the one before;
 * a sentence that only sets the scene ("Batch jobs are cheaper.") is part of none.
 * Else the sides of its first "X and Y" (see {@link conjuncts}); none for a question asking
 * one thing.
 *
 * @example
 * ```ts
 * questionAspects('Which helper merges two signals, and what must I call when done?');
 * // ['Which helper merges two signals', 'what must I call when done?']
 * ```
 */
export function questionAspects(text: string): string[] {
  const asking = askingSentences(text);
  const clauses = asking.flatMap((sentence) => sentence.split(CLAUSE_JOINT));
  const parts: string[] = [];
  for (const part of clauses) {
    const terms = analyzeTerms(part).length;
    if (terms === 0) continue;
    // A short part pointing back ("and what are its limits?") asks more of the part before.
    if (parts.length > 0 && terms <= 3 && PRONOUN.test(part))
      parts.push(`${parts.pop() as string} ${part}`);
    else parts.push(part);
  }
  // Clauses that ask one thing together are not cut again at their "and".
  if (parts.length < 2) return clauses.length > 1 ? [] : conjuncts(asking.join(' '));
  return [...parts.slice(0, MAX_ASPECTS - 1), parts.slice(MAX_ASPECTS - 1).join(' ')].filter(
    (part) => part !== '',
  );
}

/**
 * The words of `text` that say what it is about, as written (question words and stop words
 * left out): what the offline answerer searches for, so "How do I…" matches nothing by itself.
 */
function keywords(text: string): string {
  const words = text.split(/\s+/).filter((word) => analyzeTerms(word).length > 0);
  return words.length > 0 ? words.join(' ') : text;
}

const QUESTION_WORD_SET = new Set(QUESTION_WORDS);

/**
 * Runs of two or more capitalised words past the first word (`the Python SDK`), without a
 * question word at either end (`Keel`): one name, which the documents must write as such. The
 * project's name opening a run of two is kept: `Keel Cloud` is a name, `Cloud` a word.
 */
function namePhrases(text: string): string[] {
  const phrases: string[] = [];
  for (const sentence of sentencesOf(text))
    for (const match of sentence.matchAll(NAME_RUN)) {
      const words = match[0].split(/\s+/);
      while (
        words.length > 0 &&
        QUESTION_WORD_SET.has((words[0] as string).toLowerCase()) &&
        !(words.length === 2 && words[0]?.toLowerCase() === PROJECT)
      )
        words.shift();
      while (words.length > 0 && QUESTION_WORD_SET.has((words.at(-1) as string).toLowerCase()))
        words.pop();
      if (words.length >= 2) phrases.push(words.join(' '));
    }
  return phrases;
}

/**
 * How the answer should be put ("What is Keel, in one sentence?", "Briefly, ..."): said of the
 * answer, not of the topic, so left out of what is searched and matched. Only set off by a
 * comma or opening the question: "Can I pass the answer in one line?" asks about lines.
 */
const ANSWER_FORM =
  /(?:^|,)\s*(?:in\s+(?:one|a|two|three|a\s+few|few|a\s+couple\s+of|simple|plain)(?:\s+or\s+(?:two|three))?\s+(?:sentences?|words?|lines?|paragraphs?|english|terms)(?:\s+or\s+(?:two|three|so))?|in\s+(?:short|brief|a\s+nutshell)|briefly)\s*(?=[,?.!]*\s*$|,)/gi;

/**
 * The names of a question typed without capitals, code aside ("does keel ship a pinecone
 * adapter?"): its words no English word list holds (`pinecone`, `websockets`; see
 * {@link isEnglishWord}), since its writer capitalises nothing; not a common word misspelled
 * (`dolars`, `attemps`; see {@link misspells}).
 */
function lowercaseNames(text: string, identifiers: ReadonlySet<string>): string[] {
  const prose = text.replace(IDENTIFIER, (word, code) =>
    code !== undefined || identifiers.has(word) ? ' ' : word,
  );
  if (/\p{Lu}/u.test(prose)) return [];
  return [
    ...new Set(
      (prose.match(/[a-z][a-z0-9'-]*[a-z0-9]/g) ?? []).filter(
        (word) =>
          word.length > 3 &&
          !/\d/.test(word) &&
          analyzeTerms(word).length > 0 &&
          !isEnglishWord(word) &&
          !misspells(word),
      ),
    ),
  ];
}

/** Reads a question. */
export function readQuestion(asked: string): Question {
  const text = asked
    .replace(/\s+/g, ' ')
    .replace(ANSWER_FORM, ' ')
    .replace(/^[\s,]+/, '');
  const identifiers = new Set<string>();
  for (const match of text.matchAll(IDENTIFIER)) {
    const word = (match[1] ?? match[2] ?? '').trim();
    if (word !== '' && (match[1] !== undefined || isIdentifier(word))) {
      identifiers.add(word.replace(/\(\)$/, ''));
    }
  }
  // Capitalised words past each sentence's first: names (a sentence's first word is capitalised
  // anyway); in a question typed without capitals, the words no English word list holds.
  const names = [
    ...sentencesOf(text)
      .flatMap((sentence) => sentence.match(NAME) ?? [])
      .filter((word) => !identifiers.has(word) && word.length > 2 && !INFLECTED.test(word)),
    ...lowercaseNames(text, identifiers),
  ];
  const terms = [...new Set(analyzeTerms(text))];
  const subject = subjectOf(text);
  // A question whose only topic is a name the analyzer leaves out ("Keel") asks for it, and is
  // searched by it too.
  const named = terms.length === 0 && subject !== undefined;
  const aspects = named ? [] : questionAspects(text);
  const asks = askingText(text);
  return {
    asking: askingSentences(text)
      .map((sentence) => sentence.replace(REFERENCE, ' '))
      .join(' '),
    references: [...text.matchAll(REFERENCE)].map(([reference]) => reference),
    text: asked,
    shape: shapeOf(text),
    phrases: namePhrases(text),
    terms: named ? subject : terms,
    identifiers: [...identifiers],
    names,
    queries: [
      ...new Set(
        [text, ...(named ? [subject.join(' ')] : [...aspects, ...conjuncts(text)])].map(keywords),
      ),
    ].slice(0, MAX_SEARCHES),
    aspects,
    asks,
    yesOrNo: YES_OR_NO.test(asks),
    ...(subject && {
      subject,
      asksMore: terms.some((term) => !subject.includes(term) && !KINDS.has(term)),
    }),
  };
}

const FOLLOW_UP =
  /^\s*(?:and\s+(?:for|with|in|what\s+about)|what\s+about|how\s+about|same\s+(?:for|with)|and|but|also|so|then)\b|^\s*(?:for|with|in)\s+\S+\s*\??\s*$/i;
const PRONOUN = /\b(?:it|its|this|that|these|those|they|them|one|there)\b/i;

/**
 * The question a follow-up stands for, from the questions asked before it in the conversation
 * (oldest first): "and for Anthropic?" after "How does the OpenAI adapter report usage?" reads
 * "How does the adapter report usage Anthropic?". A question that stands on its own is
 * returned as it is.
 */
export function resolveFollowUp(question: string, earlier: readonly string[]): string {
  let previous: string | undefined;
  for (const asked of earlier)
    previous = previous === undefined ? asked : resolveOne(asked, previous);
  return previous === undefined ? question : resolveOne(question, previous);
}

function resolveOne(question: string, previous: string): string {
  const own = analyzeTerms(question);
  const elliptical = FOLLOW_UP.test(question) || (own.length <= 2 && PRONOUN.test(question));
  if (!elliptical) return question;
  // The names the follow-up brings replace the previous question's names.
  const replaced = new Set(readQuestion(question).names);
  const kept =
    replaced.size === 0
      ? previous
      : sentencesOf(previous)
          .map((sentence) => sentence.replace(NAME, (name) => (replaced.has(name) ? name : '')))
          .join(' ');
  const rest = question.replace(FOLLOW_UP, '').trim();
  // One sentence: what the follow-up names stays a name of the question.
  const asked = kept
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[?.!]+$/, '');
  return `${asked} ${rest}`.trim();
}
