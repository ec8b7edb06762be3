/**
 * A fake fact-extraction model for tests: it reads the turns the facts prompt sent and answers
 * with the facts `extract` finds in each, as `generateObject` expects.
 */
import type { ChatRequest } from '@keel/core';
import { createFakeChatModel, type FakeChatModel } from '@keel/testing';
import type { ExtractedFact } from '../src/extract-facts';

/** The `[turn n] user: text` lines of a facts or summary request. */
export function requestTurns(request: ChatRequest): Array<{ turn: number; text: string }> {
  const body = request.messages
    .map((message) => (typeof message.content === 'string' ? message.content : ''))
    .join('\n');
  return [...body.matchAll(/^\[turn (\d+)\] user: (.*)$/gm)].map(([, turn, text]) => ({
    turn: Number(turn),
    text: text as string,
  }));
}

/** The known facts the facts prompt listed (`id, subject: statement`). */
export function requestKnownIds(request: ChatRequest): string[] {
  const body = request.messages
    .map((message) => (typeof message.content === 'string' ? message.content : ''))
    .join('\n');
  return [...body.matchAll(/^([\w-]+), [^:\n]+: /gm)].map(([, id]) => id as string);
}

/** A model answering each facts request with what `extract` returns for its user turns. */
export function fakeExtractor(
  extract: (
    turn: { turn: number; text: string },
    known: string[],
  ) => Partial<ExtractedFact>[] | undefined,
  costUsd = 0.0002,
): FakeChatModel {
  return createFakeChatModel(
    (request) => {
      const known = requestKnownIds(request);
      const facts = requestTurns(request).flatMap((turn) =>
        (extract(turn, known) ?? []).map((fact) => ({
          subject: 'topic',
          statement: turn.text,
          confidence: 0.9,
          scope: 'user' as const,
          turn: turn.turn,
          supersedes: [],
          ...fact,
        })),
      );
      return {
        text: JSON.stringify({ facts }),
        usage: { inputTokens: 200, outputTokens: 40 },
        costUsd,
      };
    },
    { modelId: 'fake-extractor' },
  );
}
