/**
 * An inverted index from metadata values to slots, so an equality filter (a tenant, a
 * language) finds its matches in time proportional to the matches, not to the store.
 */
import type { Filter, FilterValue } from './filter';
import type { Metadata } from './types';

/** Slots by metadata key and primitive value; array fields index each element. */
export class MetadataIndex {
  private readonly fields = new Map<string, Map<FilterValue, Set<number>>>();

  private *entries(metadata: Metadata): Generator<[string, FilterValue]> {
    for (const [key, value] of Object.entries(metadata)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item === null || typeof item !== 'object') yield [key, item];
      }
    }
  }

  add(slot: number, metadata: Metadata): void {
    for (const [key, value] of this.entries(metadata)) {
      let values = this.fields.get(key);
      if (values === undefined) {
        values = new Map();
        this.fields.set(key, values);
      }
      let slots = values.get(value);
      if (slots === undefined) {
        slots = new Set();
        values.set(value, slots);
      }
      slots.add(slot);
    }
  }

  remove(slot: number, metadata: Metadata): void {
    for (const [key, value] of this.entries(metadata)) {
      const values = this.fields.get(key);
      const slots = values?.get(value);
      slots?.delete(slot);
      if (slots?.size === 0) values?.delete(value);
    }
  }

  /**
   * The slots an object filter can match (a superset when a field is also matched by arrays),
   * or undefined when the index cannot answer (a function filter, or `null` meaning missing).
   */
  candidates(filter: Filter): number[] | undefined {
    if (typeof filter === 'function') return undefined;
    let result: Set<number> | undefined;
    for (const [key, expected] of Object.entries(filter)) {
      const options: readonly FilterValue[] = Array.isArray(expected)
        ? expected
        : [expected as FilterValue];
      if (options.includes(null)) return undefined;
      const values = this.fields.get(key);
      const union = new Set<number>();
      for (const option of options) for (const slot of values?.get(option) ?? []) union.add(slot);
      result =
        result === undefined ? union : new Set([...result].filter((slot) => union.has(slot)));
      if (result.size === 0) return [];
    }
    return result === undefined ? undefined : [...result];
  }
}
