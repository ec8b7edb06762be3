/**
 * The dashboard at `/dashboard` in headless Chromium after a few chat turns: it asks for the
 * admin token, then draws the uPlot charts, the ledger's breakdowns and the turn lists, and a
 * turn's link opens its span waterfall with attributes; nothing breaks the CSP. Screenshots go
 * to DOCS_CHAT_TEST_OUTPUT (default `<tmpdir>/docs-chat-test-output`), never the repository.
 * Needs Chromium (CHROMIUM_PATH or /usr/bin/chromium); DOCS_CHAT_SKIP_BROWSER=1 skips it.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath, SKIP_BROWSER } from './chromium';
import { postChat } from './sse-client';
import { startTestApp, type TestApp } from './start-test-app';

const OUTPUT = process.env.DOCS_CHAT_TEST_OUTPUT ?? join(tmpdir(), 'docs-chat-test-output');
const TOKEN = 'dashboard-secret';
/** Generous: two cores shared with other suites. */
const WAIT_MS = 60_000;

/** How many pixels of a chart's canvas are drawn (not transparent). */
function drawnPixels(page: Page, testId: string): Promise<number> {
  return page.evaluate((id) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid="${id}"] canvas`);
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return 0;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let drawn = 0;
    for (let i = 3; i < data.length; i += 4) if ((data[i] as number) > 0) drawn++;
    return drawn;
  }, testId);
}

describe.skipIf(SKIP_BROWSER)('the dashboard in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  /** Uncaught errors, console errors and CSP violations (the 401 before the token is expected). */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const executablePath = chromiumPath();
    mkdirSync(OUTPUT, { recursive: true });
    app = await startTestApp({ env: { DOCS_CHAT_ADMIN_TOKEN: TOKEN } });
    for (const message of [
      'How does hybrid search rank chunks?',
      'What does a budget cap?',
      'Save a note: the dashboard draws with uPlot',
    ]) {
      expect((await postChat(app.url, { message }, { userId: 'erin' })).status).toBe(200);
    }
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().includes('401')) {
        pageErrors.push(message.text());
      }
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('asks for the admin token, then draws every view', async () => {
    await page.goto(`${app.url}/dashboard`);
    await page.getByTestId('token-form').waitFor({ timeout: WAIT_MS });
    await page.getByTestId('token').fill(TOKEN);
    await page.getByTestId('token-form').getByRole('button').click();
    await page.locator('body[data-state="ready"]').waitFor({ timeout: WAIT_MS });

    expect(await page.getByTestId('mode').textContent()).toBe('offline · keel-extractive');
    for (const chart of ['chart-requests', 'chart-latency']) {
      expect(await page.locator(`[data-testid="${chart}"] .uplot canvas`).count()).toBe(1);
      expect(await drawnPixels(page, chart)).toBeGreaterThan(500);
    }
    // The legend names each series.
    const legend = await page.getByTestId('chart-requests').locator('.u-legend').textContent();
    expect(legend).toContain('429s');
    const latency = await page.getByTestId('latency-table').textContent();
    expect(latency).toMatch(/time to first token\d[\d,]* ms/);

    expect(await page.getByTestId('by-user').textContent()).toContain('erin');
    expect(await page.getByTestId('by-model').textContent()).toContain('offline:keel-extractive');
    expect(await page.getByTestId('usage-total').textContent()).toMatch(/\d+ model calls/);
    expect(await page.getByTestId('cache').textContent()).toContain('0.0%');
    expect(await page.getByTestId('breakers').textContent()).toContain('offline mode');
    expect(await page.getByTestId('slowest').locator('a').count()).toBe(3);
    expect(await page.getByTestId('expensive').locator('a').count()).toBe(3);
    await page.screenshot({ path: join(OUTPUT, 'dashboard-overview.png'), fullPage: true });
  });

  it("opens a turn's span waterfall from its link, with each span's attributes", async () => {
    await page.getByTestId('slowest').locator('a').first().click();
    const waterfall = page.getByTestId('waterfall');
    await waterfall.locator('li').first().waitFor({ timeout: WAIT_MS });
    expect(await page.getByTestId('trace').isVisible()).toBe(true);
    expect(await page.getByTestId('chart-requests').isVisible()).toBe(false);
    const categories = await waterfall
      .locator('li')
      .evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.category));
    expect(categories[0]).toBe('request');
    expect(categories).toContain('retrieval');
    expect(categories).toContain('model');
    // Every bar is laid out inside its track.
    const bars = await waterfall.locator('.bar').evaluateAll((elements) =>
      elements.map((bar) => {
        const box = bar.getBoundingClientRect();
        const track = (bar.parentElement as HTMLElement).getBoundingClientRect();
        return box.width > 0 && box.left >= track.left - 1 && box.right <= track.right + 1;
      }),
    );
    expect(bars.length).toBe(categories.length);
    expect(bars.every(Boolean)).toBe(true);
    const model = waterfall.locator('li[data-category="model"]').first();
    await model.locator('summary').click();
    const attributes = await model.locator('.attributes').textContent();
    expect(attributes).toContain('gen_ai.usage.input_tokens');
    expect(attributes).toContain('keel.cost_usd');
    await page.screenshot({ path: join(OUTPUT, 'dashboard-trace.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
