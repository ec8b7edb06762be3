/**
 * What an ingest changes, decided against what is indexed: the documents to (re)index and the
 * ids to drop. The corpus is planned from folders (`planIngest` in `knowledge.ts`); a user's
 * uploads and removals here, inside that user's limits. A document belongs to a tenant (the
 * user who uploaded it) or to nobody (the corpus), and a search sees the corpus and the
 * asking user's own documents only ({@link tenantFilter}).
 */
import { createHash } from 'node:crypto';
import type { Document, DocumentFormat, Filter } from '@keel/retrieval';
import { type CleaningOptions, cleanContent, cleaningTag } from './ingest-cleaning';

/** What the collection knows of an indexed document. */
export interface ManifestEntry {
  /** The {@link HashedDocument.hash} it was indexed with. */
  hash: string;
  chunks: number;
  /** The user it belongs to; none for the corpus. */
  tenant?: string;
  /** The bytes of its text as indexed. */
  bytes?: number;
}

/** A document read for ingestion, cleaned, with the hash of its content. */
export interface HashedDocument extends Document {
  /**
   * The SHA-256 of the file as read, then the cleaning it is indexed with (`<hex>:clean2`):
   * a file indexed again when it changes, and when the cleaning does (trust flipped, a new
   * cleaning version).
   */
  hash: string;
  /** Secrets the cleaning redacted. */
  redactions?: number;
  /** Sentences the cleaning flagged as instruction-like. */
  flaggedSentences?: number;
}

/** What an ingest changes. */
export interface IngestPlan {
  scanned: number;
  changed: HashedDocument[];
  gone: string[];
  /** Files left out, with why. */
  passed: Array<{ id: string; reason: string }>;
}

/** A document to add for a tenant: its text already extracted from the uploaded file. */
export interface UploadedDocument {
  /** Its id, `uploads/<tenant>/<file name>` (see {@link uploadId}). */
  id: string;
  text: string;
  format: DocumentFormat;
}

/** What one user may hold (`DOCS_CHAT_UPLOAD_MAX_DOCUMENTS`, `DOCS_CHAT_UPLOAD_QUOTA_BYTES`). */
export interface TenantLimits {
  maxDocuments: number;
  /** The bytes of all the user's documents' texts, as indexed. */
  maxBytes: number;
}

/**
 * The hash a document is indexed under: its content's SHA-256 and the cleaning's tag.
 *
 * @example
 * ```ts
 * contentHash('# Title', {}); // 'e3b0…:clean2'
 * ```
 */
export function contentHash(text: string | Uint8Array, cleaning: CleaningOptions): string {
  const content = createHash('sha256')
    .update(typeof text === 'string' ? text : Buffer.from(text).toString('latin1'))
    .digest('hex');
  return `${content}:${cleaningTag(cleaning)}`;
}

/**
 * `document` cleaned and hashed for indexing; content the cleaning refuses is passed as read,
 * for the retriever to say why.
 *
 * @example
 * ```ts
 * const hashed = cleanedDocument({ id: 'a.md', text }, hash, {});
 * ```
 */
export function cleanedDocument(
  document: Document,
  hash: string,
  cleaning: CleaningOptions,
): HashedDocument {
  const cleaned = cleanContent(document.text, cleaning);
  return cleaned
    ? {
        ...document,
        text: cleaned.text,
        hash,
        redactions: cleaned.redactions,
        flaggedSentences: cleaned.flaggedSentences,
      }
    : { ...document, hash };
}

/**
 * The id of `tenant`'s uploaded file: `uploads/<tenant>/<name>`, the name reduced to letters,
 * digits, `.`, `_` and `-` (no folders).
 *
 * @example
 * ```ts
 * uploadId('alice', '../My notes.md'); // 'uploads/alice/My_notes.md'
 * ```
 */
export function uploadId(tenant: string, fileName: string): string {
  const base = fileName.split(/[\\/]/).at(-1) ?? '';
  const name = base.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '') || 'upload';
  return `uploads/${tenant}/${name.slice(0, 120)}`;
}

/**
 * The search filter of `tenant`: the corpus's chunks (no tenant) and the tenant's own; the
 * corpus's alone without one.
 *
 * @example
 * ```ts
 * retriever.retrieve(query, { filter: tenantFilter('alice') });
 * ```
 */
export function tenantFilter(tenant: string | undefined): Filter {
  return { tenant: tenant === undefined ? null : [null, tenant] };
}

/**
 * Plans `tenant`'s uploads against what is indexed: each document cleaned as untrusted, the
 * unchanged ones left as they are, and those past the tenant's limits (or whose id another
 * tenant or the corpus holds) skipped with why.
 *
 * @example
 * ```ts
 * const plan = planUpload(documents, indexed, { tenant: 'alice', limits: { maxDocuments: 50, maxBytes: 5e6 } });
 * ```
 */
export function planUpload(
  documents: readonly UploadedDocument[],
  indexed: ReadonlyMap<string, ManifestEntry>,
  { tenant, limits }: { tenant: string; limits: TenantLimits },
): IngestPlan {
  const own = new Map([...indexed].filter(([, entry]) => entry.tenant === tenant));
  let count = own.size;
  let bytes = [...own.values()].reduce((sum, entry) => sum + (entry.bytes ?? 0), 0);
  const changed: HashedDocument[] = [];
  const passed: IngestPlan['passed'] = [];
  for (const upload of documents) {
    const holder = indexed.get(upload.id);
    if (holder && holder.tenant !== tenant) {
      passed.push({ id: upload.id, reason: 'another document has this id; rename the file' });
      continue;
    }
    const hash = contentHash(upload.text, {});
    if (holder?.hash === hash) continue;
    const document = cleanedDocument(
      { id: upload.id, text: upload.text, format: upload.format, metadata: { tenant } },
      hash,
      {},
    );
    const size = Buffer.byteLength(document.text);
    const nextCount = count + (holder ? 0 : 1);
    const nextBytes = bytes - (holder?.bytes ?? 0) + size;
    if (nextCount > limits.maxDocuments) {
      passed.push({
        id: upload.id,
        reason: `you already have ${count} documents, the most allowed; delete some first`,
      });
      continue;
    }
    if (nextBytes > limits.maxBytes) {
      passed.push({
        id: upload.id,
        reason: `it would take your documents to ${nextBytes} bytes of text, over your quota of ${limits.maxBytes}; delete some first`,
      });
      continue;
    }
    count = nextCount;
    bytes = nextBytes;
    changed.push(document);
  }
  return { scanned: documents.length, changed, gone: [], passed };
}

/**
 * Plans the removal of `tenant`'s document `sourceId` (nothing when the tenant has none by
 * that id).
 *
 * @example
 * ```ts
 * const plan = planRemoval('uploads/alice/notes.md', indexed, 'alice');
 * ```
 */
export function planRemoval(
  sourceId: string,
  indexed: ReadonlyMap<string, ManifestEntry>,
  tenant: string,
): IngestPlan {
  const own = indexed.get(sourceId)?.tenant === tenant;
  return { scanned: 0, changed: [], gone: own ? [sourceId] : [], passed: [] };
}
