/**
 * The question the page suggests in its empty input, drawn from the documents the app serves
 * (not from any one corpus): what the title of the top-level README, or else of the first
 * document, covers.
 */
import type { Catalog } from './knowledge';

/** The file name without folders and extension: `guide/budgets.md` → `budgets`. */
function baseName(sourceId: string): string {
  return (sourceId.split('/').at(-1) ?? sourceId).replace(/\.[^.]+$/, '');
}

/**
 * A sample question about the indexed documents, or undefined when none are indexed.
 *
 * @example
 * ```ts
 * await sampleQuestion(knowledge); // 'What does “Keel” cover?'
 * ```
 */
export async function sampleQuestion(
  catalog: Pick<Catalog, 'sourceIds' | 'document'>,
): Promise<string | undefined> {
  const ids = await catalog.sourceIds();
  const readmes = ids
    .filter((id) => /(^|\/)readme\.(md|mdx|markdown|txt)$/i.test(id))
    .sort((a, b) => a.split('/').length - b.split('/').length);
  const sourceId = readmes[0] ?? ids[0];
  if (sourceId === undefined) return undefined;
  const document = await catalog.document(sourceId);
  const title = document?.chunks.find((chunk) => chunk.headingPath?.length)?.headingPath?.[0];
  return `What does “${title ?? baseName(sourceId)}” cover?`;
}
