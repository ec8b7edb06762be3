/**
 * British spellings read as American ones, for the analyzer's `spelling` option: a question
 * written in one matches a document written in the other (`normalise` and `normalizeUsage`,
 * `colour` and `color`, `catalogue` and `catalog`, `defence` and `defense`). Only systematic
 * differences are read: `-ise` and `-isation` as `-ize` and `-ization` (not for the common words
 * American English writes with `-ise` too, such as `advise`, `promise` or `precise`), `-yse` as
 * `-yze`, `-our` as `-or` in the words that differ, and a short list of other words.
 */

/** The version of the rules, recorded in analyzer descriptors. */
export const SPELLING_RULES = 1;

/**
 * Stems of `-ise` words American English writes with `-ise` too (`advise`, `promise`,
 * `precise`), as they stand before `-ise`; a stem of three letters or more also ends a longer one
 * (`imprecise`, `unsupervised`, `appraise`). A stem ending in `w` is a `-wise` word
 * (`pairwise`).
 */
const ALWAYS_ISE = new Set(
  (
    'adv advert an appr ar bra bru chast circumc compr comprom conc cru dem desp dev disgu ' +
    'enterpr exc exerc expert franch gu improv inc merchand no parad po porpo pr pra prec prem ' +
    'prom ra repr rev superv surm surpr telev torto treat val upr sunr lia mala chem turquo mort'
  ).split(' '),
);

/** Whether `stem` is that of an `-ise` word American English writes with `-ise` too. */
function alwaysIse(stem: string): boolean {
  if (ALWAYS_ISE.has(stem) || stem.endsWith('w')) return true;
  for (let start = 1; start <= stem.length - 3; start++)
    if (ALWAYS_ISE.has(stem.slice(start))) return true;
  return false;
}

/** Endings of an `-ise` word and its forms, read as `-ize`. */
const ISE =
  /^([a-z]{2,}?)is(e|es|ed|ing|ingly|er|ers|ation|ations|ational|able|ability|ement|ements)$/;
/** `-yse` verbs (`analyse`, `paralyse`, `catalyse`). */
const YSE = /^([a-z]+ly)s(e|es|ed|ing|er|ers|able)$/;
/** Words that take `-our` in British English and `-or` in American, with their prefixes. */
const OUR =
  /^((?:dis|un|mis|multi|ill)?(?:behavi|col|fav|flav|hon|hum|lab|neighb|rum|vap|harb|arm|od|sav|endeav|parl|vig|rig|tum|val|clam|splend|ferv|ard|cand|ranc|savi|demean|enam))our(?=$|s$|ed$|ings?$|ite|able|ably|al|ation|er|ful|less|ist|ism|ly|hood|ise|ize|y$|ies$)/;
/** Single words and their forms, each British stem with its American one. */
const WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^catalogue(?=s?$)/, 'catalog'],
  [/^catalogu(?=ed$|ers?$|ing$)/, 'catalog'],
  [/^(dia|ana)logue(?=s?$)/, '$1log'],
  [/^(def|off|pret)ence(?=s?$)/, '$1ense'],
  [/^licenc(?=e|ing)/, 'licens'],
  [/^(cent|fib|lit|theat)re(?=s?$)/, '$1er'],
  [/^centr(?=ed$|ing$)/, 'center'],
  [/^grey(?=$|s$|ed$|ing$|er$|est$|ish$|ness$)/, 'gray'],
  [/^programme(?=s?$)/, 'program'],
  [/^artefact/, 'artifact'],
  [/^(judg|acknowledg)ement/, '$1ment'],
  [/^ageing$/, 'aging'],
  [/^enrol(?=$|s$|ment)/, 'enroll'],
  [/^fulfil(?=$|s$|ment)/, 'fulfill'],
  [/^instalment/, 'installment'],
  [/^(skil|wil)ful/, '$1lful'],
  [/^scept(?=ic)/, 'skept'],
  [/^mould/, 'mold'],
  [/^practis(?=e|es|ed|ing)/, 'practic'],
];
/** Any word of {@link WORDS}, tested before each of them is. */
const ANY_WORD = new RegExp(WORDS.map(([british]) => british.source).join('|'));
/** A possessive ending, spelled apart from its word (`organisation's`). */
const POSSESSIVE = /['’]s?$/;

/**
 * `word` (lower case) in American spelling; a word spelled alike in both, or not known to
 * differ, is returned as it is.
 *
 * @example
 * ```ts
 * americanSpelling('normalised'); // 'normalized'
 * americanSpelling('behaviour'); // 'behavior'
 * americanSpelling('analyse'); // 'analyze'
 * americanSpelling('promise'); // 'promise'
 * ```
 */
export function americanSpelling(word: string): string {
  const possessive = POSSESSIVE.exec(word);
  if (possessive !== null) return americanSpelling(word.slice(0, possessive.index)) + possessive[0];
  if (ANY_WORD.test(word))
    for (const [british, american] of WORDS)
      if (british.test(word)) return word.replace(british, american);
  const spelled = word.includes('our') ? word.replace(OUR, '$1or') : word;
  const ise = spelled.includes('is') ? ISE.exec(spelled) : null;
  if (ise !== null) {
    const stem = ise[1] as string;
    return alwaysIse(stem) ? spelled : `${stem}iz${ise[2]}`;
  }
  const yse = spelled.includes('ys') ? YSE.exec(spelled) : null;
  return yse === null ? spelled : `${yse[1]}z${yse[2]}`;
}
