/**
 * Letters of other scripts that look like Latin ones (Cyrillic, Greek, Armenian), each with the
 * Latin letter it passes for, capitals as capitals: what `Аssіstаnt` or `untruѕted` reads as.
 * Shared by the fence-tag escaping and the injection scorer, so both read text the same way.
 */
export const LOOKALIKES: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(
    [
      // Cyrillic
      'аa',
      'вb',
      'гr',
      'еe',
      'һh',
      'іi',
      'јj',
      'кk',
      'мm',
      'нh',
      'оo',
      'рp',
      'сc',
      'ѕs',
      'тt',
      'уy',
      'хx',
      'ԁd',
      'ԛq',
      'ԝw',
      'ѵv',
      'АA',
      'ВB',
      'ЕE',
      'ІI',
      'ЈJ',
      'КK',
      'МM',
      'НH',
      'ОO',
      'РP',
      'СC',
      'ЅS',
      'ТT',
      'ХX',
      'ҮY',
      // Greek
      'αa',
      'βb',
      'εe',
      'ηn',
      'ιi',
      'κk',
      'νv',
      'οo',
      'ρp',
      'τt',
      'υu',
      'χx',
      'ωw',
      'ΑA',
      'ΒB',
      'ΕE',
      'ΖZ',
      'ΗH',
      'ΙI',
      'ΚK',
      'ΜM',
      'ΝN',
      'ΟO',
      'ΡP',
      'ΤT',
      'ΥY',
      'ΧX',
      // Armenian
      'սu',
      'ոn',
      'օo',
      'ցg',
      'հh',
    ].map((pair) => [pair[0] as string, pair[1] as string]),
  ),
);

/** The lookalike letters, for a character class. */
export const LOOKALIKE_LETTERS = Object.keys(LOOKALIKES).join('');
const LOOKALIKE = new RegExp(`[${LOOKALIKE_LETTERS}]`, 'gu');

/** `text` with every lookalike letter written as the Latin letter it passes for. */
export function foldLookalikes(text: string): string {
  return text.replace(LOOKALIKE, (char) => LOOKALIKES[char] as string);
}
