/**
 * A provider's base URL in one spelling, so `http://host/v1/` and `http://host/v1` name the same
 * server in the keys of the response and embedding caches.
 */

/**
 * `url` without trailing slashes.
 *
 * @example
 * ```ts
 * normalizeBaseURL('http://localhost:11434/v1/'); // 'http://localhost:11434/v1'
 * ```
 */
export function normalizeBaseURL(url: string): string {
  return url.replace(/\/+$/, '');
}
