/**
 * The HTML reports in headless Chromium, opened from disk: the charts and the diff view
 * render, the filters work, hostile answers, ids and questions show as text and run nothing,
 * and the page makes no request. Needs Chromium (CHROMIUM_PATH or /usr/bin/chromium);
 * KEEL_EVALS_SKIP_BROWSER=1 skips it.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRuns } from '../src/compare-runs';
import { formatComparisonHtml, formatRunHtml } from '../src/html-report';
import { summarizeRun } from '../src/summarize-run';
import { baseline, candidate, HOSTILE } from './hostile-runs';

const SKIP = process.env.KEEL_EVALS_SKIP_BROWSER === '1';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe.skipIf(SKIP)('HTML reports in Chromium', () => {
  let browser: Browser;
  let dir: string;
  /** Everything the pages asked for, their own file included. */
  const requests: string[] = [];
  /** Dialogs, uncaught errors and console errors (a blocked script or load lands here). */
  const problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: run \`apt-get install chromium\` or set CHROMIUM_PATH; ` +
          'KEEL_EVALS_SKIP_BROWSER=1 skips this test.',
      );
    }
    dir = await mkdtemp(join(tmpdir(), 'keel-evals-report-'));
    const comparison = compareRuns(baseline, candidate, { seed: 1, resamples: 200 });
    await writeFile(
      join(dir, 'comparison.html'),
      formatComparisonHtml({ comparison, baseline, candidate }),
    );
    await writeFile(
      join(dir, 'run.html'),
      formatRunHtml({ name: 'candidate', results: candidate, summary: summarizeRun(candidate) }),
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function open(file: string): Promise<{ page: Page; url: string }> {
    const page = await browser.newPage();
    page.on('request', (request) => requests.push(request.url()));
    page.on('dialog', (dialog) => problems.push(`dialog: ${dialog.message()}`));
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    const url = pathToFileURL(join(dir, file)).href;
    await page.goto(url);
    return { page, url };
  }

  async function visibleCases(page: Page): Promise<string[]> {
    return page
      .locator('article[data-case]:visible')
      .evaluateAll((articles) => articles.map((a) => a.getAttribute('data-case') ?? ''));
  }

  it('draws the delta chart and both runs’ latency and cost', async () => {
    const { page } = await open('comparison.html');
    const rows = page.locator('svg[data-chart="deltas"] g[data-metric]');
    expect(await rows.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-metric')))).toEqual([
      'groundedness',
      'recall',
    ]);
    const interval = await rows.nth(1).locator('.interval').boundingBox();
    expect(interval?.width).toBeGreaterThan(50);
    for (const chart of ['latency', 'cost']) {
      expect(await page.locator(`svg[data-chart="${chart}"] g[data-series] rect.box`).count()).toBe(
        2,
      );
      expect(await page.locator(`svg[data-chart="${chart}"] circle.dot`).count()).toBe(8);
    }
    // Latencies spread from 100 to 450 ms: each box spans its middle half.
    const box = page.locator('svg[data-chart="latency"] rect.box').first();
    expect((await box.boundingBox())?.width).toBeGreaterThan(50);
    await page.close();
  });

  it('shows hostile answers, ids and questions as text, and runs none of them', async () => {
    const { page } = await open('comparison.html');
    const answers = page.locator('article[data-case="a"] [data-side="candidate"]');
    expect(await answers.textContent()).toBe(HOSTILE.answer);
    expect(await page.locator('article[data-case="b"] [data-side="candidate"]').textContent()).toBe(
      HOSTILE.closing,
    );
    const hostileCase = page.locator('article[data-case]').nth(1);
    expect(await hostileCase.getAttribute('data-case')).toBe(HOSTILE.id);
    expect(await hostileCase.locator('h3').textContent()).toContain(HOSTILE.id);
    expect(await hostileCase.locator('.question').textContent()).toBe(HOSTILE.question);
    expect(await page.locator('img, article script, article svg').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    // The control: the same answer parsed as markup in a blank page does run.
    const control = await browser.newPage();
    await control.setContent(`<div>${HOSTILE.answer}</div>`);
    expect(await control.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeDefined();
    await control.close();
    const data = JSON.parse((await page.locator('#keel-evals-data').textContent()) ?? 'null');
    expect(data.candidate[1].output.answer).toBe(HOSTILE.closing);
    await page.close();
  });

  it('filters the changed cases by text, metric and direction', async () => {
    const { page } = await open('comparison.html');
    expect(await visibleCases(page)).toEqual(['b', HOSTILE.id, 'a']);
    expect(await page.locator('#shown').textContent()).toBe('3 of 3 shown');
    await page.locator('#filter-text').fill('LEDGER');
    expect(await visibleCases(page)).toEqual(['b']);
    await page.locator('#filter-text').fill('');
    await page.locator('select[data-filter="metric"]').selectOption('metric:recall');
    expect(await visibleCases(page)).toEqual(['a']);
    await page.locator('select[data-filter="metric"]').selectOption('metric:groundedness');
    await page.locator('select[data-filter="moved"]').selectOption('moved:down');
    expect(await visibleCases(page)).toEqual([HOSTILE.id]);
    expect(await page.locator('#shown').textContent()).toBe('1 of 3 shown');
    await page.close();
  });

  it('reports a single run with every case, filterable by tag', async () => {
    const { page } = await open('run.html');
    expect(await page.locator('svg[data-chart="latency"] g[data-series]').count()).toBe(1);
    expect(await visibleCases(page)).toEqual(['a', 'b', 'c', HOSTILE.id]);
    await page.locator('select[data-filter="tag"]').selectOption('tag:two-doc');
    expect(await visibleCases(page)).toEqual(['a', 'c']);
    expect(await page.locator('article[data-case="a"] .answer').textContent()).toBe(HOSTILE.answer);
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    await page.close();
  });

  it('made no request beyond opening its own files, and raised no error', () => {
    expect(new Set(requests)).toEqual(
      new Set(['comparison.html', 'run.html'].map((f) => pathToFileURL(join(dir, f)).href)),
    );
    expect(problems).toEqual([]);
  });
});
