/**
 * Turns of one conversation across replicas: a second replica waits for the first's lease, a
 * lease left by a replica that died is taken over once expired, a wait can be abandoned, and
 * the crash recovery at start leaves turns another replica is still answering alone.
 */
import { stateEngineUrl } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversationLock } from '../src/conversation-lock';
import { createConversationStore } from '../src/conversation-store';
import type { Database } from '../src/database';
import { connectDatabase } from '../src/postgres-database';
import { useSchema } from './postgres-schema';

const serverUrl = stateEngineUrl('DATABASE_URL');

describe.skipIf(!serverUrl)('createConversationLock', () => {
  const schema = useSchema(serverUrl);
  let db: Database;

  beforeAll(async () => {
    db = await connectDatabase(schema.url, { poolSize: 4, onWarning: () => {} });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('makes a second replica wait until the first releases', async () => {
    const replicaA = createConversationLock(db);
    const replicaB = createConversationLock(db);
    const order: string[] = [];
    const releaseA = await replicaA.acquire('conv-1');
    order.push('A has it');
    const waiting = replicaB.acquire('conv-1').then((release) => {
      order.push('B has it');
      return release;
    });
    // B polls the lease meanwhile; another conversation is not held up.
    const other = await replicaB.acquire('conv-2');
    other();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(order).toEqual(['A has it']);
    order.push('A releases');
    releaseA();
    const releaseB = await waiting;
    expect(order).toEqual(['A has it', 'A releases', 'B has it']);
    releaseB();
    await expect
      .poll(async () => (await db.query('select * from conversation_leases')).rows)
      .toEqual([]);
  });

  it('takes over the expired lease of a replica that died, its answer marked interrupted', async () => {
    const store = createConversationStore(db);
    await store.begin({
      conversationId: 'conv-3',
      userId: 'u',
      create: true,
      seq: 1,
      turnId: 'dead-turn',
      text: 'question',
    });
    await db.query(
      `insert into conversation_leases (conversation_id, holder, expires_at)
       values ('conv-3', 'dead-replica', now() - interval '1 second')`,
    );
    const takenOver: string[] = [];
    const lock = createConversationLock(db, {
      onTakeover: async (conversationId) => {
        takenOver.push(conversationId);
        await store.interrupt(conversationId);
      },
    });
    const release = await lock.acquire('conv-3');
    const { rows } = await db.query<{ holder: string }>(
      "select holder from conversation_leases where conversation_id = 'conv-3'",
    );
    expect(rows[0]?.holder).not.toBe('dead-replica');
    expect(takenOver).toEqual(['conv-3']);
    expect((await store.view('conv-3', 'u'))?.turns[1]?.outcome).toBe('interrupted');
    release();
    // A lease found free is no takeover.
    await expect
      .poll(
        async () =>
          (await db.query("select 1 from conversation_leases where conversation_id = 'conv-3'"))
            .rowCount,
      )
      .toBe(0);
    (await lock.acquire('conv-3'))();
    expect(takenOver).toEqual(['conv-3']);
  });

  it('gives up waiting when the turn is cancelled', async () => {
    const release = await createConversationLock(db).acquire('conv-4');
    const controller = new AbortController();
    const waiting = createConversationLock(db).acquire('conv-4', controller.signal);
    controller.abort(new Error('The client went away'));
    await expect(waiting).rejects.toThrow('The client went away');
    release();
  });

  it('marks a crashed turn interrupted at start, but not one another replica still answers', async () => {
    const store = createConversationStore(db);
    for (const id of ['crashed', 'running']) {
      await store.begin({
        conversationId: id,
        userId: 'u',
        create: true,
        seq: 1,
        turnId: `${id}-turn`,
        text: 'question',
      });
    }
    const release = await createConversationLock(db).acquire('running');
    expect(await store.recoverInterrupted()).toBe(1);
    expect((await store.view('crashed', 'u'))?.turns[1]?.outcome).toBe('interrupted');
    expect((await store.view('running', 'u'))?.turns[1]?.outcome).toBe('streaming');
    release();
  });
});
