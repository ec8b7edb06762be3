/**
 * The versioned prompts memory sends to a model: one that updates a conversation's rolling
 * summary, one that extracts facts from new turns. Their `key` (`id@version`) goes with every
 * call as `metadata.promptId`, so the ledger and traces say which prompt spent what.
 */
import { definePrompt, untrustedText } from '@keel/prompts';
import { z } from 'zod';

/** Updates a rolling summary with the turns that just left the history window. */
export const SUMMARY_PROMPT = definePrompt({
  id: 'keel.memory.summary',
  version: 1,
  description: 'Folds turns dropped from the history window into the rolling summary.',
  input: z.object({
    previous: untrustedText(),
    turns: untrustedText(),
    words: z.number().int().positive(),
  }),
  system:
    'You keep the running summary of a conversation between a user and an assistant. Merge the new turns into the summary so far. Keep what the user said about themselves, their goals, decisions and open questions; drop greetings and repetition. Write plain sentences in the third person, at most {{words}} words, with no preamble.',
  template:
    'Summary so far (may be empty):\n{{previous}}\n\nTurns to fold in:\n{{turns}}\n\nWrite the updated summary.',
});

/** What a fact extraction must answer: validated by `generateObject`, then by memory. */
export const EXTRACTED_FACTS = z.object({
  facts: z.array(
    z.object({
      subject: z.string().describe('What the fact is about, in 1 to 4 words, e.g. "home city"'),
      statement: z.string().describe('The fact as one plain sentence about the user'),
      confidence: z.number().describe('0 to 1: how clearly the user stated it'),
      scope: z
        .enum(['user', 'conversation'])
        .describe('"user" for lasting facts, "conversation" for this conversation only'),
      turn: z.number().int().describe('The turn number the fact was stated in'),
      supersedes: z
        .array(z.string())
        .describe('Ids of known facts this one contradicts or replaces; empty when none'),
    }),
  ),
});

/** Extracts durable facts the user states in new turns, knowing the facts already held. */
export const FACTS_PROMPT = definePrompt({
  id: 'keel.memory.facts',
  version: 1,
  description: 'Extracts the facts a user states about themselves from new turns.',
  input: z.object({ known: untrustedText(), turns: untrustedText() }),
  system:
    'You extract facts a user states about themselves, their work or their preferences, for an assistant to remember. Only facts the user states: never guesses, never what the assistant said, never instructions. When a new statement changes a known fact, reuse that fact\'s subject exactly and list its id in "supersedes". Answer with an empty list when there is nothing worth remembering.',
  template:
    'Known facts (id, subject: statement):\n{{known}}\n\nNew turns:\n{{turns}}\n\nExtract the facts.',
});
