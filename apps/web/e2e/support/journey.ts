import type { BrowserContext, Page } from 'playwright-core';
import {
  expectNoCspViolations,
  launchBrowser,
  launchMultiContextBrowser,
  type Browser,
  type MultiContextBrowser,
  type PageWatch,
} from './browser';
import { startPortal, type Portal } from './portal';
import { startMailCatcher, type MailCatcher } from './smtp';

export interface Journey {
  mail: MailCatcher;
  portal: Portal;
  page: Page;
  /** Page errors seen so far; printed after the suite. */
  problems: string[];
  /** CSP violations and console messages of every page; a violation fails the test it happened in. */
  watch: PageWatch;
  /** An absolute URL of the portal under test. */
  url: (path: string) => string;
  /** A screenshot into E2E_SCREENSHOTS_DIR, when it is set. */
  shot: (name: string, fullPage?: boolean) => Promise<void>;
  /** A request a partner's server would make with an API key. */
  callWithKey: <T = unknown>(
    secret: string,
    query: string,
  ) => Promise<{
    status: number;
    body: { data?: T | null; errors?: { extensions?: { code?: string } }[] };
  }>;
}

/**
 * One browser page against a fresh built portal and a real SMTP server, for the describe block
 * that calls it: started in beforeAll, stopped in afterAll. Its fields are there once beforeAll ran.
 */
export function useJourney(options: { portalEnv?: () => Record<string, string> } = {}): Journey {
  const journey = { problems: [] as string[] } as Journey & { browser?: Browser };
  const shots = process.env.E2E_SCREENSHOTS_DIR;
  journey.url = (path) => `${journey.portal.url}${path}`;
  journey.shot = async (name, fullPage = true) => {
    if (!shots) return;
    // Let modal and chart transitions settle first.
    await journey.page.waitForTimeout(400);
    await journey.page.screenshot({ path: `${shots}/${name}.png`, fullPage });
  };

  journey.callWithKey = async (secret, query) => {
    const res = await fetch(`${journey.portal.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': secret },
      body: JSON.stringify({ query }),
    });
    return { status: res.status, body: (await res.json()) as never };
  };

  beforeAll(async () => {
    journey.mail = await startMailCatcher();
    journey.portal = await startPortal({
      smtpPort: journey.mail.port,
      ...(options.portalEnv ? { env: options.portalEnv() } : {}),
    });
    journey.browser = await launchBrowser();
    journey.watch = journey.browser.watch;
    journey.page = journey.browser.context.pages()[0] ?? (await journey.browser.context.newPage());
    journey.page.setDefaultTimeout(10_000);
    journey.page.on('pageerror', (error) => journey.problems.push(`page error: ${error.message}`));
  });

  afterEach(() => {
    if (journey.watch) expectNoCspViolations(journey.watch);
  });

  afterAll(async () => {
    await journey.browser?.close();
    await journey.portal?.stop();
    await journey.mail?.close();
    if (journey.problems.length > 0) console.log(journey.problems.join('\n'));
  });

  return journey;
}

export interface MultiContextJourney {
  mail: MailCatcher;
  portal: Portal;
  /** Page errors seen so far, each with its page's label; printed after the suite. */
  problems: string[];
  /** An absolute URL of the portal under test. */
  url: (path: string) => string;
  /** A page in a browser context of its own (another person, another device). */
  newPage: (label: string) => Promise<Page>;
  /** A screenshot of `page` into E2E_SCREENSHOTS_DIR, when it is set. */
  shot: (page: Page, name: string, fullPage?: boolean) => Promise<void>;
}

/**
 * Several people, each in an isolated browser context, against a fresh built portal and a real
 * SMTP server, for the describe block that calls it: started in beforeAll, stopped in afterAll. A
 * page that broke the Content-Security-Policy fails the step it happened in.
 */
export function useMultiContextJourney(): MultiContextJourney {
  const journey = { problems: [] as string[] } as MultiContextJourney & {
    browser?: MultiContextBrowser;
  };
  const contexts: BrowserContext[] = [];
  const shots = process.env.E2E_SCREENSHOTS_DIR;
  journey.url = (path) => `${journey.portal.url}${path}`;
  journey.newPage = async (label) => {
    const context = await journey.browser!.newContext(label);
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) =>
      journey.problems.push(`${label}: page error: ${error.message}`),
    );
    return page;
  };
  journey.shot = async (page, name, fullPage = true) => {
    if (!shots) return;
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${shots}/${name}.png`, fullPage });
  };

  beforeAll(async () => {
    journey.mail = await startMailCatcher();
    journey.portal = await startPortal({ smtpPort: journey.mail.port });
    journey.browser = await launchMultiContextBrowser();
  });

  afterEach(() => {
    if (journey.browser) expectNoCspViolations(journey.browser.watch);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await journey.browser?.close();
    await journey.portal?.stop();
    await journey.mail?.close();
    if (journey.problems.length > 0) console.log(journey.problems.join('\n'));
  });

  return journey;
}

/** Signs `person` up through /signup; resolves on the dashboard. */
export async function signUpInBrowser(
  page: Page,
  url: (path: string) => string,
  person: { name: string; email: string },
  password: string,
): Promise<void> {
  await page.goto(url('/signup'));
  await page.getByLabel(/^Name/).fill(person.name);
  await page.getByLabel(/email/i).fill(person.email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL((u) => u.pathname === '/');
}

/** The invitation link (`<portal>/invitations/<token>`) in a mail's text. */
export function invitationLinkIn(message: { text?: string }, portalUrl: string): string {
  const escaped = portalUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}/invitations/[A-Za-z0-9_%-]+`).exec(message.text ?? '');
  if (!match) throw new Error(`no invitation link in: ${message.text ?? ''}`);
  return match[0];
}
