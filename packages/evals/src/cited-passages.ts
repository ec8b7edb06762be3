/**
 * The passages a piece of answer text cites, found by `@keel/retrieval`'s `extractCitations`
 * (so an eval reads `[guide.md#3]` citations exactly as the answering pipeline writes them).
 */
import { extractCitations, type PackedChunk } from '@keel/retrieval';
import type { RetrievedPassage } from './scorer';

/** What {@link citedPassages} found. */
export interface CitedPassages {
  /** Passages cited, in order of first citation, each once. */
  cited: RetrievedPassage[];
  /** Bracketed ids shaped like citations (`x#n`) that name no retrieved passage. */
  unknown: string[];
}

/**
 * Finds the citations of `text` among `passages`.
 *
 * @example
 * ```ts
 * citedPassages('Keys rotate daily [keys.md#0].', retrieved).cited[0]?.sourceId; // 'keys.md'
 * ```
 */
export function citedPassages(text: string, passages: readonly RetrievedPassage[]): CitedPassages {
  // extractCitations matches on `citationId` alone and hands back the object it was given;
  // the other fields of a PackedChunk are never read, so a passage stands in for one.
  const stand = passages.map((passage) => ({ citationId: passage.citationId, passage }));
  const { citations, unknown } = extractCitations(text, stand as unknown as PackedChunk[]);
  return {
    cited: citations.map(({ chunk }) => (chunk as unknown as (typeof stand)[number]).passage),
    unknown,
  };
}
