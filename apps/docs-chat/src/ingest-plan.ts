/**
 * What an ingest changes, decided against what is indexed: the documents to (re)index and the
 * ids to drop. The corpus is planned from its folders and files, a user's uploads and removals
 * inside that user's limits. A document belongs to a tenant (the
 * user who uploaded it) or to nobody (the corpus), and a search sees the corpus and the
 * asking user's own documents only ({@link tenantFilter}).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { type Document, type DocumentFormat, type Filter, readFolder } from '@keel/retrieval';
import { type CleaningOptions, cleanContent, cleaningTag } from './ingest-cleaning';

/** File extensions ingested from folders: markdown, text and code. */
export const INGESTED_EXTENSIONS = [
  '.md',
  '.mdx',
  '.markdown',
  '.txt',
  '.rst',
  '.ts',
  '.tsx',
  '.js',
  '.mjs',
  '.cjs',
  '.py',
  '.go',
  '.rs',
  '.java',
  '.rb',
  '.c',
  '.h',
  '.cpp',
  '.cs',
  '.sh',
  '.sql',
];

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
   * The SHA-256 of the file as read, then the cleaning it is indexed with (`<hex>:clean3`):
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
 * contentHash('# Title', {}); // 'e3b0…:clean3'
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

/** The folder two or more paths share (each path's own folder for files and folders alike). */
function commonParent(paths: readonly string[]): string {
  const parts = paths.map((path) => dirname(path).split(sep));
  const first = parts[0] ?? [];
  let length = first.length;
  for (const other of parts) {
    let same = 0;
    while (same < Math.min(length, other.length) && other[same] === first[same]) same++;
    length = same;
  }
  return first.slice(0, length).join(sep) || sep;
}

function toId(base: string, path: string): string {
  return relative(base, path).split(sep).join('/');
}

async function* scan(
  paths: readonly string[],
  onSkip: (file: { id: string; reason: string }) => void,
): AsyncGenerator<Document> {
  const base = commonParent(paths);
  for (const path of paths) {
    if ((await stat(path)).isDirectory()) {
      const prefix = toId(base, path);
      const skip = ({ id, reason }: { id: string; reason: string }) =>
        onSkip({ id: `${prefix}/${id}`, reason });
      for await (const document of readFolder(path, {
        extensions: INGESTED_EXTENSIONS,
        onSkip: skip,
      })) {
        yield { ...document, id: `${prefix}/${document.id}` };
      }
    } else {
      yield { id: toId(base, path), text: await readFile(path) };
    }
  }
}

/**
 * Reads `paths` and compares them with the corpus's documents in `indexed` (a tenant's are
 * left alone): the documents new or changed (or cleaned otherwise than `cleaning` says),
 * cleaned, how many were found, and the indexed ones gone from the folders and files given.
 *
 * @throws Error naming paths that do not exist.
 * @example
 * ```ts
 * const { changed, gone } = await planIngest(['./docs'], new Map([['docs/a.md', { hash: 'e3b0…:clean3', chunks: 3 }]]));
 * ```
 */
export async function planIngest(
  paths: readonly string[],
  indexed: ReadonlyMap<string, ManifestEntry>,
  cleaning: CleaningOptions = {},
): Promise<IngestPlan> {
  const known = new Map(
    [...indexed].filter(([, entry]) => entry.tenant === undefined).map(([id, e]) => [id, e.hash]),
  );
  const base = commonParent(paths);
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new Error(`Nothing to ingest at ${missing.join(', ')}: check the path`);
  }
  const scopes = await Promise.all(
    paths.map(async (path) => ({
      id: toId(base, path),
      folder: (await stat(path)).isDirectory(),
    })),
  );
  const seen = new Set<string>();
  const changed: HashedDocument[] = [];
  const passed: Array<{ id: string; reason: string }> = [];
  for await (const document of scan(paths, (file) => passed.push(file))) {
    seen.add(document.id);
    const hash = contentHash(document.text, cleaning);
    if (known.get(document.id) === hash) continue;
    changed.push(cleanedDocument(document, hash, cleaning));
  }
  const gone = [...known.keys()].filter(
    (id) =>
      !seen.has(id) &&
      scopes.some((scope) => (scope.folder ? id.startsWith(`${scope.id}/`) : id === scope.id)),
  );
  return { scanned: seen.size, changed, gone, passed };
}
