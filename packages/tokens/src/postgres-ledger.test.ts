import {
  normalizeAnthropicUsage,
  normalizeOpenAIChatUsage,
  SharedStateUnavailableError,
} from '@keel/core';
import { type PostgresTestSchema, postgresTestSchema, stateEngineUrl } from '@keel/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCostLedger, type LedgerCall } from './cost-ledger';
import { estimateCost } from './estimate-cost';
import { createPostgresLedger, type PostgresLedger } from './postgres-ledger';

const url = stateEngineUrl('DATABASE_URL');

const calls: LedgerCall[] = [
  {
    model: 'gpt-4o-2024-08-06',
    usage: normalizeOpenAIChatUsage({ prompt_tokens: 1_000, completion_tokens: 100 }),
    userId: 'u1',
    feature: 'search',
  },
  {
    model: 'gpt-4o',
    usage: normalizeOpenAIChatUsage({ prompt_tokens: 1_200, completion_tokens: 80 }),
    userId: 'u2',
    feature: 'search',
  },
  {
    model: 'claude-sonnet-4-5',
    usage: normalizeAnthropicUsage({
      input_tokens: 1_000,
      cache_read_input_tokens: 50_000,
      cache_creation_input_tokens: 2_000,
      output_tokens: 500,
    }),
    userId: 'u1',
    cacheWriteTtl: '1h',
  },
  {
    model: 'in-house',
    usage: normalizeOpenAIChatUsage({ prompt_tokens: 1_000_000, completion_tokens: 3 }),
    prices: { input: 0.2, output: 0.4 },
    feature: 'chat',
  },
];

describe.skipIf(!url)('createPostgresLedger', () => {
  let db: PostgresTestSchema<pg.Pool>;
  let pool: pg.Pool;
  let ledger: PostgresLedger;

  beforeAll(async () => {
    db = await postgresTestSchema(
      'tokens',
      (options) => new pg.Pool({ connectionString: url, max: 4, options }),
    );
    pool = db.pool;
    ledger = createPostgresLedger({ sql: pool });
    await ledger.migrate();
    await ledger.migrate();
  });

  afterAll(() => db?.drop());

  it('sums calls in SQL exactly as the in-process ledger does', async () => {
    const local = createCostLedger();
    const shared = createPostgresLedger({ sql: pool, table: 'same_sums' });
    await shared.migrate();
    for (const call of calls) {
      expect(await shared.record(call)).toEqual(local.record(call));
    }
    expect(await shared.snapshot()).toEqual(local.snapshot());
    const empty = await shared.snapshot({ since: new Date(Date.now() + 86_400_000) });
    expect(empty).toEqual(createCostLedger().snapshot());
    expect((await shared.snapshot({ since: new Date(0) })).total.calls).toBe(calls.length);
  });

  it('counts a call id once, however often it is recorded, even concurrently', async () => {
    const [call] = calls as [LedgerCall];
    const costs = await Promise.all(
      Array.from({ length: 5 }, () => ledger.record({ ...call, callId: 'call-1' })),
    );
    expect(new Set(costs.map((cost) => cost.total))).toEqual(new Set([0.0035]));
    await ledger.record({ ...call, userId: 'u9' });
    await ledger.record({ ...call, userId: 'u9' });
    const { total, byUser } = await ledger.snapshot();
    expect(total.calls).toBe(3);
    expect(byUser.u1?.calls).toBe(1);
    expect(byUser.u9?.calls).toBe(2);
  });

  it('stores the cost the caller gives, and returns the first one for a repeated id', async () => {
    const [call] = calls as [LedgerCall];
    const priced = estimateCost(call.usage, 'gpt-4o', { prices: { input: 1, output: 1 } });
    const table = createPostgresLedger({ sql: pool, table: 'given_costs' });
    await table.migrate();
    expect(await table.record({ ...call, cost: priced, callId: 'c' })).toEqual(priced);
    expect(await table.record({ ...call, callId: 'c' })).toEqual(priced);
    expect((await table.snapshot()).byFeature.search?.cost).toEqual(priced);
    await expect(
      table.record({ ...call, cost: { ...priced, nanoUsd: { ...priced.nanoUsd, total: 0.5 } } }),
    ).rejects.toThrow(/cost\.nanoUsd\.total/);
  });

  it('takes a schema-qualified table, migrated once by replicas starting together', async () => {
    const qualified = `${db.schema}.qualified_ledger`;
    const replicas = [0, 1, 2].map(() => createPostgresLedger({ sql: pool, table: qualified }));
    await Promise.all(replicas.map((replica) => replica.migrate()));
    await (replicas[0] as PostgresLedger).record({ ...(calls[0] as LedgerCall), callId: 'q-1' });
    expect((await (replicas[1] as PostgresLedger).snapshot()).total.calls).toBe(1);
  });

  it('rejects a table name that is not a plain identifier, and bad input', async () => {
    for (const table of ['keel ledger', 'x; drop table y', 'Ledger', '1x', '"q"', '']) {
      expect(() => createPostgresLedger({ sql: pool, table })).toThrow(
        /table must be a name of lower-case letters, digits and underscores/,
      );
    }
    expect(() => createPostgresLedger({ sql: {} as pg.Pool })).toThrow(
      /createPostgresLedger\(\) needs sql: a pg Pool/,
    );
    await expect(ledger.snapshot({ since: new Date(Number.NaN) })).rejects.toThrow(/valid Date/);
    await expect(ledger.record({ ...(calls[0] as LedgerCall), callId: '' })).rejects.toThrow(
      /callId must be a non-empty string/,
    );
  });

  it('rejects with SharedStateUnavailableError when PostgreSQL is unreachable', async () => {
    const down = new pg.Pool({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 500 });
    const unreachable = createPostgresLedger({ sql: down });
    const failure = await unreachable
      .record(calls[0] as LedgerCall)
      .catch((error: unknown) => error);
    expect(SharedStateUnavailableError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ engine: 'postgres', operation: 'ledger.record' });
    await down.end();
  });
});
