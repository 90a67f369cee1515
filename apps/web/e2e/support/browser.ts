import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

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

/** What the pages of a browser context said and did, for a journey to assert on. */
export interface PageWatch {
  /** Content-Security-Policy violations: any one fails the journey. */
  violations: string[];
  /** Every console message, as `type: text` (printed when a journey fails). */
  console: string[];
}

export const newPageWatch = (): PageWatch => ({ violations: [], console: [] });

/**
 * Throws (failing the test it runs after) when a page broke the Content-Security-Policy since
 * the last call, with the console around it. Call it from afterEach.
 */
export function expectNoCspViolations(watch: PageWatch): void {
  const violations = watch.violations.splice(0);
  const consoleLines = watch.console.splice(0);
  if (violations.length === 0) return;
  throw new Error(
    `Content-Security-Policy violations:\n${violations.join('\n')}\n\nconsole:\n${consoleLines.join('\n')}`,
  );
}

const REPORT_BINDING = '__ppCspViolation';

/**
 * Watches every page of the context, present and future: each `securitypolicyviolation` event
 * (reported through a binding that exists before the app's own scripts run) and each console
 * message; Chromium's own "Refused to ... Content Security Policy" console errors count as
 * violations too, so nothing blocked goes unnoticed (workers and frames included).
 */
export async function watchContext(
  context: BrowserContext,
  watch: PageWatch,
  label = '',
): Promise<void> {
  const prefix = label ? `${label}: ` : '';
  await context.exposeBinding(REPORT_BINDING, (source, report: string) => {
    watch.violations.push(`${prefix}${report} (page ${source.page?.url() ?? '?'})`);
  });
  await context.addInitScript((binding: string) => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as Record<string, (r: string) => void>)[binding];
      report?.(
        `${e.disposition} ${e.effectiveDirective}: blocked ${e.blockedURI || 'inline'} at ${e.sourceFile || '?'}:${e.lineNumber}${e.sample ? ` "${e.sample}"` : ''}`,
      );
    });
  }, REPORT_BINDING);
  const onPage = (page: Page) => {
    page.on('console', (message) => {
      const text = message.text();
      watch.console.push(`${prefix}${message.type()}: ${text}`);
      if (/Content Security Policy/i.test(text)) watch.violations.push(`${prefix}console: ${text}`);
    });
  };
  context.pages().forEach(onPage);
  context.on('page', onPage);
}

export interface Browser {
  context: BrowserContext;
  /** CSP violations and console messages of every page of the context. */
  watch: PageWatch;
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
  const watch = newPageWatch();
  await watchContext(context, watch);
  return {
    context,
    watch,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface MultiContextBrowser {
  /** A fresh, isolated context (own cookies and localStorage): one per person in a journey. */
  newContext(label?: string): Promise<BrowserContext>;
  /** CSP violations and console messages of every page of every context. */
  watch: PageWatch;
  close(): Promise<void>;
}

/** Debian's chromium (or CHROMIUM_PATH) able to hold several isolated contexts at once. */
export async function launchMultiContextBrowser(): Promise<MultiContextBrowser> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  const watch = newPageWatch();
  return {
    async newContext(label) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await watchContext(context, watch, label);
      return context;
    },
    watch,
    close: () => browser.close(),
  };
}
