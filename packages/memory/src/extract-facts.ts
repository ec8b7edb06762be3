/**
 * Fact extraction: new turns and the facts already held go to a model through the versioned
 * facts prompt, and `generateObject` returns the answer validated against its schema. What the
 * facts may claim (their owner, their turn, what they supersede) is checked afterwards by
 * `createMemory`.
 */
import type { ChatModel, Message, RequestMetadata } from '@keel/core';
import { generateObject } from '@keel/llm';
import { untrusted } from '@keel/prompts';
import type { z } from 'zod';
import type { Fact } from './fact';
import { EXTRACTED_FACTS, FACTS_PROMPT } from './memory-prompts';
import { formatTurns, modelRequest } from './model-request';
import type { MemorySpend } from './spend';

/** A fact as the model proposed it, before memory's checks. */
export type ExtractedFact = z.output<typeof EXTRACTED_FACTS>['facts'][number];

/** Options of {@link extractFacts}. */
export interface ExtractFactsOptions {
  model: ChatModel;
  /** Facts already held that the new turns may update; the model sees their ids. */
  known: readonly Fact[];
  turns: readonly { turn: number; message: Message }[];
  metadata: RequestMetadata;
  signal?: AbortSignal | undefined;
}

/**
 * Asks `model` for the facts stated in `turns`.
 *
 * @throws ObjectValidationError (from `@keel/llm`) when the answer never matches the schema.
 * @example
 * ```ts
 * const { facts } = await extractFacts({ model, known, turns, metadata: { userId } });
 * ```
 */
export async function extractFacts({
  model,
  known,
  turns,
  metadata,
  signal,
}: ExtractFactsOptions): Promise<{ facts: ExtractedFact[] } & MemorySpend> {
  const rendered = await FACTS_PROMPT.render({
    known: untrusted(
      known.length === 0
        ? '(none)'
        : known.map((fact) => `${fact.id}, ${fact.subject}: ${fact.statement}`).join('\n'),
      { source: 'memory' },
    ),
    turns: untrusted(formatTurns(turns), { source: 'conversation' }),
  });
  const { object, usage, costUsd } = await generateObject(
    model,
    {
      ...modelRequest(FACTS_PROMPT, rendered, metadata),
      schema: EXTRACTED_FACTS,
      schemaName: 'facts',
    },
    { ...(signal && { signal }) },
  );
  return { facts: object.facts, usage, costUsd };
}
