/**
 * The app assembled: configuration, data directory lock, database, document collection,
 * answerer, limits, observability, chat engine and HTTP server. The CLI and the tests start
 * it through {@link createApp}.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { IngestProgress } from '@keel/retrieval';
import { type Answerer, createAnswerer } from './answerer';
import { type AppObservability, createAppObservability } from './app-observability';
import { type ChatEngine, createChatEngine } from './chat-engine';
import { APP_DIR, type Config } from './config';
import { type ConversationStore, createConversationStore } from './conversation-store';
import { lockDataDir } from './data-dir-lock';
import { type Database, openDatabase } from './database';
import { createHttpServer } from './http-server';
import { type IngestReport, type Knowledge, openKnowledge } from './knowledge';
import { createLedgerStore, type LedgerStore } from './ledger-store';
import { createDatabaseApprovalStore, createNotesStore, type NotesStore } from './notes-store';
import { createUserLimits } from './user-limits';

/** Options of {@link createApp}. */
export interface AppOptions {
  config: Config;
  /** Where log lines go; default stdout when `config.log` is `json`. */
  write?: ((line: string) => void) | false;
}

/** The running app. */
export interface App {
  readonly config: Config;
  readonly knowledge: Knowledge;
  readonly engine: ChatEngine;
  readonly answerer: Answerer;
  readonly conversations: ConversationStore;
  readonly ledger: LedgerStore;
  readonly notes: NotesStore;
  readonly observability: AppObservability;
  readonly db: Database;
  /** Ingests the configured corpus (only what changed). */
  ingestCorpus(onProgress?: (progress: IngestProgress) => void): Promise<IngestReport>;
  /** Serves HTTP on the configured host and port; resolves with the URL. */
  listen(): Promise<string>;
  /** Stops serving (cutting open streams), flushes the ledger, saves and unlocks. */
  close(): Promise<void>;
}

/** Opens everything the configuration describes (it does not ingest or listen). */
export async function createApp({ config, write }: AppOptions): Promise<App> {
  const unlock = lockDataDir(config.dataDir);
  try {
    const db = await openDatabase(join(config.dataDir, 'db'));
    const knowledge = await openKnowledge(join(config.dataDir, 'index'));
    const conversations = createConversationStore(db);
    await conversations.recoverInterrupted();
    const ledger = createLedgerStore(db);
    const notes = createNotesStore(db);
    const observability = createAppObservability({
      ledger,
      write: write ?? (config.log === 'json' ? undefined : false),
    });
    const answerer = createAnswerer(config, { instrumentation: observability.instrumentation });
    const limits = createUserLimits({
      requestsPerMinute: config.rateLimitPerMinute,
      dailyTokens: config.userDailyTokens,
      dailyUsd: config.userDailyUsd,
      minTurnTokens: config.maxOutputTokens,
      ledger,
    });
    const engine = createChatEngine({
      config,
      knowledge,
      conversations,
      notes,
      approvals: createDatabaseApprovalStore(db),
      answerer,
      limits,
      instrumentation: observability.instrumentation,
      ledgerWritten: observability.flush,
    });
    let server: ReturnType<typeof createHttpServer> | undefined;
    let closed = false;

    return {
      config,
      knowledge,
      engine,
      answerer,
      conversations,
      ledger,
      notes,
      observability,
      db,
      ingestCorpus: (onProgress) =>
        knowledge.ingest(config.corpus, onProgress ? { onProgress } : {}),
      async listen() {
        server = createHttpServer({
          config,
          engine,
          conversations,
          ledger,
          knowledge,
          answerer,
          observability,
          publicDir: join(APP_DIR, 'public'),
        });
        const listening = server;
        await new Promise<void>((resolve, reject) => {
          listening.once('error', reject);
          listening.listen(config.port, config.host, () => {
            listening.off('error', reject);
            resolve();
          });
        });
        const { address, port } = listening.address() as AddressInfo;
        const host = address.includes(':') ? `[${address}]` : address;
        return `http://${host}:${port}`;
      },
      async close() {
        if (closed) return;
        closed = true;
        if (server) {
          const stopping = server;
          await new Promise<void>((resolve) => {
            stopping.close(() => resolve());
            stopping.closeAllConnections();
          });
          // Cut turns still record themselves (outcome, ledger rows): wait, within reason.
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([
            stopping.streamsEnded(),
            new Promise<void>((resolve) => {
              timer = setTimeout(resolve, 10_000);
            }),
          ]);
          clearTimeout(timer);
        }
        await observability.flush();
        await db.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}
