/**
 * An inverted index from metadata values to slots, so an equality filter (a tenant, a
 * language) finds its matches in time proportional to the matches, not to the store, and
 * counts them in time proportional to the filter.
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
   * For each field of an object filter, the slot sets of the values it accepts; undefined when
   * the index cannot answer (a function filter, an empty object, or `null` meaning missing).
   */
  private lookup(filter: Filter): Array<Array<Set<number>>> | undefined {
    if (typeof filter === 'function') return undefined;
    const fields: Array<Array<Set<number>>> = [];
    for (const [key, expected] of Object.entries(filter)) {
      const options: readonly FilterValue[] = Array.isArray(expected)
        ? expected
        : [expected as FilterValue];
      if (options.includes(null)) return undefined;
      const values = this.fields.get(key);
      fields.push(options.flatMap((option) => values?.get(option) ?? []));
    }
    return fields.length === 0 ? undefined : fields;
  }

  /**
   * The slots an object filter can match (a superset when a field is also matched by arrays),
   * or undefined when the index cannot answer (a function filter, or `null` meaning missing).
   */
  candidates(filter: Filter): number[] | undefined {
    const fields = this.lookup(filter);
    if (fields === undefined) return undefined;
    let result: number[] | undefined;
    for (const sets of fields) {
      const union =
        sets.length === 1 ? (sets[0] as Set<number>) : new Set(sets.flatMap((set) => [...set]));
      result = result === undefined ? [...union] : result.filter((slot) => union.has(slot));
      if (result.length === 0) return [];
    }
    return result;
  }

  /**
   * An upper bound of the slots an object filter matches (the smallest field's count), counted
   * without listing them; undefined when {@link candidates} cannot answer.
   */
  count(filter: Filter): number | undefined {
    const fields = this.lookup(filter);
    if (fields === undefined) return undefined;
    return Math.min(...fields.map((sets) => sets.reduce((sum, set) => sum + set.size, 0)));
  }
}
