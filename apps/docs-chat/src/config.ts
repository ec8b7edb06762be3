/**
 * Configuration from the environment, validated at start. Every variable is documented in
 * `.env.example`; a bad value stops the app with a {@link ConfigError} naming each problem.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError } from './config-error';

/** The app's folder (`apps/docs-chat`), from `src/` in tests and from `dist/` when built. */
export const APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Which answerer the app uses; `auto` picks the first provider with a key or base URL. */
export type ProviderChoice = 'auto' | 'offline' | 'openai' | 'anthropic';

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const money = z.coerce.number().positive().max(1_000_000);
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();
const url = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional())
  .optional();

/** `true` or `false` (any case); unset or empty is `false`. */
const flag = z
  .string()
  .trim()
  .toLowerCase()
  .transform((value) => (value === '' ? 'false' : value))
  .pipe(z.enum(['true', 'false'], { error: 'must be true or false' }))
  .transform((value) => value === 'true')
  .default(false);

/** A connection URL of one of `schemes` (a user's password in it stays out of messages). */
const engineUrl = (schemes: RegExp, expected: string) =>
  z
    .string()
    .trim()
    .transform((value) => (value === '' ? undefined : value))
    .pipe(z.url({ protocol: schemes, error: `must be a ${expected} URL` }).optional())
    .optional();

const schema = z.object({
  DOCS_CHAT_HOST: z.string().trim().min(1).default('127.0.0.1'),
  DOCS_CHAT_PORT: integer(0, 65_535).default(3000),
  DOCS_CHAT_DATA_DIR: optionalText,
  DOCS_CHAT_CORPUS: optionalText,
  DOCS_CHAT_TRUSTED_CORPUS: flag,
  DOCS_CHAT_ALLOWED_HOSTS: z
    .string()
    .trim()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((host) => host.trim())
        .filter((host) => host !== ''),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(/^[a-z0-9.-]+$/i, 'must be host names separated by commas, e.g. docs.example.com'),
      ),
    ),
  DOCS_CHAT_PROVIDER: z.enum(['auto', 'offline', 'openai', 'anthropic']).default('auto'),
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: url,
  DOCS_CHAT_OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  ANTHROPIC_API_KEY: optionalText,
  ANTHROPIC_BASE_URL: url,
  DOCS_CHAT_ANTHROPIC_MODEL: z.string().trim().min(1).default('claude-haiku-4-5'),
  DOCS_CHAT_MAX_OUTPUT_TOKENS: integer(16, 32_000).default(1_024),
  DOCS_CHAT_CONTEXT_TOKENS: integer(200, 100_000).default(3_000),
  DOCS_CHAT_HISTORY_TOKENS: integer(0, 100_000).default(2_000),
  DOCS_CHAT_RATE_LIMIT_RPM: integer(1, 1_000_000).default(30),
  DOCS_CHAT_USER_DAILY_TOKENS: integer(1, 1_000_000_000).default(2_000_000),
  DOCS_CHAT_USER_DAILY_USD: money.default(1),
  DOCS_CHAT_MAX_BODY_BYTES: integer(256, 10_485_760).default(65_536),
  DOCS_CHAT_MAX_STREAMS: integer(1, 100_000).default(2_000),
  DOCS_CHAT_UPLOAD_MAX_FILE_BYTES: integer(1_024, 104_857_600).default(5_242_880),
  DOCS_CHAT_UPLOAD_MAX_DOCUMENTS: integer(1, 100_000).default(50),
  DOCS_CHAT_UPLOAD_QUOTA_BYTES: integer(1_024, 1_073_741_824).default(10_485_760),
  DOCS_CHAT_MAX_TURNS: integer(1, 100_000).optional(),
  DOCS_CHAT_MEMORY_TTL_DAYS: integer(1, 36_500).optional(),
  DOCS_CHAT_MEMORY_MODEL: flag,
  DOCS_CHAT_TURN_QUEUE_MS: integer(0, 600_000).default(30_000),
  DOCS_CHAT_TURN_LEASE_MS: integer(1_000, 600_000).default(15_000),
  DOCS_CHAT_OFFLINE_PACE_MS: integer(0, 10_000).default(15),
  DOCS_CHAT_LOG: z.enum(['json', 'off']).default('json'),
  DOCS_CHAT_ADMIN_TOKEN: optionalText,
  DATABASE_URL: engineUrl(/^postgres(ql)?$/, 'postgres://user@host:5432/database'),
  DOCS_CHAT_DATABASE_POOL: integer(1, 1_000).default(10),
  REDIS_URL: engineUrl(/^rediss?$/, 'redis://host:6379'),
  DOCS_CHAT_REDIS_PREFIX: z
    .string()
    .regex(/^[\w.:-]{1,64}$/, 'must be 1 to 64 letters, digits, or . _ : -')
    .default('docs-chat:'),
});

/** The validated configuration. */
export interface Config {
  host: string;
  port: number;
  /** Database, index and lock live here. */
  dataDir: string;
  /** Files and folders ingested at start (the bundled corpus by default). */
  corpus: string[];
  /**
   * The documents are the operator's own: ingestion keeps the secrets in them as written
   * (invisible characters are removed and instruction-like sentences flagged all the same).
   */
  trustedCorpus: boolean;
  /**
   * Hosts whose links and images an answer may carry (subdomains included); links and images
   * to any other host are neutralised by the output guard.
   */
  allowedHosts: string[];
  provider: ProviderChoice;
  openai: { apiKey?: string; baseURL?: string; model: string };
  anthropic: { apiKey?: string; baseURL?: string; model: string };
  maxOutputTokens: number;
  /** Token budget of the retrieved context packed into the prompt. */
  contextTokens: number;
  /** Token budget of earlier turns sent along. */
  historyTokens: number;
  /** Chat requests per user per minute. */
  rateLimitPerMinute: number;
  /** Per user per UTC day. */
  userDailyTokens: number;
  userDailyUsd: number;
  maxBodyBytes: number;
  /** Open chat streams at once; beyond it requests get 429. */
  maxStreams: number;
  /**
   * Uploads (POST /api/documents): the largest file in bytes as sent, and what one user may
   * hold, in documents and in bytes of text as indexed.
   */
  upload: { maxFileBytes: number; maxDocuments: number; maxBytes: number };
  /**
   * Turns answering at once: across every replica sharing `redisUrl` (a lease per turn), in
   * this process without it; unset, only `maxStreams` bounds them.
   */
  maxTurns?: number;
  /** How long remembered facts and conversation summaries live, in days; forever when unset. */
  memoryTtlDays?: number;
  /**
   * With a provider, memory's summaries and fact extraction are calls of the configured model;
   * otherwise (and always offline) the extractive summary and the user's plain statements.
   */
  memoryModel: boolean;
  /** How long a turn waits for one of `maxTurns` before a 503. */
  turnQueueMs: number;
  /** How long a dead replica's turn keeps its slot (its lease, renewed while it runs). */
  turnLeaseMs: number;
  /** Milliseconds between words of the offline answer (so streaming is visible). */
  offlinePaceMs: number;
  log: 'json' | 'off';
  /** When set, GET /api/usage and /metrics need it as a bearer token. */
  adminToken?: string;
  /**
   * A PostgreSQL server for the state replicas share (conversations, approvals, notes, the
   * ledger, documents); without it the embedded database in the data directory holds it.
   */
  databaseUrl?: string;
  /** Connections each process keeps to `databaseUrl`. */
  databasePoolSize: number;
  /** A Redis server for the limits, budgets, breaker and caches replicas share. */
  redisUrl?: string;
  /** What every key on `redisUrl` starts with. */
  redisPrefix: string;
}

/**
 * The bundled corpus: Keel's own docs, the package READMEs and this app's README, read from the
 * repository the app sits in (a package folder without a README, one being started, is left out).
 */
export function bundledCorpus(): string[] {
  const root = resolve(APP_DIR, '..', '..');
  const packages = readdirSync(resolve(root, 'packages'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => resolve(root, 'packages', entry.name, 'README.md'))
    .filter((readme) => existsSync(readme));
  return [
    resolve(root, 'README.md'),
    resolve(root, 'docs'),
    ...packages,
    resolve(APP_DIR, 'README.md'),
  ];
}

/**
 * Reads and validates the configuration.
 *
 * @throws ConfigError listing every invalid variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.DOCS_CHAT_PROVIDER === 'openai' && !e.OPENAI_API_KEY && !e.OPENAI_BASE_URL) {
    problems.push(
      'DOCS_CHAT_PROVIDER: openai needs OPENAI_API_KEY, or OPENAI_BASE_URL for a compatible server',
    );
  }
  if (e.DOCS_CHAT_PROVIDER === 'anthropic' && !e.ANTHROPIC_API_KEY) {
    problems.push('DOCS_CHAT_PROVIDER: anthropic needs ANTHROPIC_API_KEY');
  }
  if (e.DOCS_CHAT_USER_DAILY_TOKENS < e.DOCS_CHAT_MAX_OUTPUT_TOKENS) {
    problems.push(
      `DOCS_CHAT_USER_DAILY_TOKENS: ${e.DOCS_CHAT_USER_DAILY_TOKENS} is below DOCS_CHAT_MAX_OUTPUT_TOKENS (${e.DOCS_CHAT_MAX_OUTPUT_TOKENS}), so no turn could run`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    host: e.DOCS_CHAT_HOST,
    port: e.DOCS_CHAT_PORT,
    dataDir: resolve(e.DOCS_CHAT_DATA_DIR ?? resolve(APP_DIR, '.data')),
    corpus: e.DOCS_CHAT_CORPUS
      ? e.DOCS_CHAT_CORPUS.split(',').map((folder) => resolve(folder.trim()))
      : bundledCorpus(),
    trustedCorpus: e.DOCS_CHAT_TRUSTED_CORPUS,
    allowedHosts: e.DOCS_CHAT_ALLOWED_HOSTS,
    provider: e.DOCS_CHAT_PROVIDER,
    openai: {
      apiKey: e.OPENAI_API_KEY,
      baseURL: e.OPENAI_BASE_URL,
      model: e.DOCS_CHAT_OPENAI_MODEL,
    },
    anthropic: {
      apiKey: e.ANTHROPIC_API_KEY,
      baseURL: e.ANTHROPIC_BASE_URL,
      model: e.DOCS_CHAT_ANTHROPIC_MODEL,
    },
    maxOutputTokens: e.DOCS_CHAT_MAX_OUTPUT_TOKENS,
    contextTokens: e.DOCS_CHAT_CONTEXT_TOKENS,
    historyTokens: e.DOCS_CHAT_HISTORY_TOKENS,
    rateLimitPerMinute: e.DOCS_CHAT_RATE_LIMIT_RPM,
    userDailyTokens: e.DOCS_CHAT_USER_DAILY_TOKENS,
    userDailyUsd: e.DOCS_CHAT_USER_DAILY_USD,
    maxBodyBytes: e.DOCS_CHAT_MAX_BODY_BYTES,
    maxStreams: e.DOCS_CHAT_MAX_STREAMS,
    upload: {
      maxFileBytes: e.DOCS_CHAT_UPLOAD_MAX_FILE_BYTES,
      maxDocuments: e.DOCS_CHAT_UPLOAD_MAX_DOCUMENTS,
      maxBytes: e.DOCS_CHAT_UPLOAD_QUOTA_BYTES,
    },
    ...(e.DOCS_CHAT_MAX_TURNS !== undefined && { maxTurns: e.DOCS_CHAT_MAX_TURNS }),
    memoryModel: e.DOCS_CHAT_MEMORY_MODEL,
    ...(e.DOCS_CHAT_MEMORY_TTL_DAYS !== undefined && {
      memoryTtlDays: e.DOCS_CHAT_MEMORY_TTL_DAYS,
    }),
    turnQueueMs: e.DOCS_CHAT_TURN_QUEUE_MS,
    turnLeaseMs: e.DOCS_CHAT_TURN_LEASE_MS,
    offlinePaceMs: e.DOCS_CHAT_OFFLINE_PACE_MS,
    log: e.DOCS_CHAT_LOG,
    ...(e.DOCS_CHAT_ADMIN_TOKEN && { adminToken: e.DOCS_CHAT_ADMIN_TOKEN }),
    ...(e.DATABASE_URL && { databaseUrl: e.DATABASE_URL }),
    databasePoolSize: e.DOCS_CHAT_DATABASE_POOL,
    ...(e.REDIS_URL && { redisUrl: e.REDIS_URL }),
    redisPrefix: e.DOCS_CHAT_REDIS_PREFIX,
  };
}
