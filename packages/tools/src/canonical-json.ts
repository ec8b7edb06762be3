/**
 * A stable text form of JSON arguments (keys sorted at every depth) and its SHA-256 digest, so
 * that the same arguments always give the same digest, however the model ordered the keys.
 */

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

const encoder = new TextEncoder();

/**
 * The SHA-256 of the canonical JSON of `value`, as `sha256:<hex>`. Uses Web Crypto, so it runs
 * on Node and edge runtimes.
 *
 * @example
 * ```ts
 * await argumentsDigest({ city: 'Oslo' }) === await argumentsDigest({ city: 'Oslo' }); // true
 * ```
 */
export async function argumentsDigest(value: unknown): Promise<string> {
  const bytes = await crypto.subtle.digest('SHA-256', encoder.encode(canonicalJson(value)));
  let hex = '';
  for (const byte of new Uint8Array(bytes)) hex += byte.toString(16).padStart(2, '0');
  return `sha256:${hex}`;
}
