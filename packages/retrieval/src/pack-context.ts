import { assertNumber } from '@keel/core/internal';
import { fenceUntrusted, LONGEST_FENCE_CODE, type UntrustedMode } from '@keel/prompts';
import { type EncodingName, loadEncoding } from '@keel/tokens';
import type { RetrievedChunk } from './types';

/** A chunk that made it into the context. */
export interface PackedChunk extends RetrievedChunk {
  /** What the answer cites, in square brackets: `[guide.md#3]`. */
  citationId: string;
  /** Tokens of its fenced block. */
  tokens: number;
}

/** The packed context. */
export interface PackedContext {
  /** The chunks kept, most relevant first. */
  chunks: PackedChunk[];
  /** The fenced blocks, ready for the prompt. */
  context: string;
  /** For the system prompt: how to treat the fenced blocks and how to cite them. */
  instruction: string;
  /** Tokens of `context`. */
  tokens: number;
  /** Chunks left out because they did not fit. */
  dropped: RetrievedChunk[];
}

/** Options of {@link packContext}. */
export interface PackContextOptions {
  /** Most tokens in `context`. */
  maxTokens: number;
  /** Default `o200k_base`. */
  encoding?: EncodingName;
  /** How blocks are fenced; default `fence`. */
  mode?: UntrustedMode;
  /** The random code of each fence's closing tag (a test seam); default crypto-random. */
  randomId?: () => string;
}

const CITATION_INSTRUCTION =
  'Each retrieved block is labelled with its source id, such as source="guide.md#3". When you use a block, cite it by writing its id in square brackets right after the statement, e.g. [guide.md#3]. Cite only ids that appear in the blocks.';
const SEPARATOR = '\n\n';
/** Characters that would stop `[id]` from being read back by {@link extractCitations}. */
const CITATION_UNSAFE = /[[\],;\s]/g;

/**
 * A citation id for every distinct chunk id: the id as the fence labels it, with characters
 * that break `[id]` citations replaced, and `~2`, `~3`… on ids that would otherwise collide
 * (an id already clean keeps itself; the rest are numbered in id order, so a citation id
 * depends on the chunks offered, never on their scores or the budget).
 */
function citationIds(ids: readonly string[], mode: UntrustedMode): Map<string, string> {
  // Two passes reach a fixed point: the second replaces the ellipsis of a truncated label.
  const clean = (source: string) => {
    let label = source;
    for (let pass = 0; pass < 2; pass++) {
      label = fenceUntrusted('', { source: label.replace(CITATION_UNSAFE, '_'), mode }).source;
    }
    return label;
  };
  const result = new Map<string, string>();
  const taken = new Set<string>();
  const colliding: Array<[string, string]> = [];
  // Ids that are already clean keep themselves; the others come after, in id order.
  const labelled = [...new Set(ids)].sort().map((id) => [id, clean(id)] as const);
  const ordered = [
    ...labelled.filter(([id, label]) => id === label),
    ...labelled.filter(([id, label]) => id !== label),
  ];
  for (const [id, label] of ordered) {
    if (taken.has(label)) colliding.push([id, label]);
    else {
      taken.add(label);
      result.set(id, label);
    }
  }
  for (const [id, label] of colliding) {
    let candidate = label;
    for (let n = 2; taken.has(candidate); n++) candidate = clean(`${label.slice(0, 180)}~${n}`);
    taken.add(candidate);
    result.set(id, candidate);
  }
  return result;
}

/**
 * Keeps the most relevant chunks that fit `maxTokens`, fenced and labelled for citation.
 *
 * @example
 * ```ts
 * const packed = await packContext(await retriever.retrieve(question), { maxTokens: 3_000 });
 * const request = {
 *   system: `${rules}\n\n${packed.instruction}`,
 *   messages: [{ role: 'user', content: `${packed.context}\n\nQuestion: ${question}` }],
 * };
 * ```
 */
export async function packContext(
  chunks: readonly RetrievedChunk[],
  { maxTokens, encoding = 'o200k_base', mode = 'fence', randomId }: PackContextOptions,
): Promise<PackedContext> {
  assertNumber('maxTokens', maxTokens, { integer: true, min: 1 });
  const tokenizer = await loadEncoding(encoding);
  const ranked = [...chunks].sort((a, b) => b.score - a.score);
  const citations = citationIds(
    ranked.map((result) => result.chunk.id),
    mode,
  );
  const packed = new Set<string>();
  const kept: PackedChunk[] = [];
  const blocks: string[] = [];
  // What fits is decided on the blocks fenced with the longest code (unless the caller draws
  // the codes), so the chunks kept never depend on the codes drawn.
  const counted: string[] = [];
  const dropped: RetrievedChunk[] = [];
  let instruction = '';
  let used = 0;
  const separatorTokens = tokenizer.count(SEPARATOR);
  for (const result of ranked) {
    // A chunk retrieved twice is packed once, at its best score.
    if (packed.has(result.chunk.id)) continue;
    packed.add(result.chunk.id);
    const fence = (code: (() => string) | undefined) =>
      fenceUntrusted(result.chunk.text, {
        source: citations.get(result.chunk.id) as string,
        mode,
        ...(code && { randomId: code }),
      });
    const fenced = fence(randomId);
    const bound = randomId ? fenced.text : fence(() => LONGEST_FENCE_CODE).text;
    instruction = fenced.instruction;
    const boundTokens = tokenizer.count(bound);
    const cost = boundTokens + (blocks.length > 0 ? separatorTokens : 0);
    if (used + cost > maxTokens) {
      dropped.push(result);
      continue;
    }
    const tokens = bound === fenced.text ? boundTokens : tokenizer.count(fenced.text);
    kept.push({ ...result, citationId: fenced.source, tokens });
    blocks.push(fenced.text);
    counted.push(bound);
    used += cost;
  }
  // Counts are not always additive across the separators: trim until the whole fits.
  while (blocks.length > 0 && !tokenizer.isWithinLimit(counted.join(SEPARATOR), maxTokens)) {
    blocks.pop();
    counted.pop();
    dropped.unshift(kept.pop() as PackedChunk);
  }
  const context = blocks.join(SEPARATOR);
  return {
    chunks: kept,
    context,
    instruction: kept.length === 0 ? '' : `${instruction}\n${CITATION_INSTRUCTION}`,
    tokens: tokenizer.count(context),
    dropped,
  };
}
