/**
 * The offline fact extraction: no model, the same facts for the same turns. It takes only what a
 * user plainly states in the first person ("my editor is Helix", "I live in Lisbon", "remember
 * that the staging key rotates on Mondays"), never questions, with a modest confidence.
 */
import type { Message } from '@keel/core';
import type { ExtractedFact } from './extract-facts';
import { messageText } from './extractive-summary';

/** The confidence of a fact the offline rules found. */
export const STATED_FACT_CONFIDENCE = 0.6;

const SENTENCES = /[^.!?\n]+[.!?]?/g;
const MY = /\bmy ([a-z][a-z' -]{0,40}?) (is|are|was|were) (.{1,200})$/i;
const I_VERB = /\bI (live|work|use|prefer|like|speak|own|have) (.{1,200})$/i;
const REMEMBER = /\bremember (?:that )?(.{3,200})$/i;

/** A clause with its final stop removed and the user's own words in the third person. */
const clean = (text: string) =>
  text
    .trim()
    .replace(/[.!]+$/, '')
    .replace(/\bmy\b/gi, 'their')
    .replace(/\bme\b/gi, 'them');
const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;

/** The fact one sentence states, if it states one. */
function factOf(text: string): Pick<ExtractedFact, 'subject' | 'statement'> | undefined {
  if (text.trim().endsWith('?')) return undefined;
  const remembered = REMEMBER.exec(text);
  if (remembered) {
    const what = clean(remembered[1] as string);
    return {
      subject: what.split(/\s+/).slice(0, 4).join(' ').toLowerCase(),
      statement: sentence(what),
    };
  }
  const mine = MY.exec(text);
  if (mine) {
    const [, subject, verb, rest] = mine as unknown as [string, string, string, string];
    return {
      subject: subject.toLowerCase(),
      statement: `The user's ${subject} ${verb} ${clean(rest)}.`,
    };
  }
  const done = I_VERB.exec(text);
  if (done) {
    const [, verb, rest] = done as unknown as [string, string, string];
    const third = verb.toLowerCase() === 'have' ? 'has' : `${verb.toLowerCase()}s`;
    return { subject: verb.toLowerCase(), statement: `The user ${third} ${clean(rest)}.` };
  }
  return undefined;
}

/**
 * The facts the user's turns plainly state, one per sentence at most, as `user`-scoped
 * proposals that `createMemory` validates like a model's.
 *
 * @example
 * ```ts
 * statedFacts([{ turn: 2, message: { role: 'user', content: 'My dog is called Biscuit.' } }]);
 * // [{ subject: 'dog', statement: "The user's dog is called Biscuit.", turn: 2, ... }]
 * ```
 */
export function statedFacts(turns: readonly { turn: number; message: Message }[]): ExtractedFact[] {
  const facts: ExtractedFact[] = [];
  for (const { turn, message } of turns) {
    if (message.role !== 'user') continue;
    for (const [text] of messageText(message).matchAll(SENTENCES)) {
      const found = factOf(text);
      if (found === undefined) continue;
      facts.push({
        ...found,
        confidence: STATED_FACT_CONFIDENCE,
        scope: 'user',
        turn,
        supersedes: [],
      });
    }
  }
  return facts;
}
