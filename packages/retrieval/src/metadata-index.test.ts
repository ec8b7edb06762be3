import { describe, expect, it } from 'vitest';
import type { Filter } from './filter';
import { MetadataIndex } from './metadata-index';

describe('MetadataIndex', () => {
  const index = new MetadataIndex();
  index.add(0, { tenant: 'acme', lang: 'en' });
  index.add(1, { tenant: 'acme', lang: 'fr' });
  index.add(2, { tenant: 'globex', lang: ['en', 'fr'] });
  index.add(3, { tenant: 'globex' });

  it('lists and counts the slots a field filter matches', () => {
    expect(index.candidates({ tenant: 'acme' })?.sort()).toEqual([0, 1]);
    expect(index.count({ tenant: 'acme' })).toBe(2);
    expect(index.candidates({ lang: ['en', 'fr'] })?.sort()).toEqual([0, 1, 2]);
    expect(index.candidates({ tenant: 'globex', lang: 'fr' })).toEqual([2]);
    expect(index.candidates({ tenant: 'initech' })).toEqual([]);
    expect(index.count({ tenant: 'initech' })).toBe(0);
  });

  it('counts an upper bound without listing: the smallest field, options summed', () => {
    expect(index.count({ tenant: 'globex', lang: 'fr' })).toBe(2);
    expect(index.count({ lang: ['en', 'fr'] })).toBe(4);
  });

  it('cannot answer a function, an empty filter or null meaning a missing field', () => {
    const filters: Filter[] = [() => true, {}, { lang: null }];
    for (const filter of filters) {
      expect(index.candidates(filter)).toBeUndefined();
      expect(index.count(filter)).toBeUndefined();
    }
  });

  it('forgets a removed slot', () => {
    const removed = new MetadataIndex();
    removed.add(5, { tenant: 'acme' });
    removed.remove(5, { tenant: 'acme' });
    expect(removed.count({ tenant: 'acme' })).toBe(0);
  });
});
