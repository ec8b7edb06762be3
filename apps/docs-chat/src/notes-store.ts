/** Notes the save_note tool writes (after a person approves). */
import type { Database } from './database';
import { toStorable } from './storable-text';

/** A saved note. */
export interface Note {
  id: number;
  title: string;
  body: string;
  createdAt: string;
}

/** Notes by user. */
export interface NotesStore {
  add(note: {
    userId: string;
    conversationId?: string;
    title: string;
    body: string;
  }): Promise<number>;
  list(userId: string): Promise<Note[]>;
}

/** The notes store over `db`. */
export function createNotesStore(db: Database): NotesStore {
  return {
    async add({ userId, conversationId, title, body }) {
      const result = await db.query<{ id: number }>(
        'insert into notes (user_id, conversation_id, title, body) values ($1, $2, $3, $4) returning id::int',
        [userId, conversationId ?? null, toStorable(title), toStorable(body)],
      );
      return (result.rows[0] as { id: number }).id;
    },
    async list(userId) {
      const result = await db.query<{ id: number; title: string; body: string; created_at: Date }>(
        'select id::int, title, body, created_at from notes where user_id = $1 order by id',
        [userId],
      );
      return result.rows.map((row) => ({
        id: row.id,
        title: row.title,
        body: row.body,
        createdAt: row.created_at.toISOString(),
      }));
    },
  };
}
