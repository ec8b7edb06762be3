/**
 * Reads a request body as the mock server records it: text up to a size limit, then parsed as
 * JSON when it is JSON.
 */
import type { IncomingMessage } from 'node:http';

/** The request body as text, or undefined when it exceeds `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The parsed JSON body, or the raw text when it is not JSON (undefined when empty). */
export function parseJson(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
