/**
 * Scenario 5: scale-out. Two apps in this process (createApp twice: the mock's per-request
 * control stays in reach) on one PostgreSQL database and one Redis database, both made for
 * the run and cleaned after: the 1,000 concurrent streams of scenario 1 sent to them in turn,
 * and time to first token through them against the embedded app, interleaved in one series.
 * Every PostgreSQL statement and Redis command the replicas send is counted through their own
 * clients (the servers are shared with other work, so their global counters would not do).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startLoadTarget, tagOf } from './load-setup.mjs';
import { summary } from './load-stats.mjs';
import { concurrentStreams } from './load-streams.mjs';
import { timeToFirstToken } from './load-ttft.mjs';

/** The key that marks a Redis database as this run's while it runs. */
const CLAIM_KEY = 'docs-chat-load:claim';

/** Why the scenario cannot run here, or undefined when it can. */
export function scaleOutSkipped(env = process.env) {
  const missing = ['DATABASE_URL', 'REDIS_URL'].filter((name) => !env[name]);
  if (missing.length === 0) return undefined;
  return `${missing.join(' and ')} not set (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379)`;
}

/** A database created on the server `serverUrl` names; `drop()` removes it. */
async function freshDatabase(serverUrl) {
  const name = `docs_chat_load_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } catch (error) {
    await admin.end();
    throw error;
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/**
 * An empty Redis logical database (1 to 15, never 0, where other work keeps its keys) on the
 * server `serverUrl` names, claimed with a marker key, and a key prefix of the run's own for
 * the app (`DOCS_CHAT_REDIS_PREFIX`). `clean()` deletes the keys under that prefix and the
 * marker (no FLUSHDB: anything else found there is reported, not deleted).
 */
async function freshRedisDatabase(serverUrl) {
  const prefix = `docs-chat-load-${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(serverUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const databases = Number((await redis.config('GET', 'databases'))[1] ?? 16);
    for (let db = 1; db < databases; db++) {
      await redis.select(db);
      if ((await redis.dbsize()) !== 0) continue;
      if ((await redis.set(CLAIM_KEY, String(process.pid), 'EX', 3_600, 'NX')) !== 'OK') continue;
      if ((await redis.dbsize()) !== 1) {
        await redis.del(CLAIM_KEY);
        continue;
      }
      const url = new URL(serverUrl);
      url.pathname = `/${db}`;
      return {
        db,
        url: url.toString(),
        prefix,
        async clean() {
          try {
            let deleted = 0;
            for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1_000 })) {
              if (keys.length > 0) deleted += await redis.unlink(...keys);
            }
            await redis.del(CLAIM_KEY);
            const left = [];
            for await (const keys of redis.scanStream({ count: 1_000 })) left.push(...keys);
            return { deleted, left };
          } finally {
            redis.disconnect();
          }
        },
      };
    }
    throw new Error(`No empty Redis database among 1..${databases - 1} to run in`);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
}

/**
 * What a Redis command is in the figures: a script by the kind of its first key (the run's
 * prefix and the ids in it left out: `evalsha rate-limit:user:*`), anything else by name.
 */
function commandLabel({ name, args }, prefix) {
  if (name !== 'evalsha' && name !== 'eval') return name;
  const key = String(args[2] ?? '').replace(prefix, '');
  return `${name} ${key.replace(/load-[\w-]*\d+/g, '*')}`;
}

/**
 * Counts what `apps` send: PostgreSQL statements (a transaction's BEGIN and COMMIT included: one
 * round trip each) through `app.db`, Redis commands through `app.redis` (by {@link commandLabel}).
 * `count()` is the totals so far; `calls` lists each `db.query` and `db.transaction` as it
 * settled (`{ ms, error }`: the wait for a pooled connection included).
 */
function countRoundTrips(apps, prefix) {
  let postgres = 0;
  const redis = new Map();
  const calls = [];
  const timed = (promise) => {
    const started = performance.now();
    return promise.then(
      (value) => {
        calls.push({ ms: performance.now() - started });
        return value;
      },
      (error) => {
        calls.push({ ms: performance.now() - started, error: error.message });
        throw error;
      },
    );
  };
  const countQueries = (query) =>
    function countedQuery(...args) {
      postgres++;
      return query(...args);
    };
  for (const { db, redis: client } of apps) {
    const { query, transaction } = db;
    const counted = countQueries(query.bind(db));
    db.query = (...args) => timed(counted(...args));
    db.transaction = function countedTransaction(work) {
      postgres += 2;
      return timed(
        transaction.call(db, (tx) => work({ ...tx, query: countQueries(tx.query.bind(tx)) })),
      );
    };
    const send = client.sendCommand.bind(client);
    client.sendCommand = function countedCommand(command, ...rest) {
      const label = commandLabel(command, prefix);
      redis.set(label, (redis.get(label) ?? 0) + 1);
      return send(command, ...rest);
    };
  }
  return { count: () => ({ postgres, redis: new Map(redis) }), calls };
}

/** How long the database calls in `calls` took, and which failed. */
function callFigures(calls) {
  const errors = {};
  for (const { error } of calls) if (error) errors[error] = (errors[error] ?? 0) + 1;
  return { count: calls.length, ...summary(calls.map((call) => call.ms)), errors };
}

/** Round trips per request between two counts. */
function perRequest(before, after, requests) {
  const byCommand = {};
  let redis = 0;
  for (const [name, n] of after.redis) {
    const delta = n - (before.redis.get(name) ?? 0);
    if (delta === 0) continue;
    byCommand[name] = delta / requests;
    redis += delta;
  }
  return {
    postgres: (after.postgres - before.postgres) / requests,
    redis: redis / requests,
    byCommand,
  };
}

/** The sum of two {@link perRequest} figures. */
function addTrips(a, b) {
  const byCommand = { ...a.byCommand };
  for (const [name, n] of Object.entries(b.byCommand)) byCommand[name] = (byCommand[name] ?? 0) + n;
  return { postgres: a.postgres + b.postgres, redis: a.redis + b.redis, byCommand };
}

/** Lets the writes a turn makes after its last event land before counting. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1_000));

/**
 * Runs the scenario against replicas answering from `embedded`'s mock, on the servers
 * DATABASE_URL and REDIS_URL name; resolves with its figures.
 */
export async function scaleOut(
  embedded,
  { replicas = 2, streams = 1_000, ttftCount = 300, warmup = 20, env = process.env } = {},
) {
  const database = await freshDatabase(env.DATABASE_URL);
  let redisDb;
  let target;
  let cleaned;
  try {
    redisDb = await freshRedisDatabase(env.REDIS_URL);
    const startedAt = performance.now();
    target = await startLoadTarget({
      replicas,
      upstream: embedded,
      env: {
        DATABASE_URL: database.url,
        REDIS_URL: redisDb.url,
        DOCS_CHAT_REDIS_PREFIX: redisDb.prefix,
        ...(env.DOCS_CHAT_DATABASE_POOL && {
          DOCS_CHAT_DATABASE_POOL: env.DOCS_CHAT_DATABASE_POOL,
        }),
      },
    });
    const startMs = performance.now() - startedAt;
    // Connected before counting: commands queued while connecting are sent twice by ioredis.
    await Promise.all(target.apps.map((app) => app.redis.ping()));
    const { count, calls } = countRoundTrips(target.apps, redisDb.prefix);

    const beforeStreams = count();
    const load = await concurrentStreams(target, { count: streams });
    const streamTrips = perRequest(beforeStreams, count(), streams);
    // Every call counted so far is one of the streams'.
    const streamCalls = callFigures(calls);

    // What a replica sends from the start of a turn to its model call (chats one at a time).
    let turnStart;
    for (const app of target.apps) {
      const turn = app.engine.turn.bind(app.engine);
      app.engine.turn = function countedTurn(request) {
        turnStart = count();
        return turn(request);
      };
    }
    const beforeModel = [];
    const onUpstream = (request) => {
      if (!tagOf(request.body)?.startsWith('load-replica-') || !turnStart) return;
      beforeModel.push([turnStart, count()]);
      turnStart = undefined;
    };
    const beforeTtft = count();
    const ttft = await timeToFirstToken(embedded, {
      count: ttftCount,
      warmup,
      compare: target,
      onUpstream,
    });
    await settle();
    // Warm-up rounds went through the replicas too.
    const ttftTrips = perRequest(beforeTtft, count(), ttftCount + warmup);
    const firstToken = beforeModel.reduce(
      (sum, [before, after]) => addTrips(sum, perRequest(before, after, beforeModel.length)),
      { postgres: 0, redis: 0, byCommand: {} },
    );

    return {
      replicas,
      how: `${replicas} apps in one process (createApp ${replicas} times)`,
      database: database.name,
      redisDb: redisDb.db,
      poolSize: target.app.config.databasePoolSize,
      startMs,
      streams: load,
      streamCalls,
      ttft,
      trips: { streams: streamTrips, sequential: ttftTrips, firstToken },
    };
  } finally {
    try {
      await target?.close();
    } finally {
      try {
        cleaned = await redisDb?.clean();
      } finally {
        await database.drop();
      }
    }
    if (cleaned?.left.length) {
      process.stdout.write(
        `Redis database ${redisDb.db} still holds keys outside the run's prefix: ${cleaned.left.join(', ')}\n`,
      );
    }
  }
}
