/**
 * The page's "Delete conversation" button in headless Chromium against the offline server: off
 * until a conversation is stored and while a turn streams, it asks first, then deletes the
 * conversation (DELETE /api/conversations/:id), starts a new chat, and what the assistant
 * remembered from it leaves "What I remember".
 * Needs Chromium (CHROMIUM_PATH or /usr/bin/chromium); DOCS_CHAT_SKIP_BROWSER=1 skips it.
 */
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath, SKIP_BROWSER } from './chromium.js';
import { startTestApp, type TestApp } from './start-test-app.js';

/** Words are streamed this many ms apart, so a turn is slow enough to watch. */
const PACE_MS = 40;
/** Generous: two cores shared with other suites. */
const WAIT_MS = 60_000;
/** What the page asks before deleting. */
const CONFIRM = 'Delete this conversation and what the assistant remembers from it?';

describe.skipIf(SKIP_BROWSER)('docs-chat page in Chromium, deleting a conversation', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    const executablePath = chromiumPath();
    app = await startTestApp({ env: { DOCS_CHAT_OFFLINE_PACE_MS: String(PACE_MS) } });
    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Sends `question` and waits until its answer has finished and the page is idle again. */
  async function askToTheEnd(page: Page, question: string): Promise<Locator> {
    const before = await page.locator('[data-role="assistant"]').count();
    await page.getByTestId('input').fill(question);
    await page.getByTestId('send').click();
    const message = page.locator('[data-role="assistant"]').nth(before);
    await message.and(page.locator('[data-outcome="stop"]')).waitFor({ timeout: WAIT_MS });
    await page.getByTestId('send').and(page.locator(':enabled')).waitFor({ timeout: WAIT_MS });
    return message;
  }

  /** The page's user and conversation ids, as it keeps them in localStorage. */
  function ids(page: Page): Promise<{ user: string; conversation: string }> {
    return page.evaluate(() => ({
      user: localStorage.getItem('docs-chat.userId') ?? '',
      conversation: localStorage.getItem('docs-chat.conversationId') ?? '',
    }));
  }

  /** The status of GET /api/conversations/:id for `user`. */
  async function conversationStatus(user: string, conversation: string): Promise<number> {
    const res = await fetch(`${app.url}/api/conversations/${conversation}`, {
      headers: { 'x-user-id': user },
    });
    await res.body?.cancel();
    return res.status;
  }

  it('is off until a conversation is stored and while a turn streams; deletes it and what was remembered from it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    /** Console errors and uncaught exceptions. */
    const pageErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    /** Each confirm dialog's message; the next decision is taken from `decisions`. */
    const dialogs: string[] = [];
    const decisions: ('dismiss' | 'accept')[] = ['dismiss', 'accept'];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      const decision = decisions.shift() ?? 'dismiss';
      (decision === 'accept' ? dialog.accept() : dialog.dismiss()).catch(() => {});
    });
    await page.goto(app.url);
    const remove = page.getByTestId('delete-chat');
    await page.getByTestId('mode-badge').waitFor({ timeout: WAIT_MS });

    // No conversation yet: nothing to delete.
    expect((await ids(page)).conversation).toBe('');
    expect(await remove.isDisabled()).toBe(true);

    // While the first answer streams, the conversation exists but the button stays off; read
    // in one go in the page, so the snapshot is of one moment.
    await page.getByTestId('input').fill('How do budgets work?');
    await page.getByTestId('send').click();
    const streaming = await page.waitForFunction(
      () => {
        const message = document.querySelector('[data-role="assistant"]');
        const text = message?.querySelector('[data-testid="message-text"]')?.textContent ?? '';
        if (message?.getAttribute('data-outcome') !== 'streaming' || text.length === 0) {
          return false;
        }
        return {
          conversation: localStorage.getItem('docs-chat.conversationId') ?? '',
          disabled: (document.getElementById('delete-chat') as HTMLButtonElement).disabled,
        };
      },
      undefined,
      { timeout: WAIT_MS },
    );
    const during = (await streaming.jsonValue()) as { conversation: string; disabled: boolean };
    expect(during.conversation).not.toBe('');
    expect(during.disabled).toBe(true);
    await page
      .locator('[data-role="assistant"][data-outcome="stop"]')
      .waitFor({ timeout: WAIT_MS });
    // The answer has finished: the button comes on.
    await remove.and(page.locator(':enabled')).waitFor({ timeout: WAIT_MS });

    // A fact stated in this conversation is remembered.
    await askToTheEnd(page, 'My dog is called Biscuit.');
    const fact = page
      .getByTestId('memory-fact')
      .filter({ hasText: "The user's dog is called Biscuit." });
    await fact.waitFor({ timeout: WAIT_MS });
    const { user, conversation } = await ids(page);
    expect(conversation).toBe(during.conversation);
    expect(await conversationStatus(user, conversation)).toBe(200);
    expect(await remove.isEnabled()).toBe(true);

    // Dismissing the confirmation keeps everything.
    await remove.click();
    await vi.waitFor(() => expect(dialogs).toEqual([CONFIRM]), { timeout: WAIT_MS });
    expect(await page.locator('[data-role="assistant"]').count()).toBe(2);
    expect((await ids(page)).conversation).toBe(conversation);
    expect(await conversationStatus(user, conversation)).toBe(200);
    expect(await fact.count()).toBe(1);

    // Accepting it deletes the conversation and starts a new chat.
    await remove.click();
    await page.getByTestId('message').first().waitFor({ state: 'detached', timeout: WAIT_MS });
    expect(dialogs).toEqual([CONFIRM, CONFIRM]);
    expect(await page.locator('#empty').isVisible()).toBe(true);
    expect((await ids(page)).conversation).toBe('');
    expect(await remove.isDisabled()).toBe(true);
    expect(await page.getByTestId('error').isVisible()).toBe(false);
    expect(await conversationStatus(user, conversation)).toBe(404);
    // What the assistant remembered from it is gone from "What I remember".
    await fact.waitFor({ state: 'detached', timeout: WAIT_MS });
    expect(await page.getByTestId('memory-status').textContent()).toBe('Nothing yet.');

    // A reload restores nothing.
    await page.reload();
    await page.getByTestId('mode-badge').waitFor({ timeout: WAIT_MS });
    expect(await page.getByTestId('message').count()).toBe(0);
    expect(await remove.isDisabled()).toBe(true);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
