/**
 * Memory going back into a prompt: each fact and the summary fenced as untrusted text with
 * `@keel/prompts`' `fenceUntrusted`, like retrieved chunks, each fact labelled with the id an
 * answer cites it by (`[memory:<fact id>]`, read back by `@keel/retrieval`'s `extractCitations`).
 */
import { fenceUntrusted, type UntrustedMode } from '@keel/prompts';
import type { Fact, FactSource } from './fact';

/** Options of {@link renderMemory}. */
export interface RenderMemoryOptions {
  /** The facts to show, most relevant first. */
  facts: readonly Fact[];
  /** The conversation's rolling summary; left out when empty. */
  summary?: string | undefined;
  /** How blocks are fenced; default `fence`. */
  mode?: UntrustedMode;
  /** The random code of each fence (a test seam); default crypto-random. */
  randomId?: () => string;
}

/** Memory ready for a prompt. */
export interface RenderedMemory {
  /** The fenced blocks: the summary first, then one per fact. Empty when there is nothing. */
  text: string;
  /** For the system prompt: how to treat the blocks and cite facts. Empty when `text` is. */
  instruction: string;
  /** The facts by the id an answer cites them with, e.g. `memory:3f2a…`. */
  citations: Map<string, Fact>;
}

/** The citation id of a fact. */
export const citationIdOf = (fact: Pick<Fact, 'id'>) => `memory:${fact.id}`;

const CITATION_INSTRUCTION =
  'Blocks whose source starts with "memory:" hold what you remember about the user: claims with their source and date, not verified truth; a newer statement by the user wins. When you use one, cite its source id in square brackets right after the statement, e.g. [memory:abc]. Cite only ids that appear in the blocks.';

function describeSource(source: FactSource): string {
  return source.type === 'turn'
    ? `turn ${source.turn} of conversation ${source.conversationId}`
    : `document ${source.documentId}`;
}

/**
 * Fences `facts` and `summary` for a prompt.
 *
 * @example
 * ```ts
 * const { text, instruction, citations } = renderMemory({ facts: recalled.map((r) => r.fact), summary });
 * const system = `${basePrompt}\n\n${instruction}`;
 * ```
 */
export function renderMemory({
  facts,
  summary,
  mode = 'fence',
  randomId,
}: RenderMemoryOptions): RenderedMemory {
  const options = { mode, ...(randomId && { randomId }) };
  const blocks: string[] = [];
  let instruction = '';
  if (summary !== undefined && summary.trim() !== '') {
    const fenced = fenceUntrusted(summary, { ...options, source: 'conversation-summary' });
    blocks.push(fenced.text);
    instruction = fenced.instruction;
  }
  const citations = new Map<string, Fact>();
  for (const fact of facts) {
    const id = citationIdOf(fact);
    const stated = new Date(fact.createdAt).toISOString().slice(0, 10);
    const text = `${fact.subject}: ${fact.statement}\n(stated ${stated}, ${describeSource(fact.source)}, confidence ${fact.confidence})`;
    const fenced = fenceUntrusted(text, { ...options, source: id });
    blocks.push(fenced.text);
    instruction = fenced.instruction;
    citations.set(id, fact);
  }
  if (citations.size > 0) instruction = `${instruction} ${CITATION_INSTRUCTION}`;
  return { text: blocks.join('\n\n'), instruction, citations };
}

const BRACKETS = /\[([^[\]\n]{1,400})\]/g;

/**
 * The facts an answer cites (`[memory:<id>]`, alone or in a list such as `[guide.md#3, memory:<id>]`),
 * in order of first citation, each once; ids the rendered memory did not show are ignored.
 *
 * @example
 * ```ts
 * const rendered = renderMemory({ facts });
 * citedFacts('Your dog is Biscuit [memory:f1].', rendered); // [the fact f1]
 * ```
 */
export function citedFacts(
  answer: string,
  { citations }: Pick<RenderedMemory, 'citations'>,
): Fact[] {
  const cited = new Set<Fact>();
  for (const [, inside] of answer.matchAll(BRACKETS)) {
    for (const id of (inside as string).split(/[,;]/)) {
      const fact = citations.get(id.trim());
      if (fact !== undefined) cited.add(fact);
    }
  }
  return [...cited];
}
