/**
 * Starts what the load script measures: the mock provider (OpenAI chat streaming, replies
 * chosen per request by the running scenario) and the built app in-process, pointed at it.
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

/**
 * Starts mock and app. `setResponder(fn)` changes how the mock answers (`fn(request)` returns
 * a MockReply); `onRequestEnd(fn)` adds a listener for each upstream request's end (returns a
 * remover).
 */
export async function startLoadTarget() {
  let responder = () => ({ chunks: CHUNKS });
  const endListeners = new Set();
  const mock = await startMockProvider({
    scenario: { 'openai.chat': (request) => responder(request) },
    rateLimits: { requests: 10_000_000, tokens: 2_000_000_000 },
    onRequestEnd: (record) => {
      for (const listener of endListeners) listener(record);
    },
  });
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
  });
  const app = await createApp({ config, write: false });
  await app.ingestCorpus();
  const url = await app.listen();
  return {
    mock,
    app,
    url,
    setResponder(fn) {
      responder = fn;
    },
    onRequestEnd(fn) {
      endListeners.add(fn);
      return () => endListeners.delete(fn);
    },
    async close() {
      await app.close();
      await mock.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The `load-<kind>-<n>` tag a scenario put in a chat's message, found in an upstream body. */
export function tagOf(body) {
  return JSON.stringify(body ?? '').match(/load-[a-z]+-\d+/)?.[0];
}
