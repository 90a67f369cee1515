import type { Page } from 'playwright-core';
import { useJourney } from './support/journey';

declare global {
  interface Window {
    __marker?: string;
  }
}

/**
 * Usage analytics in a real browser against the real built portal: an owner creates a key,
 * opens its usage page (Live on: empty at first), and requests made with the key from outside
 * the browser show up on the page without a reload or a refetch: totals, errors, status codes.
 * Then a longer range reads the same totals from the server; the team page, the keys table's
 * sparkline and the dashboard's checklist follow.
 */
describe('Usage', () => {
  const journey = useJourney();
  let page: Page;
  beforeAll(() => {
    ({ page } = journey);
  });

  const stamp = Date.now();
  const owner = { name: 'Uma Usage', email: `usage-${stamp}@example.test` };
  const password = 'correct-horse-battery';

  const url = journey.url;

  const shot = journey.shot;

  const callWithKey = async (secret: string, query: string) =>
    (await journey.callWithKey(secret, query)).status;

  const statValue = (testId: string) =>
    page.getByTestId(testId).getByTestId('stat-value').textContent();

  async function waitForStat(testId: string, value: string, timeout = 10_000) {
    await page
      .getByTestId(testId)
      .getByTestId('stat-value')
      .filter({ hasText: new RegExp(`^${value}$`) })
      .waitFor({ timeout });
  }

  it('shows a key’s requests live, then from the server', async () => {
    // Sign up, create a team.
    await page.goto(url('/signup'));
    await page.getByLabel(/^Name/).fill(owner.name);
    await page.getByLabel(/email/i).fill(owner.email);
    await page.getByLabel(/^Password/).fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    const createCard = page.getByTestId('create-first-team');
    await createCard.getByLabel(/^Team name/).fill('Initech Billing');
    await createCard.getByRole('button', { name: 'Create team' }).click();
    await page.waitForURL((u) => /^\/teams\/[^/]+\/members$/.test(u.pathname));
    const teamId = new URL(page.url()).pathname.split('/')[2]!;

    // A key with a monthly limit, created through the dialog; its secret read from it.
    await page.getByRole('tab', { name: 'API keys' }).click();
    await page
      .getByTestId('api-keys-empty')
      .getByRole('button', { name: 'Create API key' })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Name/).fill('Invoice sync');
    await dialog.getByText('Advanced: usage limits').click();
    await dialog.getByLabel(/^Monthly requests/).fill('1000');
    await dialog.getByRole('button', { name: 'Generate API key' }).click();
    const secretField = dialog.getByTestId('api-key-secret');
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^ppk_test_/);
    await dialog.getByLabel(/I have stored it/).check();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByTestId('api-key-row').filter({ hasText: 'Invoice sync' });
    expect(await row.getByTestId('key-sparkline').getAttribute('data-total')).toBe('0');
    const keyId = await row.getAttribute('data-key-id');

    // Watch the live subscription go out, and count usage queries from now on.
    let subscribed = false;
    page.on('websocket', (ws) => {
      ws.on('framesent', ({ payload }) => {
        const text = typeof payload === 'string' ? payload : payload.toString();
        if (text.includes('"subscribe"') && text.includes('usageTicks')) subscribed = true;
      });
    });
    let usageQueries = 0;
    page.on('request', (request) => {
      if (request.method() === 'POST' && (request.postData() ?? '').includes('KeyUsage')) {
        usageQueries += 1;
      }
    });

    // "View usage" from the row's menu: Live on by default, nothing yet.
    await row.getByRole('button', { name: /^Actions for Invoice sync/ }).click();
    await page.getByRole('menuitem', { name: 'View usage' }).click();
    await page.waitForURL((u) => u.pathname === `/teams/${teamId}/keys/${keyId}/usage`);
    await page.getByTestId('usage-empty').waitFor();
    expect(await page.getByTestId('curl-example').textContent()).toContain(
      `-H "X-API-Key: $PARTNER_API_KEY"`,
    );
    expect(await page.content()).not.toContain(secret);
    // This portal has no GATEWAY_PUBLIC_URL: the page says so instead of showing snippets.
    await page.getByTestId('no-gateway').waitFor();
    expect(await page.getByTestId('live-switch').isChecked()).toBe(true);
    await page.locator('[data-testid="live-indicator"][data-status="live"]').waitFor();
    expect(await statValue('stat-total-requests')).toBe('0');
    expect(await page.getByTestId('stat-monthly').textContent()).toContain('/ 1,000');
    const deadline = Date.now() + 10_000;
    while (!subscribed && Date.now() < deadline) await page.waitForTimeout(100);
    expect(subscribed).toBe(true);
    // Let the server register the subscription (it checks access first).
    await page.waitForTimeout(1000);
    await page.evaluate(() => {
      window.__marker = 'same page';
    });
    await shot('key-usage-empty');
    const queriesBefore = usageQueries;

    // 5 good requests and 2 bad ones, from outside the browser.
    for (let i = 0; i < 5; i += 1) {
      expect(await callWithKey(secret, `{ team(id: "${teamId}") { id } }`)).toBe(200);
    }
    for (let i = 0; i < 2; i += 1) {
      expect(await callWithKey(secret, '{ nope }')).toBe(400);
    }

    // The page follows: totals, errors, status codes, the monthly count, the charts.
    await waitForStat('stat-total-requests', '7');
    await waitForStat('stat-errors', '2');
    expect(await statValue('stat-error-rate')).toMatch(/^28\.6\s?%$/);
    expect(await page.getByTestId('stat-monthly').textContent()).toContain('7 / 1,000');
    const statusRow = (status: number) =>
      page.locator(`[data-testid="status-code-row"][data-status="${status}"]`);
    await statusRow(200).waitFor();
    await statusRow(400).waitFor();
    expect(await statusRow(200).getByTestId('status-code-count').textContent()).toBe('5');
    expect(await statusRow(400).getByTestId('status-code-count').textContent()).toBe('2');
    await page.getByTestId('requests-chart').locator('.recharts-bar-rectangle').first().waitFor();
    await page
      .getByTestId('live-last-update')
      .filter({ hasText: /last update/ })
      .waitFor();
    expect(await page.getByTestId('usage-empty').count()).toBe(0);
    // No reload, no navigation, no refetch.
    expect(await page.evaluate(() => window.__marker)).toBe('same page');
    expect(usageQueries).toBe(queriesBefore);
    await shot('key-usage-live');

    // 7 days: Live off by default; the totals come from the server.
    await page.getByTestId('range-picker').getByText('7 days').click();
    await page.waitForURL((u) => u.searchParams.get('range') === '7d');
    await waitForStat('stat-total-requests', '7');
    await waitForStat('stat-errors', '2');
    expect(usageQueries).toBeGreaterThan(queriesBefore);
    expect(await page.getByTestId('live-switch').isChecked()).toBe(false);
    expect(await page.getByTestId('live-indicator').count()).toBe(0);
    await statusRow(200).waitFor();
    await shot('key-usage-7d');

    // The team's usage page.
    await page.getByRole('tab', { name: 'Usage' }).click();
    await page.waitForURL((u) => u.pathname === `/teams/${teamId}/usage`);
    await page.getByTestId('team-usage-page').getByTestId('usage-stats').waitFor();
    await waitForStat('stat-total-requests', '7');
    expect(await statValue('stat-active-keys')).toBe('1');
    await page.getByTestId('requests-chart').waitFor();
    await shot('team-usage');

    // The keys table: the row's sparkline counts the requests.
    await page.getByRole('tab', { name: 'API keys' }).click();
    await page.locator('[data-testid="key-sparkline"][data-total="7"]').waitFor();
    await shot('keys-sparklines');

    // The dashboard: first use is done; usage monitoring waits for a usage alert (watching the
    // charts is not monitoring: team-guidelines.e2e.ts ticks it with an alert).
    await page.goto(url('/'));
    const keys = page.getByTestId('checklist-keys');
    await keys.locator('[data-item="first-use"][data-done="true"]').waitFor();
    await keys.locator('[data-item="usage-monitoring"][data-done="false"]').waitFor();
    await shot('dashboard');

    expect(journey.problems).toEqual([]);
  });
});
