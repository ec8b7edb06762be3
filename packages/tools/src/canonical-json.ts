/**
 * A stable text form of JSON arguments (keys sorted at every depth) and its SHA-256 digest, so
 * that the same arguments always give the same digest, however the model ordered the keys.
 */
import { sha256 } from '@keel/core/internal';

/**
 * JSON with object keys sorted, written without building intermediate objects (so a key such
 * as `__proto__` is written as data, never assigned). Values JSON cannot hold (undefined,
 * functions) are left out as `JSON.stringify` does.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [true, null] }); // '{"a":[true,null],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined || typeof item === 'function') continue;
    members.push(`${JSON.stringify(key)}:${canonicalJson(item)}`);
  }
  return `{${members.join(',')}}`;
}

/**
 * The SHA-256 of the canonical JSON of `value`, as `sha256:<hex>`.
 *
 * @example
 * ```ts
 * argumentsDigest({ city: 'Oslo' }) === argumentsDigest({ city: 'Oslo' }); // true
 * ```
 */
export function argumentsDigest(value: unknown): string {
  return `sha256:${sha256(canonicalJson(value))}`;
}
