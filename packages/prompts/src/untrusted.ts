/**
 * Untrusted text as a prompt input value: it renders fenced, through {@link fenceUntrusted},
 * with a fresh random code per render, and adds the matching instruction to the system message.
 */
import { InvalidArgumentError } from '@keel/core';
import { z } from 'zod';
import { checkFenceOptions, type FenceOptions, type UntrustedMode } from './fence-untrusted';
import type { InvisibleHandling } from './sanitize-text';

const brand = Symbol.for('keel.prompts.UntrustedText');

/** Text from outside, waiting to be fenced when a prompt renders it. Make one with {@link untrusted}. */
export interface UntrustedText {
  readonly [brand]: true;
  readonly text: string;
  readonly source: string;
  readonly mode: UntrustedMode;
  readonly invisible: InvisibleHandling;
}

/** Options of {@link untrusted}: those of `fenceUntrusted` except the random seam. */
export type UntrustedOptions = Omit<FenceOptions, 'randomId'>;

/**
 * Marks `text` as untrusted for a prompt input. Declare the field with {@link untrustedText}
 * in the input schema, so that plain strings are refused where fenced text is expected.
 *
 * @throws InvalidArgumentError when `text` is not a string, `source` is empty or an option is unknown.
 * @example
 * ```ts
 * await summarize.render({ page: untrusted(html, { source: 'web:example.com' }) });
 * ```
 */
export function untrusted(text: string, options: UntrustedOptions): UntrustedText {
  if (typeof text !== 'string') {
    throw new InvalidArgumentError({
      argument: 'text',
      message: `untrusted needs a string, got ${text === null ? 'null' : typeof text}`,
    });
  }
  const { source, mode, invisible } = checkFenceOptions(options);
  return Object.freeze({ [brand]: true as const, text, source, mode, invisible });
}

/** True for a value made by {@link untrusted} (from any copy of this package). */
export function isUntrustedText(value: unknown): value is UntrustedText {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true
  );
}

/**
 * The zod schema of an input field that takes {@link untrusted} text.
 *
 * @example
 * ```ts
 * const input = z.object({ question: z.string(), page: untrustedText() });
 * ```
 */
export function untrustedText(): z.ZodType<UntrustedText> {
  return z.custom<UntrustedText>(isUntrustedText, {
    message: 'expected untrusted(text, { source }), not a plain value',
  });
}
