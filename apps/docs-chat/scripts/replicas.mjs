/**
 * docs-chat replicas on one PostgreSQL (and Redis): `node scripts/replicas.mjs` (after a build)
 * with DATABASE_URL set, and REDIS_URL if you have one, starts two `docs-chat serve` processes
 * of this install (DOCS_CHAT_REPLICAS for another count), each on a free port (or on
 * DOCS_CHAT_PORT, DOCS_CHAT_PORT + 1, ...), prints their URLs and forwards their output,
 * prefixed; Ctrl-C stops them. The multi-replica test and the load script start theirs with
 * `startReplica`.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'docs-chat.js');

/**
 * Starts `docs-chat serve` with exactly `env` (pass `DOCS_CHAT_PORT: '0'` for a free port) and
 * resolves once it listens. Its output is kept (`output()`), or after the start handed to
 * `onOutput` when given.
 */
export function startReplica(env, { onOutput, startTimeoutMs = 90_000 } = {}) {
  const child = spawn(process.execPath, [CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let listening = false;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`A replica did not start in ${startTimeoutMs} ms:\n${output}`));
    }, startTimeoutMs);
    const collect = (chunk) => {
      const text = chunk.toString('utf8');
      if (listening && onOutput) {
        onOutput(text);
        return;
      }
      output += text;
      const url = listening ? undefined : output.match(/listening on (http:\/\/\S+)/)?.[1];
      if (!url) return;
      listening = true;
      clearTimeout(timer);
      resolve({
        url,
        pid: child.pid,
        output: () => output,
        async stop(signal = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!listening) {
        reject(new Error(`A replica exited (${signal ?? code}) before listening:\n${output}`));
      }
    });
  });
}

async function main() {
  if (!process.env.DATABASE_URL) {
    process.stderr.write(
      'Set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/docs), and REDIS_URL if you have one: replicas share their state there.\n',
    );
    return 2;
  }
  const count = Number.parseInt(process.env.DOCS_CHAT_REPLICAS ?? '2', 10);
  if (!Number.isInteger(count) || count < 1) {
    process.stderr.write('DOCS_CHAT_REPLICAS must be a whole number of replicas, 1 or more\n');
    return 2;
  }
  const basePort = Number.parseInt(process.env.DOCS_CHAT_PORT ?? '0', 10);
  const replicas = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      startReplica(
        { ...process.env, DOCS_CHAT_PORT: String(basePort === 0 ? 0 : basePort + index) },
        {
          onOutput: (text) =>
            process.stderr.write(text.replace(/^(?=.)/gm, `[replica ${index + 1}] `)),
        },
      ),
    ),
  );
  for (const [index, replica] of replicas.entries()) {
    process.stdout.write(`replica ${index + 1} (pid ${replica.pid}): ${replica.url}\n`);
  }
  process.stdout.write(
    `state: PostgreSQL${process.env.REDIS_URL ? ' and Redis' : ''}; Ctrl-C stops them\n`,
  );
  await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await Promise.all(replicas.map((replica) => replica.stop()));
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
