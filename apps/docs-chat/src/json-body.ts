/** Reads a request's JSON body, refusing another content type or a body past its limit. */
import type { IncomingMessage } from 'node:http';
import { ChatError } from './chat-error';

/**
 * Reads a JSON body of at most `limit` bytes, as text.
 *
 * @throws ChatError `unsupported_media_type` or `payload_too_large`.
 */
export async function readJsonBody(request: IncomingMessage, limit: number): Promise<string> {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new ChatError({
      code: 'unsupported_media_type',
      message: 'Send the body as JSON with Content-Type: application/json',
    });
  }
  const declared = Number(request.headers['content-length']);
  const tooLarge = () =>
    new ChatError({
      code: 'payload_too_large',
      message: `The body is larger than ${limit} bytes; send a shorter message`,
    });
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
