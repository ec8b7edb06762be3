/**
 * The images and documents of a request, checked against what the provider takes before it is
 * sent (the format from the magic bytes, the declared type, size and page limits, the kinds of
 * source each API reads) and made uniform: inline data leaves here as base64 with its media type.
 */
import type {
  ChatRequest,
  DocumentMediaType,
  FilePart,
  ImageMediaType,
  ImagePart,
  Message,
} from '@keel/core';
import { decodeBase64, encodeBase64, inspectMedia } from '@keel/core/internal';
import { InvalidFileError, type InvalidFileReason } from '../invalid-file-error';
import { UnsupportedOptionError } from '../unsupported-option-error';
import type { ProviderApi } from './assert-provider-options';

const MIB = 1024 * 1024;

/** Each API's limits, from its documentation. */
const LIMITS: Readonly<
  Record<ProviderApi, { imageBytes: number; documentBytes: number; pdfPages: number }>
> = {
  // OpenAI: 20 MB a image; PDFs up to 32 MB and 100 pages a request.
  'openai-chat': { imageBytes: 20 * MIB, documentBytes: 32 * MIB, pdfPages: 100 },
  'openai-responses': { imageBytes: 20 * MIB, documentBytes: 32 * MIB, pdfPages: 100 },
  // Anthropic: 5 MB a image (its base64 text); 32 MB a request and 100 pages a PDF.
  anthropic: { imageBytes: (5 * MIB * 3) / 4, documentBytes: 32 * MIB, pdfPages: 100 },
};

/** The document sources each API reads (OpenAI reads PDFs only, Chat Completions none by URL). */
const DOCUMENT_SOURCES: Readonly<Record<ProviderApi, ReadonlySet<string>>> = {
  'openai-chat': new Set(['application/pdf:inline']),
  'openai-responses': new Set(['application/pdf:inline', 'application/pdf:url']),
  anthropic: new Set(['application/pdf:inline', 'application/pdf:url', 'text/plain:inline']),
};

interface Where {
  api: ProviderApi;
  part: string;
}

function refuse(
  { api, part }: Where,
  reason: InvalidFileReason,
  message: string,
): InvalidFileError {
  return new InvalidFileError({ reason, part, provider: api, message: `${part}: ${message}` });
}

/** The bytes of an inline source, decoded from base64 when needed. */
function bytesOf(
  where: Where,
  source: { type: 'base64'; data: string } | { type: 'bytes'; data: Uint8Array },
): Uint8Array {
  if (source.type === 'bytes') {
    if (source.data instanceof Uint8Array) return source.data;
    throw refuse(
      where,
      'not-base64',
      'source.data must be a Uint8Array (or use { type: "base64" })',
    );
  }
  const bytes = typeof source.data === 'string' ? decodeBase64(source.data) : undefined;
  if (bytes === undefined) {
    throw refuse(
      where,
      'not-base64',
      'source.data is not base64; pass the base64 text alone (no data: prefix) or the bytes as { type: "bytes" }',
    );
  }
  return bytes;
}

/**
 * The base64 to send: the caller's when it is already standard and padded, else the bytes
 * encoded (URL-safe or unpadded base64 is read, but providers take only the standard form).
 */
function base64For(source: { type: 'base64' | 'bytes'; data: unknown }, bytes: Uint8Array): string {
  const given = source.data;
  const standard = typeof given === 'string' && given.length % 4 === 0 && !/[-_]/.test(given);
  return standard ? given : encodeBase64(bytes);
}

function assertSize(where: Where, size: number, limit: number): void {
  if (size > limit) {
    throw refuse(
      where,
      'too-large',
      `the file is ${(size / MIB).toFixed(1)} MiB, more than the ${(limit / MIB).toFixed(2)} MiB ${where.api} takes; shrink it or send it by URL`,
    );
  }
}

function image(where: Where, part: ImagePart): ImagePart {
  const { source } = part;
  if (source.type === 'url') return part;
  const bytes = bytesOf(where, source);
  assertSize(where, bytes.length, LIMITS[where.api].imageBytes);
  const found = inspectMedia(bytes).mediaType;
  if (found === undefined || found === 'application/pdf') {
    throw refuse(
      where,
      'unknown-type',
      'the bytes are not a PNG, JPEG, GIF or WebP image; convert the image to one of those',
    );
  }
  if (source.mediaType !== undefined && source.mediaType !== found) {
    throw refuse(
      where,
      'type-mismatch',
      `mediaType says ${source.mediaType} but the bytes are ${found}; fix mediaType`,
    );
  }
  const data = base64For(source, bytes);
  return { type: 'image', source: { type: 'base64', mediaType: found as ImageMediaType, data } };
}

function file(where: Where, part: FilePart): FilePart {
  const { api } = where;
  const { source } = part;
  if (part.citations === true && api !== 'anthropic') {
    throw new UnsupportedOptionError({
      provider: api,
      option: `${where.part}.citations`,
      message: `${where.part}: the ${api} API does not cite documents; drop citations: true or use an Anthropic model`,
    });
  }
  if (source.type === 'url') {
    const mediaType = source.mediaType ?? 'application/pdf';
    if (!DOCUMENT_SOURCES[api].has(`${mediaType}:url`)) {
      throw refuse(
        where,
        'unsupported',
        `the ${api} API does not fetch ${mediaType} documents by URL; send the bytes instead`,
      );
    }
    return part;
  }
  const bytes = bytesOf(where, source);
  const limits = LIMITS[api];
  assertSize(where, bytes.length, limits.documentBytes);
  const info = inspectMedia(bytes);
  const mediaType: DocumentMediaType | undefined =
    info.mediaType === 'application/pdf'
      ? 'application/pdf'
      : source.mediaType === 'text/plain'
        ? 'text/plain'
        : undefined;
  if (mediaType === undefined) {
    throw refuse(
      where,
      'unknown-type',
      `the bytes are ${info.mediaType ?? 'not a PDF'}; documents are PDFs or text/plain (images go in an image part)`,
    );
  }
  if (source.mediaType !== undefined && source.mediaType !== mediaType) {
    throw refuse(
      where,
      'type-mismatch',
      `mediaType says ${source.mediaType} but the bytes are ${mediaType}; fix mediaType`,
    );
  }
  if (mediaType === 'text/plain' && !isUtf8(bytes)) {
    throw refuse(where, 'type-mismatch', 'a text/plain document must be UTF-8 text');
  }
  if (!DOCUMENT_SOURCES[api].has(`${mediaType}:inline`)) {
    throw refuse(
      where,
      'unsupported',
      `the ${api} API does not read ${mediaType} documents; send the text as a text part`,
    );
  }
  if (info.pages !== undefined && info.pages > limits.pdfPages) {
    throw refuse(
      where,
      'too-many-pages',
      `the PDF has ${info.pages} pages, more than the ${limits.pdfPages} ${api} reads; split it`,
    );
  }
  const data = base64For(source, bytes);
  return { ...part, source: { type: 'base64', mediaType, data } };
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function message(api: ProviderApi, entry: Message, index: number): Message {
  if (entry.role !== 'user' || typeof entry.content === 'string') return entry;
  if (!entry.content.some((part) => part.type === 'image' || part.type === 'file')) return entry;
  return {
    ...entry,
    content: entry.content.map((part, at) => {
      const where = { api, part: `request.messages[${index}].content[${at}]` };
      return part.type === 'image'
        ? image(where, part)
        : part.type === 'file'
          ? file(where, part)
          : part;
    }),
  };
}

/**
 * `request` with every image and document checked for `api`, inline ones as base64 with the
 * media type their bytes show.
 *
 * @throws InvalidFileError for a file the provider would refuse.
 * @throws UnsupportedOptionError for citations on an API that does not cite.
 */
export function prepareFiles(api: ProviderApi, request: ChatRequest): ChatRequest {
  return {
    ...request,
    messages: request.messages.map((entry, index) => message(api, entry, index)),
  };
}
