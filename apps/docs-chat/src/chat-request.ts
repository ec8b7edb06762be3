/**
 * The body of POST /api/chat and the user id header, validated with zod into field errors a
 * client can show next to the offending input.
 */
import { z } from 'zod';
import { ChatError } from './chat-error';

/** The most characters of a message. */
export const MAX_MESSAGE_CHARS = 8_000;

const body = z
  .object({
    message: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(MAX_MESSAGE_CHARS, `must be at most ${MAX_MESSAGE_CHARS} characters`)
      .optional(),
    conversationId: z.uuid('must be a conversation id from an earlier answer').optional(),
    approvals: z
      .array(
        z.strictObject({
          token: z.string().min(1).max(200),
          approved: z.boolean(),
          reason: z.string().max(500).optional(),
        }),
      )
      .min(1)
      .max(20)
      .optional(),
  })
  .strict()
  .refine((value) => (value.message === undefined) !== (value.approvals === undefined), {
    message: 'send either "message" (a new question) or "approvals" (decisions), not both',
    path: ['message'],
  });

/** A valid chat body. */
export type ChatBody = z.output<typeof body>;

const USER_ID = /^[A-Za-z0-9._@:-]{1,128}$/;

function fieldErrors(error: z.ZodError, prefix = ''): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = prefix + (issue.path.length > 0 ? issue.path.join('.') : '(body)');
    fields[path] ??= issue.message;
  }
  return fields;
}

/**
 * Parses the JSON text of a chat body.
 *
 * @throws ChatError `invalid_request` with field errors.
 */
export function parseChatBody(text: string): ChatBody {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ChatError({
      code: 'invalid_request',
      message: 'The body is not valid JSON; send {"message": "your question"}',
      fields: { '(body)': (error as Error).message },
    });
  }
  const parsed = body.safeParse(json);
  if (!parsed.success) {
    throw new ChatError({
      code: 'invalid_request',
      message: 'The body has invalid fields; see "fields"',
      fields: fieldErrors(parsed.error),
    });
  }
  return parsed.data;
}

/** The user of a request without `x-user-id`: every such caller shares it. */
export const ANONYMOUS = 'anonymous';

/**
 * `userId`, when it names someone: what belongs to a user (documents, memory, a conversation
 * to delete) is refused to {@link ANONYMOUS}, which every caller without `x-user-id` shares.
 * `what` says so in the message ("Memory belongs to a user"), `field` names it in the field's
 * problem.
 *
 * @throws ChatError `invalid_request` for the anonymous user.
 */
export function namedUser(userId: string, what: string, field: string): string {
  if (userId === ANONYMOUS) {
    throw new ChatError({
      code: 'invalid_request',
      message: `${what}: send x-user-id naming you`,
      fields: { 'headers.x-user-id': `required for ${field}` },
    });
  }
  return userId;
}

/**
 * The user id of a request: the `x-user-id` header, `anonymous` without it.
 *
 * @throws ChatError `invalid_request` when the header is malformed.
 */
export function parseUserId(header: string | string[] | undefined): string {
  if (header === undefined || header === '') return ANONYMOUS;
  if (typeof header === 'string' && USER_ID.test(header)) return header;
  throw new ChatError({
    code: 'invalid_request',
    message: 'x-user-id must be 1 to 128 letters, digits or . _ @ : -',
    fields: { 'headers.x-user-id': 'must match [A-Za-z0-9._@:-]{1,128}' },
  });
}
