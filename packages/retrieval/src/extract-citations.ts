/**
 * Maps the `[id]` citations of an answer back to the packed chunks they name.
 */
import type { PackedChunk } from './pack-context';

/** A citation found in an answer. */
export interface Citation {
  citationId: string;
  chunk: PackedChunk;
  /** Offset of the citation's opening bracket in the answer (its first occurrence). */
  offset: number;
}

/** What {@link extractCitations} found. */
export interface ExtractedCitations {
  /** Chunks cited, in order of first citation, each once. */
  citations: Citation[];
  /** Bracketed ids that look like citations (`x#n`) but name no packed chunk. */
  unknown: string[];
}

const BRACKETS = /\[([^[\]\n]{1,400})\]/g;

/**
 * Finds citations such as `[guide.md#3]` or `[guide.md#3, api.md#0]` in an answer.
 *
 * @example
 * ```ts
 * const { citations, unknown } = extractCitations(answer, packed.chunks);
 * citations.map((c) => `${c.chunk.chunk.sourceId}:${c.chunk.chunk.startLine}`);
 * ```
 */
export function extractCitations(
  answer: string,
  chunks: readonly PackedChunk[],
): ExtractedCitations {
  const byId = new Map(chunks.map((chunk) => [chunk.citationId, chunk]));
  const citations: Citation[] = [];
  const unknown: string[] = [];
  const seen = new Set<string>();
  for (const match of answer.matchAll(BRACKETS)) {
    for (const part of (match[1] as string).split(/[,;]\s*|\s+(?=\S+#\d)/)) {
      const id = part.trim();
      if (seen.has(id)) continue;
      const chunk = byId.get(id);
      if (chunk) {
        seen.add(id);
        citations.push({ citationId: id, chunk, offset: match.index });
      } else if (/#\d+$/.test(id)) {
        seen.add(id);
        unknown.push(id);
      }
    }
  }
  return { citations, unknown };
}
