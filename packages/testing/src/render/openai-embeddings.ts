/**
 * OpenAI Embeddings: float arrays, or base64 little-endian float32 when the client asks for
 * `encoding_format: 'base64'` (the official SDK's default).
 */
import type { RequestSummary } from '../request-summary';
import type { RenderContext, Rendered } from './rendered';

/** Renders an embeddings list. */
export function renderOpenAIEmbeddings({ body, reply, embeddings }: RenderContext): Rendered {
  const base64 = body.encoding_format === 'base64';
  return {
    kind: 'json',
    body: {
      object: 'list',
      data: embeddings.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: base64
          ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
          : vector,
      })),
      model: reply.model,
      usage: { prompt_tokens: reply.usage.inputTokens, total_tokens: reply.usage.inputTokens },
    },
  };
}

/** Deterministic unit vectors derived from each input's text (FNV-1a seeded xorshift). */
export function defaultEmbeddings(summary: RequestSummary): number[][] {
  const dimensions = summary.dimensions ?? (summary.model.includes('3-large') ? 3072 : 1536);
  return summary.embeddingInputs.map((input) => {
    let state = 0x811c9dc5;
    for (let i = 0; i < input.length; i++)
      state = Math.imul(state ^ input.charCodeAt(i), 0x01000193);
    state ||= 1;
    const vector = Array.from({ length: dimensions }, () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return ((state >>> 0) / 0xffffffff) * 2 - 1;
    });
    const norm = Math.hypot(...vector) || 1;
    return vector.map((value) => value / norm);
  });
}
