/**
 * Turns of one conversation, one after another across replicas sharing a database. Inside a
 * process the keyed mutex orders them; across processes a lease row in `conversation_leases`
 * does, renewed while the turn runs and deleted when it ends. A replica that dies holding one
 * frees it when the lease expires. A lease is a row rather than an advisory lock so that a
 * turn streaming for minutes holds no pooled connection.
 */
import { randomUUID } from 'node:crypto';
import { sleep } from '@keel/core';
import type { Database } from './database';
import { createKeyedMutex, type KeyedMutex } from './keyed-mutex';

/** How long a lease outlives its holder's last renewal. */
const LEASE_MS = 30_000;

/** Waits between two tries at a lease another replica holds: from the first to the last. */
const FIRST_RETRY_MS = 10;
const LAST_RETRY_MS = 200;

/** Options of {@link createConversationLock}. */
export interface ConversationLockOptions {
  /**
   * Called, before the turn goes on, when the lease was taken over once expired: the turn
   * that held it died with its replica.
   */
  onTakeover?(conversationId: string): Promise<void>;
}

/**
 * The lock of every conversation, over `db`'s `conversation_leases` table.
 *
 * @example
 * ```ts
 * const lock = createConversationLock(db, { onTakeover: (id) => conversations.interrupt(id) });
 * const release = await lock.acquire(conversationId, signal);
 * try { await runTurn(); } finally { await release(); }
 * ```
 */
export function createConversationLock(
  db: Database,
  { onTakeover }: ConversationLockOptions = {},
): KeyedMutex {
  const local = createKeyedMutex();
  // One holder per process: the local mutex lets one turn per conversation at a time reach here.
  const holder = randomUUID();

  /** One try at the lease: whether this process holds it now. */
  async function tryTake(conversationId: string): Promise<boolean> {
    // `xmax` is 0 on a row this statement inserted, and set on one it updated: a lease that
    // was there, expired (or this process's own, left when a delete failed).
    const { rows } = await db.query<{ taken_over: boolean }>(
      `insert into conversation_leases (conversation_id, holder, expires_at)
       values ($1, $2, now() + $3 * interval '1 millisecond')
       on conflict (conversation_id) do update
         set holder = excluded.holder, expires_at = excluded.expires_at
         where conversation_leases.expires_at < now() or conversation_leases.holder = $2
       returning xmax <> 0 as taken_over`,
      [conversationId, holder, LEASE_MS],
    );
    const taken = rows[0];
    if (!taken) return false;
    if (taken.taken_over) await onTakeover?.(conversationId);
    return true;
  }

  async function take(conversationId: string, signal?: AbortSignal): Promise<void> {
    for (let wait = FIRST_RETRY_MS; ; wait = Math.min(wait * 2, LAST_RETRY_MS)) {
      if (await tryTake(conversationId)) return;
      await sleep(wait, signal ? { signal } : {});
    }
  }

  /** Renews the lease taken until the returned function releases it and the local lock. */
  function hold(conversationId: string, releaseLocal: () => Promise<void>): () => Promise<void> {
    const renewal = setInterval(() => {
      db.query(
        `update conversation_leases set expires_at = now() + $3 * interval '1 millisecond'
          where conversation_id = $1 and holder = $2`,
        [conversationId, holder, LEASE_MS],
      ).catch(() => {}); // the next renewal retries; past the lease, another replica may go on
    }, LEASE_MS / 3);
    renewal.unref();
    return () => {
      clearInterval(renewal);
      return (
        db
          .query('delete from conversation_leases where conversation_id = $1 and holder = $2', [
            conversationId,
            holder,
          ])
          // Not deleted: the lease expires instead, and this process may take it back at once.
          .then(
            () => {},
            () => {},
          )
          .finally(releaseLocal)
      );
    };
  }

  return {
    async acquire(conversationId, signal) {
      const releaseLocal = await local.acquire(conversationId, signal);
      try {
        await take(conversationId, signal);
      } catch (error) {
        releaseLocal();
        throw error;
      }
      return hold(conversationId, releaseLocal);
    },
    async tryAcquire(conversationId) {
      const releaseLocal = await local.tryAcquire(conversationId);
      if (!releaseLocal) return undefined;
      let taken: boolean;
      try {
        taken = await tryTake(conversationId);
      } catch (error) {
        releaseLocal();
        throw error;
      }
      if (!taken) {
        await releaseLocal();
        return undefined;
      }
      return hold(conversationId, releaseLocal);
    },
  };
}
