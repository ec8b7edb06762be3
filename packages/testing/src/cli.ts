#!/usr/bin/env node
/**
 * keel-mock: the mock provider as a standalone server, for pointing any application at it.
 */
import { parseArgs } from 'node:util';
import { loadScenario } from './load-scenario';
import { now } from './response-writer';
import { startMockProvider } from './start-mock-provider';

const usage = `Usage: keel-mock [--port 4010] [--host 127.0.0.1] [--scenario file.json|file.mjs] [--quiet]

Serves the OpenAI and Anthropic APIs on loopback. Unscripted requests get a deterministic
answer; a scenario file queues replies, errors and faults per route.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      scenario: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  }
  const scenario = values.scenario ? await loadScenario(values.scenario) : {};
  const mock = await startMockProvider({
    port,
    host: values.host,
    scenario,
    onRequestEnd: values.quiet
      ? undefined
      : (request) => {
          const ms = Math.round(
            (request.timings.endedAt ?? request.disconnectedAt ?? now()) -
              request.timings.receivedAt,
          );
          const note = request.clientDisconnected
            ? ' (client disconnected)'
            : request.reset
              ? ' (reset)'
              : '';
          process.stdout.write(
            `${request.method} ${request.path} ${request.status ?? '-'} ${ms}ms${note}\n`,
          );
        },
  });
  process.stdout.write(
    `keel-mock listening on ${mock.url}\n  OPENAI_BASE_URL=${mock.openaiBaseURL}\n  ANTHROPIC_BASE_URL=${mock.anthropicBaseURL}\n`,
  );
  const stop = () => {
    mock.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `keel-mock: ${error instanceof Error ? error.message : String(error)}\n${usage}\n`,
  );
  process.exit(2);
});
