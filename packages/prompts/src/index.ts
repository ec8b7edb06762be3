/**
 * @keel/prompts: typed, versioned prompts validated with zod, a safe logic-light template
 * syntax, a file registry, and fencing of untrusted text with injection heuristics.
 */
export {
  DATAMARK,
  type FencedText,
  type FenceOptions,
  fenceUntrusted,
  UNTRUSTED_INSTRUCTIONS,
  type UntrustedMode,
} from './fence-untrusted';
export { type InvisibleHandling, sanitizeText } from './sanitize-text';
