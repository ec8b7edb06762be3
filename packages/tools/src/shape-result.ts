/**
 * What a tool returned, made fit for the model: serialised, measured, and cut to its token
 * budget when it is too long.
 */
import { type EncodingName, loadEncoding, truncateTokens } from '@keel/tokens';

/** A result as handed back to the model, with its size. */
export interface ShapedResult {
  /** The output itself when it fits, else the cut text. */
  output: unknown;
  tokens: number;
  bytes: number;
  truncated: boolean;
}

/** Tokens kept free for the note that says the result was cut. */
const NOTE_TOKENS = 24;
/** Characters looked at per token of budget before counting (no token is this long). */
const CHARS_PER_TOKEN_BOUND = 64;

const encoder = new TextEncoder();

/**
 * Serialises `output` (strings as they are, anything else as JSON) and cuts it to `maxTokens`
 * tokens, with a note saying how much was kept, when it is longer.
 *
 * @throws TypeError when the output cannot be serialised (a cycle, a BigInt).
 */
export async function shapeResult(
  output: unknown,
  maxTokens: number,
  encodingName: EncodingName,
): Promise<ShapedResult> {
  const text = typeof output === 'string' ? output : (JSON.stringify(output) ?? 'null');
  const encoding = await loadEncoding(encodingName);
  // A token is at least one byte, so text of at most maxTokens bytes always fits.
  const fits = text.length * 3 <= maxTokens || encoding.isWithinLimit(text, maxTokens);
  if (fits) {
    return {
      output: output === undefined ? null : output,
      tokens: encoding.count(text),
      bytes: encoder.encode(text).length,
      truncated: false,
    };
  }
  const kept = await truncateTokens(
    text.slice(0, maxTokens * CHARS_PER_TOKEN_BOUND),
    Math.max(1, maxTokens - NOTE_TOKENS),
    { encoding: encodingName },
  );
  const cut = `${kept}\n[result truncated to fit ${maxTokens} tokens; ${text.length} characters in full]`;
  return {
    output: cut,
    tokens: encoding.count(cut),
    bytes: encoder.encode(cut).length,
    truncated: true,
  };
}
