/**
 * Prompt tokens of images and PDFs, by each provider's published rule.
 *
 * - OpenAI images (high or auto detail): the image is fitted into 2048 x 2048, then scaled so
 *   its shorter side is at most 768; each 512 px tile costs 170 tokens, plus 85 for the image.
 * - Anthropic images: scaled so the long edge is at most 1,568 px and the image at most about
 *   1.15 megapixels, then `width * height / 750` tokens.
 * - PDFs: each page is sent as its text and an image of the page; Anthropic puts the text at
 *   1,500 to 3,000 tokens a page. The estimate takes the upper end for both providers (OpenAI
 *   publishes no figure).
 *
 * An image whose size cannot be read (a URL) counts as a 1024 x 1024 image would (765 OpenAI
 * tokens, 1,600 Anthropic); a PDF whose pages cannot be read as one page.
 */
import type { FilePart, ImagePart } from '@keel/core';
import { decodeBase64, inspectMedia, type MediaInfo } from '@keel/core/internal';

/** Which rule applies. */
export type MediaRule = 'openai' | 'anthropic';

const OPENAI_BASE = 85;
const OPENAI_TILE = 170;
const OPENAI_UNKNOWN_IMAGE = 765;
const ANTHROPIC_PIXELS_PER_TOKEN = 750;
const ANTHROPIC_LONG_EDGE = 1_568;
/** About 1.15 megapixels: the largest image Anthropic keeps at full size (1,600 tokens). */
const ANTHROPIC_MAX_PIXELS = 1_600 * ANTHROPIC_PIXELS_PER_TOKEN;
const ANTHROPIC_UNKNOWN_IMAGE = 1_600;
/** Tokens a PDF page is estimated at. */
export const PDF_PAGE_TOKENS = 3_000;

function openAIImage(width: number, height: number): number {
  const fit = Math.min(1, 2048 / Math.max(width, height));
  let w = width * fit;
  let h = height * fit;
  const shorter = Math.min(1, 768 / Math.min(w, h));
  w *= shorter;
  h *= shorter;
  return OPENAI_BASE + OPENAI_TILE * Math.ceil(w / 512) * Math.ceil(h / 512);
}

function anthropicImage(width: number, height: number): number {
  const edge = Math.min(1, ANTHROPIC_LONG_EDGE / Math.max(width, height));
  const area = Math.min(1, Math.sqrt(ANTHROPIC_MAX_PIXELS / (width * height * edge * edge)));
  // A resized image has whole pixels.
  const scale = edge * area;
  const pixels = Math.floor(width * scale) * Math.floor(height * scale);
  return Math.ceil(pixels / ANTHROPIC_PIXELS_PER_TOKEN);
}

/** What an inline source's bytes say; nothing for a URL or data that is not base64. */
function infoOf(source: ImagePart['source'] | FilePart['source']): MediaInfo | undefined {
  if (source.type === 'url') return undefined;
  const bytes = source.type === 'bytes' ? source.data : decodeBase64(source.data);
  return bytes === undefined ? undefined : inspectMedia(bytes);
}

/**
 * An image's prompt tokens under `rule`.
 *
 * @example
 * ```ts
 * imageTokens({ type: 'image', source: { type: 'bytes', data: png } }, 'anthropic'); // 1000x1000 → 1334
 * ```
 */
export function imageTokens(part: ImagePart, rule: MediaRule): number {
  const info = infoOf(part.source);
  const { width, height } = info ?? {};
  if (!width || !height) return rule === 'openai' ? OPENAI_UNKNOWN_IMAGE : ANTHROPIC_UNKNOWN_IMAGE;
  return rule === 'openai' ? openAIImage(width, height) : anthropicImage(width, height);
}

/**
 * A PDF's prompt tokens: {@link PDF_PAGE_TOKENS} a page.
 *
 * @example
 * ```ts
 * pdfTokens({ type: 'file', source: { type: 'bytes', data: await readFile('a.pdf') } }); // pages * 3000
 * ```
 */
export function pdfTokens(part: FilePart): number {
  return PDF_PAGE_TOKENS * (infoOf(part.source)?.pages ?? 1);
}

/** A plain-text document's text; `undefined` for a PDF or a document given by URL. */
export function documentText(part: FilePart): string | undefined {
  const { source } = part;
  if (source.type === 'url' || source.mediaType !== 'text/plain') return undefined;
  const bytes = source.type === 'bytes' ? source.data : decodeBase64(source.data);
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}
