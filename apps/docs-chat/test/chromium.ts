/**
 * Debian's Chromium for the browser tests (never a downloaded browser): where it is, the flags
 * it runs headless with, and the switch that skips the tests.
 */
import { existsSync } from 'node:fs';

/** `DOCS_CHAT_SKIP_BROWSER=1` skips the browser tests. */
export const SKIP_BROWSER = process.env.DOCS_CHAT_SKIP_BROWSER === '1';

/** Flags for a quiet headless run: no sandbox (containers), GPU, QUIC or background traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium executable (`CHROMIUM_PATH`, else Debian's), or an error that says what to do. */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at ${path}: run \`apt-get install chromium\` or set CHROMIUM_PATH; ` +
        'DOCS_CHAT_SKIP_BROWSER=1 skips this test.',
    );
  }
  return path;
}
