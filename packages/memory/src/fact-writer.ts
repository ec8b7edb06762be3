/**
 * How a proposed fact becomes a stored one, whoever proposed it: validated, redacted unless its
 * scope allows secrets and personal data, owned by the caller's context (never by anything the
 * model wrote), given its scope's TTL, and recorded as superseding the facts it replaces.
 */
import type { Clock } from '@keel/core';
import type { Redactor } from '@keel/observability';
import type { Fact, MemoryContext, MemoryScope } from './fact';
import { InvalidFactError } from './invalid-fact-error';
import type { MemoryStore } from './memory-store';
import { type FactInput, validateFact } from './validate-fact';

/** What {@link FactWriter} needs. */
export interface FactWriterOptions {
  store: MemoryStore;
  redactor: Redactor;
  allowSensitive: readonly MemoryScope[];
  ttl: Partial<Record<MemoryScope, number>>;
  clock: Clock;
  generateId: () => string;
}

/** A fact stored, and the ids of the facts it superseded. */
export interface WrittenFact {
  fact: Fact;
  superseded: string[];
}

/** Writes facts; see {@link createFactWriter}. */
export type FactWriter = (options: {
  context: MemoryContext;
  input: FactInput;
  /** Ids the proposer says the fact replaces; each must be one of `visible`. */
  supersedes?: readonly string[] | undefined;
  /** The current facts the context may see (the store's listing). */
  visible: readonly Fact[];
}) => Promise<WrittenFact>;

const sameSubject = (a: string, b: string) =>
  a.localeCompare(b, undefined, { sensitivity: 'base' }) === 0;

/** Who owns a fact of `scope` stored under `context`. */
function ownerFor(scope: MemoryScope, context: MemoryContext) {
  return {
    tenantId: context.tenantId,
    userId: scope === 'tenant' ? null : context.userId,
    conversationId: scope === 'conversation' ? (context.conversationId ?? null) : null,
  };
}

const sameOwner = (fact: Fact, owner: ReturnType<typeof ownerFor>) =>
  fact.tenantId === owner.tenantId &&
  fact.userId === owner.userId &&
  fact.conversationId === owner.conversationId;

/**
 * Creates the writer. A fact whose owner already holds the same subject and statement is not
 * written again (the stored one is returned); one with the same subject and another statement
 * supersedes the stored one, which stays as history.
 *
 * @example
 * ```ts
 * const write = createFactWriter({ store, redactor, allowSensitive: [], ttl: {}, clock, generateId });
 * const { fact, superseded } = await write({ context, input, visible });
 * ```
 */
export function createFactWriter({
  store,
  redactor,
  allowSensitive,
  ttl,
  clock,
  generateId,
}: FactWriterOptions): FactWriter {
  return async function writeFact({ context, input, supersedes = [], visible }) {
    const checked = validateFact(input, context);
    const clean = (text: string) =>
      allowSensitive.includes(checked.scope) ? text : (redactor(text) as string);
    const subject = clean(checked.subject);
    const statement = clean(checked.statement);
    const owner = ownerFor(checked.scope, context);
    const visibleById = new Map(visible.map((fact) => [fact.id, fact]));
    for (const id of supersedes) {
      const target = visibleById.get(id);
      if (target === undefined || (target.scope === 'tenant' && checked.scope !== 'tenant')) {
        throw new InvalidFactError({
          field: 'supersedes',
          message: `supersedes names ${JSON.stringify(id)}, which is not a current fact this context may replace; name only ids of facts it was shown`,
        });
      }
    }
    const sameOwnerSubject = visible.filter(
      (fact) => sameOwner(fact, owner) && sameSubject(fact.subject, subject),
    );
    const duplicate = sameOwnerSubject.find((fact) => fact.statement === statement);
    if (duplicate !== undefined) return { fact: duplicate, superseded: [] };
    const now = clock.now();
    const lifetime = ttl[checked.scope];
    const fact: Fact = {
      id: generateId(),
      ...owner,
      scope: checked.scope,
      subject,
      statement,
      source: checked.source,
      confidence: checked.confidence,
      createdAt: now,
      expiresAt: lifetime === undefined ? null : now + lifetime,
      supersededBy: null,
    };
    const superseded = [...new Set([...supersedes, ...sameOwnerSubject.map((old) => old.id)])];
    await store.addFact(fact, superseded);
    return { fact, superseded };
  };
}
