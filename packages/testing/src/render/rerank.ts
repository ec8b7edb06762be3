/**
 * Rerank APIs: Cohere's `POST /v2/rerank` and Voyage's `POST /v1/rerank`. Relevance is the
 * share of the query's words a document contains (deterministic, so tests can expect an order);
 * ties keep the documents' order.
 */
import type { RenderContext, Rendered } from './rendered';

/** Documents Cohere bills as one search unit (with the query). */
const DOCUMENTS_PER_SEARCH_UNIT = 100;

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

/** The documents as text: plain strings, or Cohere/Voyage objects with a `text` field. */
function documentTexts(documents: unknown): string[] {
  return (Array.isArray(documents) ? documents : []).map((document) =>
    typeof document === 'string'
      ? document
      : String((document as { text?: unknown } | null)?.text ?? JSON.stringify(document)),
  );
}

/**
 * Every document's index and relevance to `query`, most relevant first, cut to `limit`.
 *
 * @example
 * ```ts
 * rankByOverlap('red fox', ['a dog', 'a red fox'], undefined); // [{ index: 1, relevance_score: 1 }, { index: 0, relevance_score: 0 }]
 * ```
 */
export function rankByOverlap(
  query: string,
  documents: readonly string[],
  limit: number | undefined,
): Array<{ index: number; relevance_score: number }> {
  const wanted = words(query);
  const ranked = documents
    .map((document, index) => {
      const present = words(document);
      let shared = 0;
      for (const word of wanted) if (present.has(word)) shared++;
      return { index, relevance_score: wanted.size === 0 ? 0 : shared / wanted.size };
    })
    .sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index);
  return limit === undefined ? ranked : ranked.slice(0, limit);
}

function limitOf(value: unknown): number | undefined {
  return Number.isInteger(value) && (value as number) > 0 ? (value as number) : undefined;
}

/** Renders a Cohere v2 rerank response, billed one search unit per 100 documents. */
export function renderCohereRerank({ body, ids }: RenderContext): Rendered {
  const documents = documentTexts(body.documents);
  return {
    kind: 'json',
    body: {
      id: ids.next('rerank_'),
      results: rankByOverlap(String(body.query), documents, limitOf(body.top_n)),
      meta: {
        api_version: { version: '2' },
        billed_units: {
          search_units: Math.max(1, Math.ceil(documents.length / DOCUMENTS_PER_SEARCH_UNIT)),
        },
      },
    },
  };
}

/** Renders a Voyage rerank response; `usage.total_tokens` is the reply's input tokens. */
export function renderVoyageRerank({ body, reply }: RenderContext): Rendered {
  return {
    kind: 'json',
    body: {
      object: 'list',
      data: rankByOverlap(String(body.query), documentTexts(body.documents), limitOf(body.top_k)),
      model: reply.model,
      usage: { total_tokens: reply.usage.inputTokens },
    },
  };
}
