import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

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

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Debian's chromium (or CHROMIUM_PATH) with a fresh profile. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'pp-e2e-chromium-'));
  // Playwright takes the profile folder as a parameter (it refuses a --user-data-dir argument).
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface MultiContextBrowser {
  /** A fresh, isolated context (own cookies and localStorage): one per person in a journey. */
  newContext(): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** Debian's chromium (or CHROMIUM_PATH) able to hold several isolated contexts at once. */
export async function launchMultiContextBrowser(): Promise<MultiContextBrowser> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  return {
    newContext: () => browser.newContext({ viewport: { width: 1280, height: 800 } }),
    close: () => browser.close(),
  };
}
