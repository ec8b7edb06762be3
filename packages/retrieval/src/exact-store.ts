import { compileFilter } from './filter';
import { assertStoreShape, storeMethods } from './store-options';
import { TopK } from './top-k';
import type { Metadata } from './types';
import { assertVector } from './validate-vector';
import {
  distance,
  prepare,
  resolveK,
  type Space,
  scoreOf,
  type VectorItem,
  type VectorStore,
} from './vector-store';

/** Options of {@link createExactStore}. */
export interface ExactStoreOptions {
  dim: number;
  /** Default `cosine`. */
  space?: Space;
}

/**
 * Creates an exact in-memory vector store.
 *
 * @example
 * ```ts
 * const store = createExactStore({ dim: 384 });
 * store.add([{ id: 'a#0', vector, metadata: { tenant: 'acme' } }]);
 * store.search(query, { k: 5, filter: { tenant: 'acme' } });
 * ```
 */
export function createExactStore({ dim, space = 'cosine' }: ExactStoreOptions): VectorStore {
  assertStoreShape(dim, space);
  let vectors = new Float32Array(dim * 64);
  const ids: string[] = [];
  const metadata: Metadata[] = [];
  const slots = new Map<string, number>();

  function put(item: VectorItem): void {
    const existing = slots.get(item.id);
    const slot = existing ?? ids.length;
    if (existing === undefined) {
      if ((slot + 1) * dim > vectors.length) {
        const grown = new Float32Array(vectors.length * 2);
        grown.set(vectors);
        vectors = grown;
      }
      ids.push(item.id);
      slots.set(item.id, slot);
    }
    vectors.set(prepare(space, item.vector), slot * dim);
    metadata[slot] = item.metadata ?? {};
  }

  return {
    dim,
    space,
    get size() {
      return ids.length;
    },
    ...storeMethods(dim, slots, put, (slot) => {
      // Move the last vector into the freed slot.
      const last = ids.length - 1;
      if (slot !== last) {
        vectors.copyWithin(slot * dim, last * dim, (last + 1) * dim);
        const lastId = ids[last] as string;
        ids[slot] = lastId;
        metadata[slot] = metadata[last] as Metadata;
        slots.set(lastId, slot);
      }
      ids.pop();
      metadata.pop();
    }),
    search(vector, { k, filter } = {}) {
      const wanted = resolveK(k);
      assertVector(vector, dim, 'query');
      const query = prepare(space, vector);
      const allowed = compileFilter(filter);
      const top = new TopK<number>(wanted);
      for (let slot = 0; slot < ids.length; slot++) {
        if (allowed && !allowed(metadata[slot] as Metadata)) continue;
        const row = vectors.subarray(slot * dim, (slot + 1) * dim);
        top.push(slot, scoreOf(space, distance(space, query, row)));
      }
      return top.sorted().map(({ item, score }) => ({
        id: ids[item] as string,
        score,
        metadata: metadata[item] as Metadata,
      }));
    },
  };
}
