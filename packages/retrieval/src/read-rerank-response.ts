/**
 * Reading a rerank response without trusting it: the ranked list and the billed units, each
 * checked against what was sent.
 */
import { RerankResponseError } from './rerank-response-error';

/** One ranked document: its position in the request and its relevance (higher is better). */
export interface RerankResult {
  index: number;
  relevanceScore: number;
}

/** Where a protocol keeps its ranking and its billed units in the response body. */
export interface RerankResponseShape {
  provider: string;
  /** `results` (Cohere) or `data` (Voyage). */
  resultsField: string;
  /** Path of the billed units, e.g. `['meta', 'billed_units', 'search_units']`. */
  unitsPath: readonly string[];
}

function at(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * The ranking and billed units of a response to a request of `documentCount` documents.
 * Missing units are accepted (as 0) only when `unitsRequired` is false.
 *
 * @throws RerankResponseError for a missing or malformed ranking, an index out of range or
 * repeated, or missing units that are needed to count the cost.
 */
export function readRerankResponse(
  body: unknown,
  documentCount: number,
  { provider, resultsField, unitsPath }: RerankResponseShape,
  unitsRequired: boolean,
): { results: RerankResult[]; units: number } {
  const fail = (reason: string): never => {
    throw new RerankResponseError({ provider, reason });
  };
  const list = at(body, [resultsField]);
  if (!Array.isArray(list)) fail(`has no "${resultsField}" array`);
  const seen = new Set<number>();
  const results = (list as unknown[]).map((item, position) => {
    const index = at(item, ['index']);
    const score = at(item, ['relevance_score']);
    if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= documentCount) {
      fail(
        `ranks index ${JSON.stringify(index)} at ${position}, but ${documentCount} documents were sent`,
      );
    }
    if (seen.has(index as number)) fail(`ranks index ${index} twice`);
    seen.add(index as number);
    if (typeof score !== 'number' || !Number.isFinite(score)) {
      fail(`has relevance_score ${JSON.stringify(score)} at ${position}`);
    }
    return { index: index as number, relevanceScore: score as number };
  });
  const units = at(body, unitsPath);
  if (units === undefined && !unitsRequired) return { results, units: 0 };
  if (!Number.isInteger(units) || (units as number) < 0) {
    fail(
      `has ${unitsPath.join('.')} ${JSON.stringify(units)}, so its cost cannot be counted (pass price: 0 for a server that does not bill)`,
    );
  }
  return { results, units: units as number };
}
