/**
 * Starts what the load script measures: the mock provider (OpenAI chat streaming, replies
 * chosen per request by the running scenario) and the built app in-process, pointed at it
 * (or several apps on one shared state, for the scale-out scenario).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockProvider } from '@keel/testing';
import { createApp, loadConfig } from '../dist/index.js';

const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The reply every scenario streams unless it says otherwise: 40 content chunks. */
export const CHUNKS = Array.from({ length: 40 }, (_, i) => `word${i + 1} `);

/** What a chat's text must be when the mock sent {@link CHUNKS}. */
export const EXPECTED_TEXT = CHUNKS.join('');

/** The mock provider the scenarios drive: one reply rule at a time, listeners on each end. */
async function startMock() {
  let responder = () => ({ chunks: CHUNKS });
  const endListeners = new Set();
  const mock = await startMockProvider({
    scenario: { 'openai.chat': (request) => responder(request) },
    rateLimits: { requests: 10_000_000, tokens: 2_000_000_000 },
    onRequestEnd: (record) => {
      for (const listener of endListeners) listener(record);
    },
  });
  return {
    mock,
    setResponder(fn) {
      responder = fn;
    },
    onRequestEnd(fn) {
      endListeners.add(fn);
      return () => endListeners.delete(fn);
    },
  };
}

/**
 * Starts mock and app. `setResponder(fn)` changes how the mock answers (`fn(request)` returns
 * a MockReply); `onRequestEnd(fn)` adds a listener for each upstream request's end (returns a
 * remover).
 *
 * - `replicas`: how many apps to start in this process (`apps`, `urls`; `app` and `url` are the
 *   first), one after another, each ingesting the corpus. More than one needs `env` to name a
 *   shared state (DATABASE_URL, and REDIS_URL), since an embedded data directory has one owner.
 * - `env`: added to the load configuration.
 * - `upstream`: a running target whose mock to answer from (so one responder drives both);
 *   `close` then leaves that mock running.
 */
export async function startLoadTarget({ replicas = 1, env = {}, upstream } = {}) {
  const { mock, setResponder, onRequestEnd } = upstream ?? (await startMock());
  const dataDir = mkdtempSync(join(tmpdir(), 'docs-chat-load-'));
  const config = loadConfig({
    DOCS_CHAT_PROVIDER: 'openai',
    OPENAI_BASE_URL: mock.openaiBaseURL,
    OPENAI_API_KEY: 'test',
    DOCS_CHAT_OPENAI_MODEL: 'gpt-4o-mini',
    DOCS_CHAT_PORT: '0',
    DOCS_CHAT_DATA_DIR: dataDir,
    DOCS_CHAT_CORPUS: join(APP_DIR, 'test', 'fixtures', 'corpus'),
    DOCS_CHAT_LOG: 'off',
    DOCS_CHAT_RATE_LIMIT_RPM: '1000000',
    DOCS_CHAT_MAX_STREAMS: '5000',
    DOCS_CHAT_USER_DAILY_TOKENS: '1000000000',
    DOCS_CHAT_USER_DAILY_USD: '1000000',
    ...env,
  });
  const apps = [];
  const urls = [];
  const close = async () => {
    await Promise.all(apps.map((app) => app.close()));
    if (!upstream) await mock.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    // One after another: the first ingests, the next find the corpus already in the tables.
    for (let i = 0; i < replicas; i++) {
      const app = await createApp({ config, write: false });
      apps.push(app);
      await app.ingestCorpus();
      urls.push(await app.listen());
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { mock, app: apps[0], apps, url: urls[0], urls, setResponder, onRequestEnd, close };
}

/** The `load-<kind>-<n>` tag a scenario put in a chat's message, found in an upstream body. */
export function tagOf(body) {
  return JSON.stringify(body ?? '').match(/load-[a-z]+-\d+/)?.[0];
}
