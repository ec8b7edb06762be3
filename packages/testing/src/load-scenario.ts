/**
 * Reads a scenario for the mock server from a file: JSON (replies only) or a JavaScript module
 * (replies and responder functions) whose default export is the scenario.
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgumentError } from '@keel/core';
import { isMockRoute, ROUTES } from './routes';
import type { MockScenario } from './script-book';

/**
 * Loads `path` (`.json`, `.js`, `.mjs` or `.cjs`) and checks that every key is a route.
 *
 * @example
 * ```ts
 * // scenario.json: { "openai.chat": [{ "text": "Hi" }, { "error": { "status": 429, "retryAfter": 1 } }] }
 * const mock = await startMockProvider({ scenario: await loadScenario('scenario.json') });
 * ```
 */
export async function loadScenario(path: string): Promise<MockScenario> {
  const file = resolve(path);
  let scenario: unknown;
  try {
    if (extname(file) === '.json') scenario = JSON.parse(await readFile(file, 'utf8'));
    else {
      const module = (await import(pathToFileURL(file).href)) as {
        default?: unknown;
        scenario?: unknown;
      };
      scenario = module.default ?? module.scenario;
    }
  } catch (cause) {
    throw new InvalidArgumentError({
      argument: 'path',
      message: `Could not load scenario ${file}: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    });
  }
  if (scenario === null || typeof scenario !== 'object' || Array.isArray(scenario)) {
    throw new InvalidArgumentError({
      argument: 'path',
      message: `Scenario ${file} must be an object keyed by route (${Object.keys(ROUTES).join(', ')})`,
    });
  }
  const unknown = Object.keys(scenario).filter((key) => !isMockRoute(key));
  if (unknown.length > 0) {
    throw new InvalidArgumentError({
      argument: 'path',
      message: `Scenario ${file} has unknown routes ${unknown.map((k) => JSON.stringify(k)).join(', ')}; use ${Object.keys(ROUTES).join(', ')}`,
    });
  }
  return scenario as MockScenario;
}
