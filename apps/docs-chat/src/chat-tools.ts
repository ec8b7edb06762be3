/**
 * The agent's tools: `search_docs` and `get_document` read the collection (their results are
 * fenced as untrusted and their chunks become citable), `save_note` writes and so waits for a
 * person's approval.
 */
import type { RequestMetadata } from '@keel/core';
import { type PackedChunk, packContext, type RetrievedChunk } from '@keel/retrieval';
import { defineTool } from '@keel/tools';
import { z } from 'zod';
import type { Knowledge } from './knowledge';
import type { NotesStore } from './notes-store';
import { findUnstorable } from './storable-text';

/** What the tools read and write. */
export interface ToolContext {
  knowledge: Knowledge;
  notes: NotesStore;
  /** Records chunks the turn named in the call's metadata (`turnId`) may now cite. */
  cite(metadata: RequestMetadata | undefined, chunks: readonly PackedChunk[]): void;
}

/**
 * A string the notes table can store: a call with a NUL or an unpaired surrogate in it fails
 * validation (before it asks anyone for approval), and the model is told what to fix.
 */
function storable(schema: z.ZodString) {
  return schema.refine((text) => findUnstorable(text) === undefined, {
    message: 'must not contain NUL (U+0000) or unpaired UTF-16 surrogates; remove them',
  });
}

/** The three tools; defined once (their JSON Schemas are built here), shared by every turn. */
export function chatTools(context: ToolContext) {
  async function packed(
    results: readonly RetrievedChunk[],
    maxTokens: number,
    metadata: RequestMetadata | undefined,
  ) {
    const pack = await packContext(results, { maxTokens });
    context.cite(metadata, pack.chunks);
    return pack;
  }

  const searchDocs = defineTool({
    name: 'search_docs',
    description:
      'Searches the ingested documents (hybrid keyword and semantic search). Returns fenced blocks labelled with citation ids.',
    input: z.object({
      query: z.string().min(1).max(500).describe('What to look for, in a few words'),
      k: z.number().int().min(1).max(20).optional().describe('How many chunks; default 5'),
    }),
    effect: 'read',
    timeoutMs: 10_000,
    async run({ query, k }, { signal, metadata }) {
      // The corpus and the asking user's own uploads, never another user's.
      const results = await context.knowledge.search(query, {
        k: k ?? 5,
        ...(metadata?.userId !== undefined && { tenant: metadata.userId }),
        signal,
        ...(metadata && { metadata }),
      });
      // About 400 tokens a chunk: room for the k asked for.
      const pack = await packed(results, 400 * (k ?? 5), metadata);
      return {
        results: pack.chunks.map((chunk) => ({
          citationId: chunk.citationId,
          sourceId: chunk.chunk.sourceId,
          lines: `${chunk.chunk.startLine}-${chunk.chunk.endLine}`,
        })),
        blocks: pack.context,
      };
    },
  });

  const getDocument = defineTool({
    name: 'get_document',
    description:
      'Reads one whole document by its source id (the part of a citation id before "#"), as fenced blocks labelled with citation ids.',
    input: z.object({ sourceId: z.string().min(1).max(500) }),
    effect: 'read',
    timeoutMs: 10_000,
    async run({ sourceId }, { metadata }) {
      const document = await context.knowledge.document(sourceId, metadata?.userId);
      if (!document) {
        return { found: false, message: `No document "${sourceId}"; use search_docs to find ids` };
      }
      const chunks: RetrievedChunk[] = document.chunks.map((chunk, index) => ({
        chunk,
        score: document.chunks.length - index,
      }));
      const pack = await packed(chunks, 3_000, metadata);
      return {
        found: true,
        sourceId,
        chunks: document.chunks.length,
        truncated: pack.dropped.length > 0,
        blocks: pack.context,
      };
    },
  });

  const saveNote = defineTool({
    name: 'save_note',
    description: 'Saves a note for the user. A person must approve it before it is saved.',
    input: z.object({
      title: storable(z.string().min(1).max(200)),
      body: storable(z.string().min(1).max(10_000)),
    }),
    effect: 'write',
    timeoutMs: 10_000,
    async run({ title, body }, { metadata }) {
      const id = await context.notes.add({
        userId: metadata?.userId ?? 'anonymous',
        ...(metadata?.conversationId && { conversationId: metadata.conversationId }),
        title,
        body,
      });
      return { saved: true, id, title };
    },
  });

  return [searchDocs, getDocument, saveNote];
}
