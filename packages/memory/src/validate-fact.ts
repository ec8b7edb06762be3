/**
 * The checks a fact passes before it is stored, whoever proposed it, and the check of the
 * caller's {@link MemoryContext}.
 */
import { InvalidArgumentError } from '@keel/core';
import { describeValue } from '@keel/core/internal';
import { type FactSource, MEMORY_SCOPES, type MemoryContext, type MemoryScope } from './fact';
import { InvalidFactError } from './invalid-fact-error';

/** A fact as a caller or an extraction proposes it. */
export interface FactInput {
  scope: MemoryScope;
  subject: string;
  statement: string;
  source: FactSource;
  /** 0 to 1; default 1 for facts a caller adds. */
  confidence?: number;
}

/** Longest subject, in characters. */
export const MAX_SUBJECT_LENGTH = 120;
/** Longest statement, in characters. */
export const MAX_STATEMENT_LENGTH = 1_000;

const isText = (value: unknown): value is string =>
  typeof value === 'string' && value.trim() !== '';

/**
 * Throws an `InvalidArgumentError` unless the context names a tenant and a user (and, when
 * given, a conversation) as non-empty strings.
 */
export function assertContext(
  context: MemoryContext,
  caller: string,
  { conversation = false }: { conversation?: boolean } = {},
): void {
  const bad = (['tenantId', 'userId'] as const).find((key) => !isText(context?.[key]));
  const conversationBad =
    (conversation || context?.conversationId !== undefined) && !isText(context?.conversationId);
  if (bad !== undefined || conversationBad) {
    const key = bad ?? 'conversationId';
    throw new InvalidArgumentError({
      argument: 'context',
      message: `${caller}() needs context.${key}: a non-empty string from your own authentication (never from model output), got ${describeValue((context as unknown as Record<string, unknown> | undefined)?.[key])}`,
    });
  }
}

function assertSource(source: unknown): asserts source is FactSource {
  const candidate = source as Partial<Record<string, unknown>> | null | undefined;
  const ok =
    candidate?.type === 'turn'
      ? isText(candidate.conversationId) &&
        typeof candidate.turn === 'number' &&
        Number.isInteger(candidate.turn) &&
        candidate.turn >= 0
      : candidate?.type === 'document' && isText(candidate.documentId);
  if (!ok) {
    throw new InvalidFactError({
      field: 'source',
      message: `source must be { type: 'turn', conversationId, turn } (turn a whole number >= 0) or { type: 'document', documentId }, got ${JSON.stringify(source)}`,
    });
  }
}

/**
 * Checks a proposed fact against the context it is stored under.
 *
 * @throws InvalidFactError naming the field that is wrong and what it must be.
 */
export function validateFact(input: FactInput, context: MemoryContext): Required<FactInput> {
  const { scope, subject, statement, source, confidence = 1 } = input ?? ({} as FactInput);
  if (!MEMORY_SCOPES.includes(scope)) {
    throw new InvalidFactError({
      field: 'scope',
      message: `scope must be 'user', 'conversation' or 'tenant', got ${JSON.stringify(scope)}`,
    });
  }
  if (scope === 'conversation' && context.conversationId === undefined) {
    throw new InvalidFactError({
      field: 'scope',
      message:
        'A conversation-scoped fact needs context.conversationId; pass it, or store the fact for the user',
    });
  }
  for (const [field, value, max] of [
    ['subject', subject, MAX_SUBJECT_LENGTH],
    ['statement', statement, MAX_STATEMENT_LENGTH],
  ] as const) {
    if (!isText(value) || value.length > max) {
      throw new InvalidFactError({
        field,
        message: `${field} must be a non-empty string of at most ${max} characters, got ${describeValue(value)}`,
      });
    }
  }
  if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1)) {
    throw new InvalidFactError({
      field: 'confidence',
      message: `confidence must be a number from 0 to 1, got ${describeValue(confidence)}`,
    });
  }
  assertSource(source);
  return { scope, subject: subject.trim(), statement: statement.trim(), source, confidence };
}
