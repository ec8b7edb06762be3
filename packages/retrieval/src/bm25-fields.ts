/**
 * The fields of a BM25F document (its body, title and heading path) and their weights and
 * length normalisation, resolved from the index's options.
 */
import { InvalidArgumentError } from '@keel/core';
import { assertNumber } from '@keel/core/internal';

/** A field of an indexed document: `text` is the body. */
export type Bm25Field = 'body' | 'title' | 'headings';

/** The fields, in the order postings and the term pool keep them. */
export const BM25_FIELDS: readonly Bm25Field[] = ['body', 'title', 'headings'];

/**
 * Default weight of a term's count in each field, chosen on the quality bench's labelled set
 * (bench/bm25f.bench.ts).
 */
export const DEFAULT_FIELD_WEIGHTS: Readonly<Record<Bm25Field, number>> = {
  body: 1,
  title: 3,
  headings: 3,
};

/** Default length normalisation of the short fields; the body's is the index's `b`. */
export const DEFAULT_SHORT_FIELD_B = 0.5;

/** Per field, in {@link BM25_FIELDS} order: weight and length normalisation. */
export interface ResolvedFields {
  weights: Float64Array;
  bs: Float64Array;
}

/**
 * Checks and completes per-field weights and `b`s.
 *
 * @throws InvalidArgumentError for an unknown field, or a weight or `b` out of range.
 */
export function resolveFields(
  b: number,
  weights: Partial<Record<Bm25Field, number>> = {},
  bs: Partial<Record<Bm25Field, number>> = {},
): ResolvedFields {
  for (const [argument, given] of [
    ['fieldWeights', weights],
    ['fieldB', bs],
  ] as const) {
    const unknown = Object.keys(given).filter((key) => !BM25_FIELDS.includes(key as Bm25Field));
    if (unknown.length > 0) {
      throw new InvalidArgumentError({
        argument,
        message: `${argument} has no field ${unknown.map((key) => JSON.stringify(key)).join(', ')}; the fields are ${BM25_FIELDS.join(', ')}`,
      });
    }
  }
  const resolved = { weights: new Float64Array(3), bs: new Float64Array(3) };
  for (const [f, field] of BM25_FIELDS.entries()) {
    const weight = weights[field] ?? DEFAULT_FIELD_WEIGHTS[field];
    const fieldB = bs[field] ?? (field === 'body' ? b : DEFAULT_SHORT_FIELD_B);
    assertNumber(`fieldWeights.${field}`, weight, { min: 0, hint: '0 leaves the field out' });
    assertNumber(`fieldB.${field}`, fieldB, { min: 0, max: 1 });
    resolved.weights[f] = weight;
    resolved.bs[f] = fieldB;
  }
  return resolved;
}
