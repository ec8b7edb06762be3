/**
 * What the offline answerer does at each step of a turn: search the documents (once per aspect
 * of the question, a follow-up read with the conversation before it), or save the note asked
 * for; then answer from what the searches found, or say plainly that the documents do not
 * cover the question.
 */
import type { Message, ToolResultPart } from '@keel/core';
import type { PackedChunk } from '@keel/retrieval';
import type { AnswerUnit } from './answer-units';
import { extractAnswer } from './extractive-answer';
import { isInstructionLike } from './ingest-cleaning';
import { readQuestion, resolveFollowUp } from './question';
import { rememberedUnits } from './remembered-answer';

const SAVE_NOTE = /^\s*(?:save|remember|note)(?:\s+(?:a|this))?(?:\s+note)?\s*:\s*([\s\S]+)$/i;

/** How a declined answer begins: the documents do not cover the question. */
export const NOT_COVERED =
  'Not in the documents: the ingested documents do not cover this, so I cannot answer it from them.';

/** Raw HTML (a tag, an event handler) outside inline code: a page's markup, never quoted. */
const RAW_HTML =
  /<\/?\s*(?:script|img|iframe|svg|object|embed|style|link|meta|a|form|input|video|audio|source|base|body|html)\b|<[^>]*\bon[a-z]+\s*=|javascript:/i;

/**
 * Commands that weaken the machine they run on, which a page may slip into a how-to: TLS checks
 * turned off, a download piped or fed into a shell, files opened to everyone, packages installed
 * from another registry than the one the reader chose.
 */
const UNSAFE_COMMAND =
  /\b(?:npm|pnpm|yarn|bun)\b[^\n]{0,80}(?:\bconfig set registry\b|\s--registry[ =])|\s--(?:extra-)?index-url\b|\s--trusted-host\b|NODE_TLS_REJECT_UNAUTHORIZED\s*=\s*['"]?0\b|\bstrict-ssl\s*=?\s*false\b|\brejectUnauthorized\s*:\s*false\b|\bsslVerify\s*=?\s*false\b|\s--no-check-certificate\b|\b(?:curl|wget)\b[^\n|]{0,500}\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:\/(?:usr\/)?bin\/)?(?:ba|z|da)?sh\b|\b(?:ba|z)?sh\s+(?:-c\s+["']?\$\(|<\()\s*(?:curl|wget)\b|\bcurl\b[^\n|]{0,200}\s(?:-k|--insecure)\b|\bchmod\s+(?:-R\s+)?0?777\b/i;

/** Advice against a command (`Never set NODE_TLS_REJECT_UNAUTHORIZED=0`) is not the command. */
const WARNS = /\b(?:do not|don't|never|avoid|instead of|rather than)\b/i;

/** Words that describe a password rather than state one ("the password is never logged"). */
const DESCRIBES =
  'not|never|no|a|an|the|its|their|your|redacted|hashed|encrypted|stored|required|optional|kept|set|read|sent|checked|missing|empty|wrong|invalid|incorrect|only|also|in|on|at|from|of|for|that|which|and|or|to|is|twice|once|again|field|hash|prompt|manager|reset|rule|policy|random|secret|unique|long|short|case|valid|too|then|now|still|same|different|strong|weak|shown|known';

/**
 * A password written out in prose, which no redaction rule can tell from words: "the password
 * is amber falcon 97", "log in with the password opensesame". A word that describes one rather
 * than states it (`DESCRIBES`, or ending like a participle or an adverb) does not count.
 */
const PASSWORD_IN_PROSE = new RegExp(
  `\\b(?:password|passphrase|passcode|passwd)s?\\b(?: (?:for|of|to) [^.,;:]{1,40}?)?(?: is| was| reads| ?:) (?!(?:${DESCRIBES})\\b)(?![a-z]+(?:ed|en|ing|ly)\\b)[\\w-]|\\b(?:with|using|use|enter|type) (?:the |a |your )?(?:password|passphrase|passcode) (?!(?:${DESCRIBES})\\b)(?![a-z]+(?:ed|en|ing|ly)\\b)[\\w-]{4}`,
  'i',
);

/** A heading naming a chat role (`### System:`): what follows is a staged prompt, not prose. */
const ROLE_HEADING =
  /^(?:system|assistant|developer)(?:\s+(?:message|prompt|note|instructions?))?\s*:?$/i;

/**
 * Text the answerer never quotes: instructions to an assistant, a section staged as a chat
 * role's, markup planted in a page, commands that weaken the reader's machine, and passwords
 * written out in words.
 */
function isPlanted(text: string, headingPath: readonly string[]): boolean {
  const code = text.startsWith('```');
  return (
    isInstructionLike(text, { code }) ||
    ROLE_HEADING.test(headingPath.at(-1)?.trim() ?? '') ||
    RAW_HTML.test(text.replace(/`[^`\n]*`/g, '')) ||
    (UNSAFE_COMMAND.test(text) && (code || !WARNS.test(text))) ||
    PASSWORD_IN_PROSE.test(text)
  );
}

/** Chunks each search of the offline answerer asks for. */
const SEARCH_K = 20;

/** One offline step: text to stream, or a tool to call. */
export interface OfflineStep {
  text: string;
  /**
   * The text the step read, which its input tokens count: the question; the questions asked
   * before it in the conversation, which a follow-up is read against; at the answering step
   * also every source chunk it scored. A note is planned from the question alone, and
   * confirmed from the question and the tool's result. The system prompt and the fenced context
   * the request carries are not read.
   */
  read: string;
  toolCall?: { name: string; input: Record<string, unknown> };
}

/** The tool results the model was given since the turn's question (the last user message). */
function resultsSinceQuestion(messages: readonly Message[]): ToolResultPart[] {
  const results: ToolResultPart[] = [];
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index] as Message;
    if (message.role === 'user') break;
    if (message.role === 'tool') results.unshift(...message.content);
  }
  return results;
}

/** The questions asked earlier in the conversation, oldest first. */
function earlierQuestions(messages: readonly Message[]): string[] {
  const users = messages.filter((message) => message.role === 'user');
  // The last user message is this turn's prompt.
  return users
    .slice(0, -1)
    .map((message) => (typeof message.content === 'string' ? message.content : ''))
    .filter((text) => text !== '');
}

function describeResult(result: ToolResultPart): string {
  return typeof result.output === 'string' ? result.output : JSON.stringify(result.output);
}

function firstSentence(text: string): string {
  const end = text.search(/[.!?](?:\s|$)/);
  return end === -1 ? text : text.slice(0, end + 1);
}

function cite(citationId: string): string {
  return `[${citationId}]`;
}

/** The answer's markdown: sentences, items and rows as lists, each code block after its lead-in. */
function render(units: readonly AnswerUnit[]): string {
  const blocks: string[] = [];
  let list: string[] = [];
  for (const unit of units) {
    if (unit.kind !== 'code') {
      list.push(`- ${unit.text} ${cite(unit.citationId)}`);
      continue;
    }
    if (list.length > 0) blocks.push(list.join('\n'));
    list = [];
    blocks.push(`${unit.leadIn ?? 'For example:'} ${cite(unit.citationId)}\n\n${unit.text}`);
  }
  if (list.length > 0) blocks.push(list.join('\n'));
  return blocks.join('\n\n');
}

/** The text and tool call of one offline step. */
export function planOfflineStep(
  question: string,
  messages: readonly Message[],
  sources: readonly PackedChunk[],
  fallback: boolean,
): OfflineStep {
  const results = resultsSinceQuestion(messages);
  const note = SAVE_NOTE.exec(question);
  const saves = results.filter((result) => result.toolName === 'save_note');
  const saved = saves[0];
  if (saved) {
    return {
      read: [question, ...saves.map(describeResult)].join('\n'),
      // The tool's message is written for a model ("Do not retry it unchanged."): the person
      // reads its first sentence, which says what happened.
      text: saved.isError
        ? `The note was not saved: ${firstSentence(describeResult(saved))}`
        : `Saved the note "${(note?.[1] ?? '').trim().split('\n')[0]?.slice(0, 80)}".`,
    };
  }
  if (note && results.length === 0) {
    const body = (note[1] as string).trim();
    const title = body.split('\n')[0]?.slice(0, 80) ?? body;
    return { text: '', read: question, toolCall: { name: 'save_note', input: { title, body } } };
  }
  // A question about the user that recalled facts answer needs no search of the documents.
  const remembered = results.length === 0 ? rememberedUnits(question, sources) : [];
  if (remembered.length > 0) {
    return {
      read: [question, ...remembered.map((unit) => unit.text)].join('\n'),
      text: `From what you told me (offline mode: remembered, not generated):\n\n${render(remembered)}`,
    };
  }
  const earlier = earlierQuestions(messages);
  const read = readQuestion(resolveFollowUp(question, earlier));
  const asked = [...earlier, question].join('\n');
  // One search per aspect, one step each; then the answer.
  const query = read.queries[results.length];
  if (query !== undefined) {
    return {
      text: '',
      read: asked,
      toolCall: { name: 'search_docs', input: { query, k: SEARCH_K } },
    };
  }
  const scored = [asked, ...sources.map((source) => source.chunk.text)].join('\n');
  const lead = fallback
    ? 'The configured model is unavailable, so here is an extractive answer from the documents (offline mode):'
    : 'From the documents (offline mode: extracted, not generated):';
  const found = extractAnswer(read, sources, { exclude: isPlanted });
  if (!found.covered) {
    const seeAlso = found.nearest
      .map(
        ({ sourceId, headingPath }) =>
          `- ${[...headingPath].join(' › ') || sourceId} (${sourceId})`,
      )
      .join('\n');
    return {
      read: scored,
      text: `${fallback ? `${lead}\n\n` : ''}${NOT_COVERED}${seeAlso === '' ? '' : `\n\nSee also, the nearest sections (they do not answer it):\n${seeAlso}`}`,
    };
  }
  return { text: `${lead}\n\n${render(found.units)}`, read: scored };
}
