/**
 * Metadata filters: a predicate, or an object whose keys must equal a value (or one of an
 * array of values). The same filter applies to vector, BM25 and hybrid search.
 */
import { InvalidArgumentError, type JsonValue } from '@keel/core';
import type { Metadata } from './types';

/** A primitive a filter field can match. */
export type FilterValue = string | number | boolean | null;

/** `{ tenant: 'acme', lang: ['en', 'fr'] }` or `(metadata) => boolean`. */
export type Filter =
  | { [key: string]: FilterValue | readonly FilterValue[] }
  | ((metadata: Metadata) => boolean);

/** A compiled filter. */
export type MetadataPredicate = (metadata: Metadata) => boolean;

function matches(value: JsonValue | undefined, expected: FilterValue): boolean {
  if (Array.isArray(value)) return value.includes(expected);
  return value === expected || (value === undefined && expected === null);
}

/**
 * Turns a {@link Filter} into a predicate; `undefined` when there is no filter.
 *
 * @throws InvalidArgumentError for a filter that is neither an object nor a function.
 * @example
 * ```ts
 * const allowed = compileFilter({ tenant: 'acme' });
 * allowed?.({ tenant: 'acme', year: 2024 }); // true
 * ```
 */
export function compileFilter(filter: Filter | undefined): MetadataPredicate | undefined {
  if (filter === undefined) return undefined;
  if (typeof filter === 'function') return filter;
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) {
    throw new InvalidArgumentError({
      argument: 'filter',
      message: `filter must be an object of field values or a function, got ${JSON.stringify(filter)}`,
    });
  }
  const entries = Object.entries(filter);
  for (const [key, expected] of entries) {
    const options: unknown[] = Array.isArray(expected) ? expected : [expected];
    if (options.some((option) => option !== null && typeof option === 'object')) {
      throw new InvalidArgumentError({
        argument: 'filter',
        message: `filter field "${key}" must be a string, number, boolean or null, or an array of them, got ${JSON.stringify(expected)}; use a function filter for anything else`,
      });
    }
  }
  return function metadataFilter(metadata) {
    for (const [key, expected] of entries) {
      const value = metadata[key];
      if (Array.isArray(expected)) {
        if (!expected.some((option: FilterValue) => matches(value, option))) return false;
      } else if (!matches(value, expected as FilterValue)) return false;
    }
    return true;
  };
}
