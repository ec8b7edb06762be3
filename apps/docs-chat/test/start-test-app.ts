/**
 * Starts the app in-process for tests: offline mode, a temporary data directory, the fixture
 * corpus ingested, HTTP on 127.0.0.1 with a free port, logs off (or collected).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MockProvider, startMockProvider } from '@keel/testing';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type App, createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/database';

/** The fixture corpus: a few markdown files and a text file. */
export const FIXTURE_CORPUS = join(import.meta.dirname, 'fixtures', 'corpus');

let template: Promise<string> | undefined;

/** A new data directory holding an empty database (copied: creating one takes seconds). */
async function freshDataDir(): Promise<string> {
  template ??= (async () => {
    const directory = mkdtempSync(join(tmpdir(), 'docs-chat-template-'));
    await (await openDatabase(join(directory, 'db'))).close();
    return directory;
  })();
  const directory = mkdtempSync(join(tmpdir(), 'docs-chat-test-'));
  cpSync(join(await template, 'db'), join(directory, 'db'), { recursive: true });
  return directory;
}

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
  dataDir,
  listen = true,
  keepData = false,
}: {
  env?: Record<string, string>;
  dataDir?: string;
  listen?: boolean;
  keepData?: boolean;
} = {}): Promise<TestApp> {
  dataDir ??= await freshDataDir();
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
  let closing: Promise<void> | undefined;
  return {
    url,
    dataDir,
    app,
    logs,
    close() {
      closing ??= app.close().then(() => {
        if (!keepData) rmSync(dataDir, { recursive: true, force: true });
      });
      return closing;
    },
  };
}

/** A `startTestApp` whose apps are closed after each test (closing one earlier is fine). */
export function useTestApps(): typeof startTestApp {
  const running: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((app) => app.close()));
  });
  return async (options) => {
    const app = await startTestApp(options);
    running.push(app);
    return app;
  };
}

/** The mock provider for a test file: started once, its script and request log emptied after each test. */
export function useMockProvider(): { readonly mock: MockProvider } {
  const env = {} as { mock: MockProvider };
  beforeAll(async () => {
    env.mock = await startMockProvider();
  });
  afterEach(() => env.mock.reset());
  afterAll(() => env.mock.close());
  return env;
}
