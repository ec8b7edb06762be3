/**
 * Starts the app in-process for tests: offline mode, a temporary data directory, the fixture
 * corpus ingested, HTTP on 127.0.0.1 with a free port, logs off (or collected).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, createApp } from '../src/app';
import { loadConfig } from '../src/config';

/** The fixture corpus: a few markdown files and a text file. */
export const FIXTURE_CORPUS = join(import.meta.dirname, 'fixtures', 'corpus');

/** A running test app. */
export interface TestApp {
  url: string;
  dataDir: string;
  app: App;
  /** Log lines written so far. */
  logs: string[];
  close(): Promise<void>;
}

/** Starts the app; `env` overrides its environment, `dataDir` reopens an earlier one. */
export async function startTestApp({
  env = {},
  dataDir = mkdtempSync(join(tmpdir(), 'docs-chat-test-')),
  listen = true,
  keepData = false,
}: {
  env?: Record<string, string>;
  dataDir?: string;
  listen?: boolean;
  keepData?: boolean;
} = {}): Promise<TestApp> {
  const config = loadConfig({
    DOCS_CHAT_PROVIDER: 'offline',
    DOCS_CHAT_PORT: '0',
    DOCS_CHAT_DATA_DIR: dataDir,
    DOCS_CHAT_CORPUS: FIXTURE_CORPUS,
    DOCS_CHAT_OFFLINE_PACE_MS: '0',
    DOCS_CHAT_RATE_LIMIT_RPM: '10000',
    ...env,
  });
  const logs: string[] = [];
  const app = await createApp({ config, write: (line) => logs.push(line) });
  await app.ingestCorpus();
  const url = listen ? await app.listen() : '';
  return {
    url,
    dataDir,
    app,
    logs,
    async close() {
      await app.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
