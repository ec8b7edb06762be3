/**
 * What the offline answerer does at each step of a turn: search the documents (once per aspect
 * of the question, a follow-up read with the conversation before it; then once more for a name
 * the answer found points to, see `pointedTo`), or save the note asked for; then answer from
 * what the searches found, or say plainly that the documents do not cover the question.
 */
import type { Message, ToolResultPart } from '@keel/core';
import type { PackedChunk } from '@keel/retrieval';
import type { AnswerUnit } from './answer-units';
import { type ExtractOptions, extractAnswer } from './extractive-answer';
import { isIdentifier, type Question, readQuestion, resolveFollowUp } from './question';
import { rememberedUnits } from './remembered-answer';
import { MEMORY_SOURCE_ID } from './turn-memory';

const SAVE_NOTE = /^\s*(?:save|remember|note)(?:\s+(?:a|this))?(?:\s+note)?\s*:\s*([\s\S]+)$/i;

/** How a declined answer begins: the documents do not cover the question. */
export const NOT_COVERED =
  'Not in the documents: the ingested documents do not cover this, so I cannot answer it from them.';

/** Chunks each search of the offline answerer asks for. */
const SEARCH_K = 20;

/** One offline step: text to stream, or a tool to call. */
export interface OfflineStep {
  text: string;
  /**
   * The text the step read, which its input tokens count: the question; the questions asked
   * before it in the conversation, which a follow-up is read against; at the answering step,
   * and at the search for a name the answer points to, also every source chunk it scored. A
   * note is planned from the question alone, and confirmed from the question and the tool's
   * result. The system prompt and the fenced context the request carries are not read.
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

/**
 * A `citationId` key and its value, a JSON string with no raw control character and no unknown
 * escape, so `JSON.parse` reads every match.
 */
const CITATION_ID = /"citationId":("(?:[^"\\\p{Cc}]|\\(?:["\\/bfnrt]|u[\dA-Fa-f]{4}))*")/gu;

/**
 * The citation ids a search returned, best first: its `results` list, as an object when it
 * fitted the result's token budget, else read from the text it was cut to (JSON cut short, the
 * list first; a document's text is a JSON string there, its quotes escaped, so it cannot pose
 * as an id). A failed search returned none.
 */
function searchedIds(result: ToolResultPart): string[] {
  if (result.isError) return [];
  const { output } = result;
  if (typeof output !== 'string') {
    const found = (output as { results?: unknown } | null)?.results;
    return Array.isArray(found)
      ? found.flatMap((item) => (typeof item?.citationId === 'string' ? [item.citationId] : []))
      : [];
  }
  return [...output.matchAll(CITATION_ID)].map((match) => JSON.parse(match[1] as string));
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

/** Code spans of a text. */
const CODE_SPAN = /`([^`\n]+)`/g;

/** A name of a file or a host, written like a dotted identifier (`package.json`, `api.example.com`). */
const FILE_OR_HOST =
  /\.(?:[cm]?[jt]sx?|json|jsonl|md|ya?ml|toml|tf|lock|txt|html?|css|sh|ps1|exe|dll|so|env|com|org|net|io|dev|example|local|internal)$/i;

/**
 * The name the answer points to and the sources do not explain: the first identifier (4 to 64
 * characters, not a file or host name) that a quoted sentence, item or row writes in a code
 * span (`BudgetExceededError`, `fenceUntrusted`) and the question does not, which no section of
 * the sources is headed by and at most one source chunk mentions. The documents that say what
 * it is are another search away.
 */
function pointedTo(
  question: Question,
  units: readonly AnswerUnit[],
  sources: readonly PackedChunk[],
): string | undefined {
  const asked = new Set(question.identifiers.map((id) => id.toLowerCase()));
  for (const unit of units) {
    if (unit.kind === 'code' || unit.kind === 'line') continue;
    for (const [, span] of unit.text.matchAll(CODE_SPAN)) {
      const name = (span as string).replace(/\(\)$/, '');
      if (!/^[A-Za-z_$][\w$.]{3,63}$/.test(name) || !isIdentifier(name)) continue;
      if (FILE_OR_HOST.test(name) || asked.has(name.toLowerCase())) continue;
      const headed = sources.some(({ chunk }) =>
        (chunk.headingPath ?? []).some((heading) => heading.includes(name)),
      );
      const mentions = sources.filter(({ chunk }) => chunk.text.includes(name)).length;
      if (!headed && mentions <= 1) return name;
    }
  }
  return undefined;
}

/** The text and tool call of one offline step. */
export function planOfflineStep(
  question: string,
  messages: readonly Message[],
  sources: readonly PackedChunk[],
  { fallback, exclude }: { fallback: boolean; exclude: ExtractOptions['exclude'] },
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
  const search = (query: string, text: string): OfflineStep => ({
    text: '',
    read: text,
    toolCall: { name: 'search_docs', input: { query, k: SEARCH_K } },
  });
  // The question's searches (see `Question.queries`), one step each; then perhaps one for the
  // name the answer points to; then the answer.
  const query = read.queries[results.length];
  if (query !== undefined) return search(query, asked);
  // The documents: what the user told the app answers only a question about them (above),
  // never a question about the documents, whose answer it would neither join nor weigh.
  const documents = sources.filter(({ chunk }) => chunk.sourceId !== MEMORY_SOURCE_ID);
  const scored = [asked, ...documents.map((source) => source.chunk.text)].join('\n');
  const lead = fallback
    ? 'The configured model is unavailable, so here is an extractive answer from the documents (offline mode):'
    : 'From the documents (offline mode: extracted, not generated):';
  // A chunk ranks by its best place in any search of the turn: the best chunk of a question's
  // second aspect comes first in its own search, though found after the first search's.
  const ranks = new Map(documents.map((source, index) => [source.citationId, index]));
  for (const result of results) {
    if (result.toolName !== 'search_docs') continue;
    // An id that is none of the turn's sources is left out.
    searchedIds(result).forEach((citationId, index) => {
      if (index < (ranks.get(citationId) ?? -1)) ranks.set(citationId, index);
    });
  }
  const found = extractAnswer(read, documents, { exclude, ranks });
  // Only right after the question's own searches, each a step of its own: a step calling a
  // tool adds a result, so at most four steps are behind (MAX_SEARCHES), also when a model
  // that fell back here called other tools first; the follow is the fifth and the answer the
  // sixth, the turn's last (`maxSteps` in stream-turn.ts).
  if (found.covered && results.length === read.queries.length) {
    const follow = pointedTo(read, found.units, documents);
    if (follow !== undefined) return search(follow, scored);
  }
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
