/**
 * `remember`: facts proposed for new turns (by the extractor model, or offline by `statedFacts`)
 * checked and stored one by one. A proposal that fails a check is reported with its
 * `InvalidFactError` and never stored; the others still are.
 */
import type { ChatModel } from '@keel/core';
import { type ExtractedFact, extractFacts } from './extract-facts';
import { messageText } from './extractive-summary';
import type { Fact, MemoryContext } from './fact';
import type { FactIndex } from './fact-index';
import type { FactWriter } from './fact-writer';
import type { Turn } from './history-window';
import { InvalidFactError } from './invalid-fact-error';
import { type MemorySpend, NO_SPEND } from './spend';
import { statedFacts } from './stated-facts';

/** What `remember` stored, refused and spent. */
export interface RememberResult extends MemorySpend {
  facts: Fact[];
  /** Ids of the facts the new ones superseded. */
  superseded: string[];
  /** Proposals that failed validation, with why; never stored. */
  rejected: Array<{ proposal: ExtractedFact; error: InvalidFactError }>;
}

/** What {@link createRememberer} needs. */
export interface RemembererOptions {
  extractor: ChatModel | undefined;
  index: FactIndex;
  write: FactWriter;
  /** The current facts a context may see. */
  visibleTo: (context: MemoryContext) => Promise<Fact[]>;
}

/** Known facts shown to the extractor, the most relevant to the new turns. */
const KNOWN_FACTS_SHOWN = 20;

/**
 * Creates the `remember` function.
 *
 * @example
 * ```ts
 * const remember = createRememberer({ extractor, index, write, visibleTo });
 * const { facts, rejected } = await remember({ context, turns });
 * ```
 */
export function createRememberer({ extractor, index, write, visibleTo }: RemembererOptions) {
  async function propose(
    context: MemoryContext,
    turns: readonly Turn[],
    visible: readonly Fact[],
    signal: AbortSignal | undefined,
  ): Promise<{ facts: ExtractedFact[] } & MemorySpend> {
    if (extractor === undefined) return { facts: statedFacts(turns), ...NO_SPEND };
    const query = turns.map(({ message }) => messageText(message)).join('\n');
    const known = await index.search(query, visible, context, KNOWN_FACTS_SHOWN, signal);
    return extractFacts({
      model: extractor,
      known: known.map(({ fact }) => fact),
      turns,
      metadata: { tenantId: context.tenantId, userId: context.userId },
      signal,
    });
  }

  return async function remember({
    context,
    turns,
    signal,
  }: {
    context: MemoryContext & { conversationId: string };
    turns: readonly Turn[];
    signal?: AbortSignal | undefined;
  }): Promise<RememberResult> {
    const result: RememberResult = { facts: [], superseded: [], rejected: [], ...NO_SPEND };
    if (turns.length === 0) return result;
    let current = await visibleTo(context);
    const proposed = await propose(context, turns, current, signal);
    const turnNumbers = new Set(turns.map(({ turn }) => turn));
    for (const proposal of proposed.facts) {
      try {
        if (!turnNumbers.has(proposal.turn)) {
          throw new InvalidFactError({
            field: 'source',
            message: `turn ${proposal.turn} is not one of the turns given (${[...turnNumbers].join(', ')}); cite the turn the fact was stated in`,
          });
        }
        const written = await write({
          context,
          input: {
            ...proposal,
            source: { type: 'turn', conversationId: context.conversationId, turn: proposal.turn },
          },
          supersedes: proposal.supersedes,
          visible: current,
        });
        result.facts.push(written.fact);
        result.superseded.push(...written.superseded);
        const replaced = new Set(written.superseded);
        current = [...current.filter(({ id }) => !replaced.has(id)), written.fact];
      } catch (error) {
        if (!InvalidFactError.isInstance(error)) throw error;
        result.rejected.push({ proposal, error });
      }
    }
    return { ...result, usage: proposed.usage, costUsd: proposed.costUsd };
  };
}
