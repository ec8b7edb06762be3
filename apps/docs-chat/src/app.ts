/**
 * The app assembled: configuration, data directory lock, database, document collection,
 * answerer, limits, observability, chat engine and HTTP server. The CLI and the tests start
 * it through {@link createApp}. With `DATABASE_URL` the state lives in PostgreSQL, shared by
 * every replica (no data directory lock; the index in pgvector when the server has it, else
 * each process's own, a cache of the chunks table); with `REDIS_URL` the per-user rates and
 * budgets, the breaker, the retry budget and the answering slots live on Redis.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createMemory, type Memory } from '@keel/memory';
import { createPostgresMemoryStore } from '@keel/memory/postgres';
import { createOutputGuard } from '@keel/observability';
import type { IngestProgress } from '@keel/retrieval';
import type { Redis } from 'ioredis';
import { type Answerer, countingModel, createAnswerer } from './answerer';
import { type AppObservability, createAppObservability } from './app-observability';
import { type ChatEngine, createChatEngine } from './chat-engine';
import { APP_DIR, type Config } from './config';
import { createConversationLock } from './conversation-lock';
import { type ConversationStore, createConversationStore } from './conversation-store';
import { dashboardRoutes } from './dashboard-routes';
import { lockDataDir } from './data-dir-lock';
import { type Database, openDatabase } from './database';
import { createDatabaseApprovalStore } from './database-approval-store';
import { documentRoutes } from './document-routes';
import { createHttpServer } from './http-server';
import { createKeyedMutex } from './keyed-mutex';
import { type IngestReport, type Knowledge, openKnowledge } from './knowledge';
import { createLedgerStore, type LedgerStore } from './ledger-store';
import { memoryRoutes } from './memory-routes';
import { createNotesStore, type NotesStore } from './notes-store';
import { connectDatabase } from './postgres-database';
import { closeRedis, openRedis, REDIS_TIMEOUT_MS } from './redis-connection';
import { openSharedKnowledge, type SharedKnowledge } from './shared-knowledge';
import { traceDatabase } from './traced-database';
import { createTurnSlots } from './turn-slots';
import { createUserLimits } from './user-limits';

const DAY_MS = 86_400_000;
/** How often memory forgets what outlived `DOCS_CHAT_MEMORY_TTL_DAYS`. */
const SWEEP_EVERY_MS = 3_600_000;

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
  /** What the app remembers of its users (`@keel/memory`, in the app's database). */
  readonly memory: Memory;
  readonly observability: AppObservability;
  readonly db: Database;
  /**
   * The Redis client when `REDIS_URL` is set (connected on first use, closed by `close`): the
   * one client for the limits, budgets, breaker and caches replicas share.
   */
  readonly redis?: Redis;
  /** Ingests the configured corpus (only what changed). */
  ingestCorpus(onProgress?: (progress: IngestProgress) => void): Promise<IngestReport>;
  /** Serves HTTP on the configured host and port; resolves with the URL. */
  listen(): Promise<string>;
  /**
   * Stops serving (cutting open streams), flushes the ledger, closes the database and Redis,
   * and unlocks the data directory.
   */
  close(): Promise<void>;
}

/** Opens everything the configuration describes (it does not ingest or listen). */
export async function createApp({ config, write }: AppOptions): Promise<App> {
  const shared = config.databaseUrl !== undefined;
  // Replicas share one install: with the state in PostgreSQL the data directory holds nothing.
  const unlock = shared ? undefined : lockDataDir(config.dataDir);
  let observability: AppObservability | undefined;
  const warn = (event: string, error: Error) =>
    observability?.log({
      time: new Date().toISOString(),
      level: 'warn',
      event,
      msg: error.message,
    });
  let db: Database | undefined;
  let sharedKnowledge: SharedKnowledge | undefined;
  let redis: Redis | undefined;
  let sweeper: NodeJS.Timeout | undefined;
  try {
    db = config.databaseUrl
      ? await connectDatabase(config.databaseUrl, {
          poolSize: config.databasePoolSize,
          onWarning: warn,
        })
      : await openDatabase(join(config.dataDir, 'db'));
    // Each statement of a request is a storage span of its trace (the dashboard's waterfall).
    db = traceDatabase(db, () => observability);
    sharedKnowledge = shared ? await openSharedKnowledge(db, { onWarning: warn }) : undefined;
    const knowledge =
      sharedKnowledge?.knowledge ?? (await openKnowledge(join(config.dataDir, 'index')));
    redis = config.redisUrl ? openRedis(config.redisUrl, warn) : undefined;
    const sharedRedis = redis && {
      redis,
      prefix: config.redisPrefix,
      timeoutMs: REDIS_TIMEOUT_MS,
    };
    const conversations = createConversationStore(db);
    await conversations.recoverInterrupted();
    const ledger = createLedgerStore(db);
    const notes = createNotesStore(db);
    const appObservability = createAppObservability({
      ledger,
      write: write ?? (config.log === 'json' ? undefined : false),
    });
    observability = appObservability;
    const answerer = createAnswerer(config, {
      instrumentation: appObservability.instrumentation,
      ...(sharedRedis && { redis: sharedRedis }),
    });
    // The dashboard and /metrics show the provider breaker's state (`keel.breaker.state`).
    if (answerer.breaker) {
      appObservability.observability.watchBreaker(answerer.breaker, answerer.mode);
    }
    // Memory's tables sit beside the app's; on PostgreSQL its transactions need the pool.
    const memoryStore = createPostgresMemoryStore({ sql: db.pool ?? db, table: 'keel_memory' });
    await memoryStore.migrate();
    const ttlMs = config.memoryTtlDays && config.memoryTtlDays * DAY_MS;
    const memory = createMemory({
      store: memoryStore,
      tokenizer: countingModel(answerer.model),
      // No history at all (0) still needs a window: a token's, which nothing fits.
      historyTokens: Math.max(1, config.historyTokens),
      ...(ttlMs && { ttl: { user: ttlMs, conversation: ttlMs } }),
      ...(config.memoryModel &&
        answerer.memoryModel && {
          summarizer: answerer.memoryModel,
          extractor: answerer.memoryModel,
        }),
    });
    // What outlived its TTL is forgotten every hour (on each replica: a sweep is idempotent).
    sweeper = ttlMs
      ? setInterval(() => {
          memory.sweep().catch((error: Error) => warn('memory-sweep-failed', error));
        }, SWEEP_EVERY_MS).unref()
      : undefined;
    const limits = createUserLimits({
      requestsPerMinute: config.rateLimitPerMinute,
      dailyTokens: config.userDailyTokens,
      dailyUsd: config.userDailyUsd,
      minTurnTokens: config.maxOutputTokens,
      ledger,
      ...(sharedRedis && { redis: sharedRedis }),
    });
    // One lock for turns and for deleting a conversation: a lease row per conversation when
    // replicas share the database, else within this process.
    const conversationLock = shared
      ? createConversationLock(db, {
          onTakeover: (conversationId) => conversations.interrupt(conversationId),
        })
      : createKeyedMutex();
    const engine = createChatEngine({
      config,
      knowledge,
      conversations,
      notes,
      approvals: createDatabaseApprovalStore(db),
      answerer,
      limits,
      instrumentation: appObservability.instrumentation,
      memory,
      ledgerWritten: appObservability.flush,
      outputGuard: createOutputGuard({
        allowedHosts: config.allowedHosts,
        // The secret rules, as in logs; contact details in documents are content, and card
        // numbers and IBANs are redacted at ingestion (the guard holds back text that could
        // start a spaced number, which would delay every answer with figures in it).
        redaction: { disable: ['email', 'phone', 'card-number', 'iban'] },
        metrics: appObservability.metrics,
        span: appObservability.currentSpan,
      }),
      conversationLock,
      ...(config.maxTurns !== undefined && {
        turnSlots: createTurnSlots({
          maxTurns: config.maxTurns,
          queueMs: config.turnQueueMs,
          leaseMs: config.turnLeaseMs,
          ...(sharedRedis && { redis: sharedRedis }),
        }),
      }),
    });
    const dashboard = dashboardRoutes({ ledger, db, answerer, observability: appObservability });
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
      memory,
      observability: appObservability,
      db,
      ...(redis && { redis }),
      ingestCorpus: (onProgress) =>
        knowledge.ingest(config.corpus, {
          trusted: config.trustedCorpus,
          ...(onProgress && { onProgress }),
        }),
      async listen() {
        server = createHttpServer({
          config,
          engine,
          conversations,
          ledger,
          knowledge,
          answerer,
          observability: appObservability,
          memory,
          conversationLock,
          publicDir: join(APP_DIR, 'public'),
          routes: [
            ...documentRoutes({ config, knowledge }),
            ...memoryRoutes({ memory }),
            ...dashboard,
          ],
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
        await appObservability.flush();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }

  /** Closes what was opened, in reverse order. */
  async function release(): Promise<void> {
    clearInterval(sweeper);
    await sharedKnowledge?.close();
    await db?.close();
    if (redis) await closeRedis(redis);
    unlock?.();
  }
}
