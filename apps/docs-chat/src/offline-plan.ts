/**
 * What the offline answerer does at each step of a turn: search the documents (or save the
 * note asked for), then answer from what the search found.
 */
import type { Message, ToolResultPart } from '@keel/core';
import type { PackedChunk } from '@keel/retrieval';
import { extractAnswer } from './extractive-answer';

const SAVE_NOTE = /^\s*(?:save|remember|note)(?:\s+(?:a|this))?(?:\s+note)?\s*:\s*([\s\S]+)$/i;

function toolResults(messages: readonly Message[]): ToolResultPart[] {
  const last = messages.at(-1);
  return last?.role === 'tool' ? last.content : [];
}

function describeResult(result: ToolResultPart): string {
  return typeof result.output === 'string' ? result.output : JSON.stringify(result.output);
}

/** The text and tool call of one offline step. */
export function planOfflineStep(
  question: string,
  messages: readonly Message[],
  sources: readonly PackedChunk[],
  fallback: boolean,
): { text: string; toolCall?: { name: string; input: Record<string, unknown> } } {
  const results = toolResults(messages);
  const note = SAVE_NOTE.exec(question);
  if (results.length === 0) {
    if (note) {
      const body = (note[1] as string).trim();
      const title = body.split('\n')[0]?.slice(0, 80) ?? body;
      return { text: '', toolCall: { name: 'save_note', input: { title, body } } };
    }
    return { text: '', toolCall: { name: 'search_docs', input: { query: question } } };
  }
  const saved = results.find((result) => result.toolName === 'save_note');
  if (saved) {
    return {
      text: saved.isError
        ? `The note was not saved: ${describeResult(saved)}`
        : `Saved the note "${(note?.[1] ?? '').trim().split('\n')[0]?.slice(0, 80)}".`,
    };
  }
  const picked = extractAnswer(question, sources);
  const lead = fallback
    ? 'The configured model is unavailable, so here is an extractive answer from the documents (offline mode):'
    : 'From the documents (offline mode: extracted, not generated):';
  if (picked.length === 0) {
    return {
      text: `${lead}\n\nI found nothing about this in the ingested documents. Try other words, or ingest the documents that cover it.`,
    };
  }
  return {
    text: `${lead}\n\n${picked.map(({ sentence, citationId }) => `- ${sentence} [${citationId}]`).join('\n')}`,
  };
}
