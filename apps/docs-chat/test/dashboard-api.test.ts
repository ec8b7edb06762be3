/**
 * The dashboard's routes: refused without the admin token, the figures' shapes after a few
 * turns (one of them refused with 429), a turn's waterfall, the page and uPlot under the CSP,
 * and, with DATABASE_URL, a second replica reporting the first one's ledger.
 */
import { stateEngineUrl } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardSummary } from '../src/dashboard-data';
import type { Waterfall } from '../src/trace-waterfall';
import { useSchema } from './postgres-schema';
import { postChat } from './sse-client';
import { startTestApp, type TestApp, useTestApps } from './start-test-app';

const TOKEN = 'dashboard-secret';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('dashboard routes', () => {
  let test: TestApp;
  const traceIds: string[] = [];

  beforeAll(async () => {
    test = await startTestApp({
      env: { DOCS_CHAT_ADMIN_TOKEN: TOKEN, DOCS_CHAT_RATE_LIMIT_RPM: '3' },
    });
    for (const message of [
      'How does hybrid search rank chunks?',
      'What does a budget cap?',
      'Save a note: dashboards are drawn with uPlot',
    ]) {
      const { status, headers } = await postChat(test.url, { message }, { userId: 'dana' });
      expect(status).toBe(200);
      traceIds.push(headers.get('x-trace-id') as string);
    }
    const refused = await postChat(test.url, { message: 'One more?' }, { userId: 'dana' });
    expect(refused.status).toBe(429);
  });
  afterAll(async () => {
    await test.close();
  });

  it('refuses every data route without the admin token, or with a wrong one', async () => {
    for (const path of ['/api/dashboard', `/api/dashboard/traces/${traceIds[0]}`]) {
      const missing = await fetch(`${test.url}${path}`);
      expect(missing.status).toBe(401);
      expect((await missing.json()).error.code).toBe('unauthorized');
      const wrong = await fetch(`${test.url}${path}`, { headers: { authorization: 'Bearer no' } });
      expect(wrong.status).toBe(401);
    }
  });

  it('serves the page and uPlot under the CSP, with no inline script or style', async () => {
    const page = await fetch(`${test.url}/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self';");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/dashboard.js"></script>');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|<style/);
    for (const path of [
      '/dashboard.js',
      '/dashboard.css',
      '/vendor/uplot.js',
      '/vendor/uplot.css',
    ]) {
      expect((await fetch(`${test.url}${path}`)).status).toBe(200);
    }
    const uplot = await (await fetch(`${test.url}/vendor/uplot.js`)).text();
    expect(uplot).toContain('export { uPlot as default }');
  });

  it('reports requests, 429s, latency, the ledger, the cache, the breaker and the top turns', async () => {
    const response = await fetch(`${test.url}/api/dashboard`, { headers: auth });
    expect(response.status).toBe(200);
    const summary = (await response.json()) as DashboardSummary;
    expect(summary).toMatchObject({ mode: 'offline', model: 'keel-extractive', breakers: [] });

    const { points, bucketMs } = summary.requests;
    expect(bucketMs).toBe(10_000);
    expect(points).toHaveLength(360);
    const sum = (key: 'requests' | 'errors' | 'rateLimited') =>
      points.reduce((total, point) => total + point[key], 0);
    // The four chats; the dashboard's own requests and the page's files are not traffic.
    expect(sum('requests')).toBe(4);
    expect(sum('rateLimited')).toBe(1);
    expect(sum('errors')).toBe(0);

    expect(summary.latency.turns).toBe(3);
    const { timeToFirstTokenMs, totalMs } = summary.latency;
    expect(timeToFirstTokenMs?.p50).toBeGreaterThan(0);
    expect(timeToFirstTokenMs?.p50).toBeLessThanOrEqual(totalMs?.p50 as number);
    expect(totalMs?.p99).toBeGreaterThanOrEqual(totalMs?.p50 as number);
    expect(summary.latency.points.reduce((total, point) => total + point.turns, 0)).toBe(3);

    const usage = await (await fetch(`${test.url}/api/usage`, { headers: auth })).json();
    expect(summary.usage).toEqual(usage);
    expect(summary.usage.byUser.dana?.calls).toBeGreaterThanOrEqual(3);
    expect(summary.cache).toMatchObject({ cachedCalls: 0, hitRate: 0, tokenHitRate: 0 });
    expect(summary.cache.calls).toBe(usage.total.calls);
    expect(summary.cache.inputTokens).toBe(usage.total.inputTokens);

    expect(summary.slowest.map((turn) => turn.traceId).sort()).toEqual([...traceIds].sort());
    const durations = summary.slowest.map((turn) => turn.durationMs);
    expect(durations).toEqual([...durations].sort((a, b) => b - a));
    for (const turn of summary.slowest) {
      expect(turn).toMatchObject({ status: 200, userId: 'dana', model: 'keel-extractive' });
      expect(turn.modelCalls).toBeGreaterThanOrEqual(1);
    }
    // Offline turns cost $0: the most expensive are ranked by tokens, every turn's own sum.
    expect(summary.mostExpensive).toHaveLength(3);
    const tokens = summary.mostExpensive.map((turn) => turn.inputTokens + turn.outputTokens);
    expect(tokens).toEqual([...tokens].sort((a, b) => b - a));
    const ledgerTokens = usage.total.inputTokens + usage.total.outputTokens;
    expect(tokens.reduce((total, count) => total + count, 0)).toBe(ledgerTokens);
    expect(summary.buffer).toEqual({ traces: 3, maxTraces: 200 });
  });

  it("draws a turn's waterfall: retrieval, model, tool and storage spans under the request, with attributes", async () => {
    const response = await fetch(`${test.url}/api/dashboard/traces/${traceIds[2]}`, {
      headers: auth,
    });
    expect(response.status).toBe(200);
    const { turn, spans } = (await response.json()) as Waterfall;
    expect(turn.traceId).toBe(traceIds[2]);
    expect(spans[0]).toMatchObject({ category: 'request', depth: 0, offsetMs: 0 });
    expect(spans[0]?.attributes['http.route']).toBe('/api/chat');
    const categories = new Set(spans.map((span) => span.category));
    for (const category of ['retrieval', 'model', 'tool', 'storage']) {
      expect(categories).toContain(category);
    }
    const model = spans.find((span) => span.category === 'model');
    expect(model?.depth).toBeGreaterThan(0);
    expect(model?.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(model?.attributes['keel.cost_usd']).toBe(0);
    const tool = spans.find((span) => span.category === 'tool');
    expect(tool?.attributes['gen_ai.tool.name']).toBeTypeOf('string');
    // Every statement of the turn, the ledger's rows included, with its operation and table.
    const ledgerWrite = spans.find((span) => span.name === 'INSERT ledger');
    expect(ledgerWrite).toMatchObject({ category: 'storage' });
    expect(ledgerWrite?.attributes).toMatchObject({
      'db.system.name': 'postgresql',
      'db.operation.name': 'INSERT',
      'db.collection.name': 'ledger',
    });
    expect(ledgerWrite?.attributes['db.query.text']).not.toMatch(/dana/);
    // Work outside a request (the ingest at start) opens no storage span.
    const roots = test.app.observability.tracer.finishedSpans().filter((s) => !s.parentSpanId);
    expect(roots.filter((root) => root.attributes['db.system.name'] !== undefined)).toEqual([]);
    for (const span of spans) {
      expect(span.offsetMs).toBeGreaterThanOrEqual(0);
      expect(span.offsetMs + span.durationMs).toBeLessThanOrEqual(turn.durationMs + 1);
    }
  });

  it("shows each circuit breaker's state as its keel.breaker.state gauge last reported it", async () => {
    const { observability } = test.app.observability;
    observability.recordBreakerState('openai', 'open');
    observability.recordBreakerState('openai', 'half-open');
    const response = await fetch(`${test.url}/api/dashboard`, { headers: auth });
    const { breakers } = (await response.json()) as DashboardSummary;
    expect(breakers).toEqual([{ key: 'openai', state: 'half-open' }]);
  });

  it('says a trace that is not kept is not found', async () => {
    const response = await fetch(`${test.url}/api/dashboard/traces/${'0'.repeat(32)}`, {
      headers: auth,
    });
    expect(response.status).toBe(404);
    expect((await response.json()).error.message).toMatch(/only the most recent turns are/);
  });
});

describe('dashboard with DATABASE_URL', () => {
  const serverUrl = stateEngineUrl('DATABASE_URL');
  const schema = useSchema(serverUrl);
  const start = useTestApps();

  it.skipIf(!serverUrl)(
    "reads the ledger from PostgreSQL: a replica reports another's turns in its usage, not in its own traces",
    async () => {
      const env = { DATABASE_URL: schema.url };
      const first = await start({ env });
      const second = await start({ env });
      const { status } = await postChat(first.url, { message: 'What does a budget cap?' });
      expect(status).toBe(200);
      await first.app.observability.flush();
      const read = async (url: string) =>
        (await (await fetch(`${url}/api/dashboard`)).json()) as DashboardSummary;
      const [onFirst, onSecond] = [await read(first.url), await read(second.url)];
      expect(onSecond.usage).toEqual(onFirst.usage);
      expect(onSecond.usage.byUser.alice?.calls).toBeGreaterThanOrEqual(1);
      expect(onSecond.cache.calls).toBe(onFirst.usage.total.calls);
      expect(onFirst.slowest).toHaveLength(1);
      expect(onSecond.slowest).toHaveLength(0);
    },
  );
});
