/**
 * Validation shared by the vector stores' factories and mutations.
 */
import { InvalidArgumentError } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { assertVector } from './validate-vector';
import { assertId, type Space, type VectorItem, type VectorStore } from './vector-store';

const SPACES: readonly Space[] = ['cosine', 'ip', 'l2'];

/** Throws for a dimension or space a store cannot use. */
export function assertStoreShape(dim: number, space: Space): void {
  assertNumber('dim', dim, { integer: true, min: 1 });
  if (!SPACES.includes(space)) {
    throw new InvalidArgumentError({
      argument: 'space',
      message: `space must be one of ${SPACES.join(', ')}, got ${JSON.stringify(space)}`,
    });
  }
}

/** Checks every item before any is stored, so a bad batch changes nothing. */
export function assertItems(items: readonly VectorItem[], dim: number): void {
  if (!Array.isArray(items)) {
    throw new InvalidArgumentError({
      argument: 'items',
      message: 'items must be an array of { id, vector, metadata }',
    });
  }
  const seen = new Set<string>();
  for (const item of items) {
    assertId(item?.id);
    assertVector(item.vector, dim, `vector of "${item.id}"`);
    if (seen.has(item.id)) {
      throw new InvalidArgumentError({
        argument: 'items',
        message: `id "${item.id}" appears twice in one batch`,
      });
    }
    seen.add(item.id);
  }
}

/**
 * The by-id methods of a store over its slot map, its own `put` and its own `drop` (which
 * frees a slot; the map entry is removed here). `add` and `upsert` check the whole batch
 * first, and `add` refuses ids already stored, so a rejected batch changes nothing.
 */
export function storeMethods(
  dim: number,
  slots: Map<string, number>,
  put: (item: VectorItem) => void,
  drop: (slot: number) => void,
): Pick<VectorStore, 'add' | 'upsert' | 'delete' | 'has' | 'ids'> {
  return {
    add(items) {
      assertItems(items, dim);
      for (const item of items) {
        if (slots.has(item.id)) {
          throw new InvalidArgumentError({
            argument: 'items',
            message: `id "${item.id}" is already stored; use upsert to replace it`,
          });
        }
      }
      for (const item of items) put(item);
    },
    upsert(items) {
      assertItems(items, dim);
      for (const item of items) put(item);
    },
    delete(removed) {
      let count = 0;
      for (const id of removed) {
        const slot = slots.get(id);
        if (slot === undefined) continue;
        slots.delete(id);
        drop(slot);
        count++;
      }
      return count;
    },
    has(id) {
      return slots.has(id);
    },
    ids() {
      return [...slots.keys()];
    },
  };
}
