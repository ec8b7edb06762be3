/**
 * The metadata filter language of {@link compileFilter}, as a SQL condition over a JSONB
 * `metadata` column: values travel as parameters, never in the text, and every field test is a
 * containment (`@>`) a `jsonb_path_ops` GIN index answers.
 */
import { compileFilter, type Filter, type FilterValue, type MetadataPredicate } from './filter';
import type { Metadata } from './types';

/** A filter as SQL, plus the predicate to apply in process when it is a function. */
export interface SqlFilter {
  /** A boolean SQL expression over `metadata`; `true` for none or a function filter. */
  where: string;
  /** The function filter, applied to rows in distance or rank order. */
  predicate?: MetadataPredicate;
}

/**
 * One field value as SQL: the field equals it, or is an array holding it; `null` also matches
 * a missing field, as in {@link compileFilter}.
 */
function fieldMatches(key: string, option: FilterValue, values: unknown[]): string {
  const parameter = (value: unknown) => {
    values.push(JSON.stringify(value));
    return `$${values.length}::jsonb`;
  };
  const tests = [
    `metadata @> ${parameter({ [key]: option })}`,
    `metadata @> ${parameter({ [key]: [option] })}`,
  ];
  if (option === null) {
    values.push(key);
    tests.push(`not (metadata ? $${values.length})`);
  }
  return tests.join(' or ');
}

/**
 * Translates `filter`, appending its parameters to `values` (numbered after those already there).
 *
 * @throws InvalidArgumentError for a filter {@link compileFilter} refuses.
 * @example
 * ```ts
 * const values: unknown[] = [query];
 * const { where } = sqlFilter({ tenant: 'acme' }, values);
 * await sql.query(`select id from chunks where ${where}`, values);
 * ```
 */
export function sqlFilter(filter: Filter | undefined, values: unknown[]): SqlFilter {
  const predicate = compileFilter(filter);
  if (predicate === undefined || filter === undefined) return { where: 'true' };
  if (typeof filter === 'function') return { where: 'true', predicate };
  const fields = Object.entries(filter).map(([key, expected]) => {
    const options: readonly FilterValue[] = Array.isArray(expected)
      ? expected
      : [expected as FilterValue];
    if (options.length === 0) return 'false';
    return `(${options.map((option) => fieldMatches(key, option, values)).join(' or ')})`;
  });
  return { where: fields.length === 0 ? 'true' : fields.join(' and ') };
}

/** Rows read per round trip when a function filter is applied in process. */
const PAGE = 256;

/**
 * The first `k` rows, in the query's order, that pass `predicate` (all rows pass without one):
 * reads pages of `fetch(limit, offset)` until k pass or the rows run out.
 *
 * @example
 * ```ts
 * const rows = await firstPassing(5, predicate, (limit, offset) =>
 *   connection.query(`${select} order by rank desc, id limit $2 offset $3`, [query, limit, offset]).then((r) => r.rows),
 * );
 * ```
 */
export async function firstPassing<Row extends { metadata: Metadata }>(
  k: number,
  predicate: MetadataPredicate | undefined,
  fetch: (limit: number, offset: number) => Promise<Row[]>,
): Promise<Row[]> {
  if (predicate === undefined) return fetch(k, 0);
  const passing: Row[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await fetch(PAGE, offset);
    for (const row of page) {
      if (predicate(row.metadata)) passing.push(row);
      if (passing.length === k) return passing;
    }
    if (page.length < PAGE) return passing;
  }
}
