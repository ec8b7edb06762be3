/**
 * Escaping for the HTML report: text and attribute values, and JSON placed inside a
 * `<script type="application/json">` block, so no string from a run can become markup or
 * script.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * `text` with the five characters that mean something in HTML written as entities; safe in
 * element text and in quoted attribute values.
 *
 * @example
 * ```ts
 * escapeHtml('<img src=x onerror="alert(1)">'); // '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

const SCRIPT_UNSAFE: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * `value` as JSON that can sit inside a `<script>` element: `<`, `>` and `&` (and the two line
 * separators) become `\u` escapes, so `</script>` or `<!--` in a string cannot end the block.
 * `JSON.parse` of the element's text gives `value` back.
 *
 * @example
 * ```ts
 * scriptJson({ answer: '</script><script>alert(1)</script>' });
 * // '{"answer":"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"}'
 * ```
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => SCRIPT_UNSAFE[c] as string);
}
