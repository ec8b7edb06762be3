/**
 * The recall index: `@keel/retrieval`'s hybrid search (BM25 and the local embedder's vectors,
 * fused) over facts. It is a cache of the store, brought up to the facts a context may see on
 * each search, and purged by every forget, so it never answers with a fact the store no longer
 * holds. It keeps no embedding cache, so a forgotten fact leaves no vector behind.
 */
import { sha256 } from '@keel/core/internal';
import type { Metadata, Retriever } from '@keel/retrieval';
import { createExactStore, createLocalEmbedder, createRetriever } from '@keel/retrieval';
import type { Fact, MemoryContext } from './fact';
import { type FactOwner, isVisible } from './visible-to';

/** A fact found by recall, with its relevance (higher is better; only the order means anything). */
export interface ScoredFact {
  fact: Fact;
  score: number;
}

/** What {@link createFactIndex} returns. */
export interface FactIndex {
  /** Facts indexed, across every tenant. */
  size(): number;
  /** Whether anything of the fact is indexed. */
  has(factId: string): boolean;
  /**
   * Indexes `facts` (all the facts `context` may see, as the store listed them), drops what the
   * context may see but the store no longer holds, and searches them.
   */
  search(
    query: string,
    facts: readonly Fact[],
    context: MemoryContext,
    k: number,
    signal?: AbortSignal,
  ): Promise<ScoredFact[]>;
  /** Removes facts by id. */
  remove(factIds: Iterable<string>): Promise<void>;
}

const DOCUMENT_PREFIX = 'memory:';

const documentText = (fact: Fact) => `${fact.subject}: ${fact.statement}`;
/** What the index remembers of a fact's text: a digest, to notice a change, never the text. */
const digest = (fact: Fact) => sha256(documentText(fact));

function ownerOf(metadata: Metadata): FactOwner {
  return {
    tenantId: metadata.tenantId as string,
    userId: metadata.userId as string | null,
    conversationId: metadata.conversationId as string | null,
    scope: metadata.scope as Fact['scope'],
  };
}

/**
 * Creates an empty recall index.
 *
 * @example
 * ```ts
 * const index = createFactIndex();
 * const found = await index.search('where do I live', await store.listFacts(query), context, 5);
 * ```
 */
export function createFactIndex(): FactIndex {
  let retriever: Promise<Retriever> | undefined;
  /** Indexed facts: their owner (for pruning) and text digest. */
  const indexed = new Map<string, { owner: FactOwner; digest: string }>();
  const open = () => {
    const embedder = createLocalEmbedder();
    retriever ??= createRetriever({
      embedder,
      store: createExactStore({ dim: embedder.dimensions }),
      cache: false,
    });
    return retriever;
  };

  function remove(target: Retriever, ids: Iterable<string>): void {
    for (const id of ids) {
      if (indexed.delete(id)) target.remove(`${DOCUMENT_PREFIX}${id}`);
    }
  }

  return {
    size: () => indexed.size,
    has: (factId) => indexed.has(factId),
    async search(query, facts, context, k, signal) {
      const target = await open();
      const byId = new Map(facts.map((fact) => [fact.id, fact]));
      const gone = [...indexed].filter(
        ([id, { owner }]) => isVisible(owner, context) && !byId.has(id),
      );
      remove(
        target,
        gone.map(([id]) => id),
      );
      const fresh = facts.filter((fact) => indexed.get(fact.id)?.digest !== digest(fact));
      if (fresh.length > 0) {
        await target.ingest(
          fresh.map((fact) => ({
            id: `${DOCUMENT_PREFIX}${fact.id}`,
            text: documentText(fact),
            format: 'text' as const,
            metadata: {
              tenantId: fact.tenantId,
              userId: fact.userId,
              conversationId: fact.conversationId,
              scope: fact.scope,
            },
          })),
          { ...(signal && { signal }) },
        );
        for (const fact of fresh) {
          const { tenantId, userId, conversationId, scope } = fact;
          const owner = { tenantId, userId, conversationId, scope };
          indexed.set(fact.id, { owner, digest: digest(fact) });
        }
      }
      if (query.trim() === '' || byId.size === 0) return [];
      const hits = await target.retrieve(query, {
        k,
        mode: 'hybrid',
        dedupe: false,
        filter: (metadata) => isVisible(ownerOf(metadata), context),
        ...(signal && { signal }),
      });
      const found: ScoredFact[] = [];
      for (const { chunk, score } of hits) {
        const fact = byId.get(chunk.sourceId.slice(DOCUMENT_PREFIX.length));
        if (fact !== undefined && !found.some((hit) => hit.fact.id === fact.id)) {
          found.push({ fact, score });
        }
      }
      return found;
    },
    async remove(factIds) {
      // Before the first search nothing was indexed.
      if (retriever !== undefined) remove(await retriever, factIds);
    },
  };
}
