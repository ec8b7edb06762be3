import { describe, expect, it } from 'vitest';
import type { Catalog } from './knowledge';
import { sampleQuestion } from './sample-question';

/** A catalog of documents whose chunks sit under the given heading paths. */
function catalog(documents: Record<string, string[][]>): Pick<Catalog, 'sourceIds' | 'document'> {
  return {
    sourceIds: async () => Object.keys(documents).sort(),
    document: async (sourceId) => {
      const paths = documents[sourceId];
      if (!paths) return undefined;
      const chunks = paths.map((headingPath, index) => ({
        id: `${sourceId}#${index}`,
        sourceId,
        index,
        text: '',
        overlap: 0,
        start: 0,
        end: 0,
        startLine: 1,
        endLine: 1,
        tokens: 0,
        hash: '',
        ...(headingPath.length > 0 && { headingPath }),
        metadata: {},
      }));
      return { sourceId, text: '', chunks };
    },
  };
}

describe('sampleQuestion', () => {
  it("asks about the top-level README's title before any other document", async () => {
    const question = await sampleQuestion(
      catalog({
        'apps/app/README.md': [['App']],
        'README.md': [[], ['Acme', 'Install']],
        'docs/a.md': [['Alpha']],
      }),
    );
    expect(question).toBe('What does “Acme” cover?');
  });

  it("asks about the first document's title, or its file name when it has no heading", async () => {
    expect(await sampleQuestion(catalog({ 'guide/b.md': [['Budgets']], 'z.md': [] }))).toBe(
      'What does “Budgets” cover?',
    );
    expect(await sampleQuestion(catalog({ 'notes/ops-log.txt': [[]] }))).toBe(
      'What does “ops-log” cover?',
    );
  });

  it('has nothing to suggest for an empty corpus', async () => {
    expect(await sampleQuestion(catalog({}))).toBeUndefined();
  });
});
