/**
 * British spellings read as American ones, for the analyzer's `spelling` option: a question
 * written in one matches a document written in the other (`normalise` and `normalizeUsage`,
 * `colour` and `color`, `catalogue` and `catalog`, `defence` and `defense`). Only systematic
 * differences are read: `-ise` and `-isation` as `-ize` and `-ization` (never for words that
 * are `-ise` in American English too, such as `advise`, `promise` or `precise`), `-yse` as
 * `-yze`, `-our` as `-or` in the words that differ, and a short list of single words.
 */

/** The version of the rules, recorded in analyzer descriptors. */
export const SPELLING_RULES = 1;

/** `-ise` words that American English writes with `-ise` too, as their stem before `-ise`. */
const ALWAYS_ISE = new Set(
  (
    'adv advert an appr ar bra bru chast circumc clockw compr comprom conc counterclockw cru dem ' +
    'desp dev disgu enterpr exc exerc expert franch gu improv inc likew merchand no otherw parad ' +
    'po porpo pr pra prec prem prom ra repr rev superv surm surpr telev torto treat val'
  ).split(' '),
);

/** Endings of an `-ise` word and its forms, read as `-ize`. */
const ISE = /^([a-z]{2,}?)is(e|es|ed|ing|er|ers|ation|ations|able)$/;
/** `-yse` verbs (`analyse`, `paralyse`, `catalyse`). */
const YSE = /^([a-z]+ly)s(e|es|ed|ing|er|ers)$/;
/** Stems that take `-our` in British English and `-or` in American. */
const OUR =
  /^(behavi|col|fav|flav|hon|hum|lab|neighb|rum|vap|harb|arm|od|sav|endeav|parl|vig|rig|tum|val|clam|splend|ferv|ard|cand|ranc|savi)our(?=$|s$|ed$|ing$|ite|able|ably|al|er|ful|less|ist|y$|ies$)/;
/** Single words, each British form with its American one. */
const WORDS = new Map(
  [
    'catalogue catalog',
    'catalogues catalogs',
    'catalogued cataloged',
    'dialogue dialog',
    'dialogues dialogs',
    'analogue analog',
    'analogues analogs',
    'defence defense',
    'defences defenses',
    'offence offense',
    'offences offenses',
    'licence license',
    'licences licenses',
    'pretence pretense',
    'centre center',
    'centres centers',
    'centred centered',
    'fibre fiber',
    'fibres fibers',
    'litre liter',
    'litres liters',
    'theatre theater',
    'calibre caliber',
    'grey gray',
    'programme program',
    'programmes programs',
    'artefact artifact',
    'artefacts artifacts',
    'judgement judgment',
    'judgements judgments',
    'acknowledgement acknowledgment',
    'ageing aging',
    'enrol enroll',
    'enrols enrolls',
    'enrolment enrollment',
    'fulfil fulfill',
    'fulfils fulfills',
    'fulfilment fulfillment',
    'instalment installment',
    'skilful skillful',
    'wilful willful',
    'sceptical skeptical',
    'mould mold',
    'moulds molds',
  ].map((pair) => pair.split(' ') as [string, string]),
);

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
  const listed = WORDS.get(word);
  if (listed !== undefined) return listed;
  const ise = word.includes('is') ? ISE.exec(word) : null;
  if (ise !== null) {
    const stem = ise[1] as string;
    return ALWAYS_ISE.has(stem) ? word : `${stem}iz${ise[2]}`;
  }
  const yse = word.includes('ys') ? YSE.exec(word) : null;
  if (yse !== null) return `${yse[1]}z${yse[2]}`;
  return word.includes('our') ? word.replace(OUR, '$1or') : word;
}
