import type { Page } from 'playwright-core';
import { useJourney } from './support/journey';

/**
 * API keys in a real browser against the real built portal: an owner creates a development key
 * through the dialog, reads its once-shown secret, and the key then authenticates a real request
 * to POST /graphql; revoked in the UI, the same key is refused at once. A production key is
 * rotated with no grace period: the old secret stops working and the new one works. The
 * dashboard's checklists follow.
 */
describe('API keys', () => {
  const journey = useJourney();
  let page: Page;
  beforeAll(() => {
    ({ page } = journey);
  });

  const stamp = Date.now();
  const owner = { name: 'Kim Keyholder', email: `keys-${stamp}@example.test` };
  const password = 'correct-horse-battery';
  const teamName = 'Globex Payments';

  const url = journey.url;

  const shot = journey.shot;

  /** Reads the team with an API key, as a partner's server would. */
  const callWithKey = (secret: string, teamId: string) =>
    journey.callWithKey<{ team: { id: string; name: string } | null }>(
      secret,
      `{ team(id: "${teamId}") { id name } }`,
    );

  /** A key's row, found by the displayable start of its secret. */
  const keyRow = (secret: string) =>
    page.locator(`[data-testid="api-key-row"][data-start="${secret.slice(0, 13)}"]`);

  /** The secret from the dialog's field, after ticking "I have stored it" and closing. */
  async function takeSecret(shotName?: string): Promise<string> {
    const dialog = page.getByRole('dialog');
    const field = dialog.getByTestId('api-key-secret');
    await field.waitFor();
    const secret = await field.inputValue();
    await dialog
      .getByText('This is the only time the whole key is shown', { exact: false })
      .waitFor();
    const done = dialog.getByRole('button', { name: 'Done' });
    expect(await done.isDisabled()).toBe(true);
    // Escape does not close the dialog before the secret is acknowledged.
    await page.keyboard.press('Escape');
    await page.waitForTimeout(300);
    expect(await field.isVisible()).toBe(true);
    if (shotName) await shot(shotName, false);
    await dialog.getByLabel(/I have stored it/).check();
    await done.click();
    await dialog.waitFor({ state: 'hidden' });
    return secret;
  }

  it('creates, uses, rotates and revokes keys', async () => {
    // Sign up and create a team.
    await page.goto(url('/signup'));
    await page.getByLabel(/^Name/).fill(owner.name);
    await page.getByLabel(/email/i).fill(owner.email);
    await page.getByLabel(/^Password/).fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    const teamChecklist = page.getByTestId('checklist-team');
    await teamChecklist.waitFor();
    expect(await teamChecklist.locator('[data-item="create-team"]').getAttribute('data-done')).toBe(
      'false',
    );
    const createCard = page.getByTestId('create-first-team');
    await createCard.getByLabel(/^Team name/).fill(teamName);
    await createCard.getByRole('button', { name: 'Create team' }).click();
    await page.waitForURL((u) => /^\/teams\/[^/]+\/members$/.test(u.pathname));
    const teamId = new URL(page.url()).pathname.split('/')[2]!;

    // The API keys tab: empty, explained, with a way to create one.
    await page.getByRole('tab', { name: 'API keys' }).click();
    await page.waitForURL((u) => u.pathname === `/teams/${teamId}/keys`);
    const empty = page.getByTestId('api-keys-empty');
    await empty.getByText('No API keys yet').waitFor();
    await shot('keys-empty');
    await empty.getByRole('button', { name: 'Create API key' }).click();

    // The create dialog: server-side rules reach the fields; the production + never warning.
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Generate API key' }).click();
    await dialog.getByText('Enter a name for the key.').waitFor();
    await dialog.getByLabel(/^Name/).fill('Checkout service');
    await dialog.getByLabel(/^Description/).fill('Staging checkout, runs in CI');
    await dialog.getByRole('radio', { name: 'Production' }).click();
    await dialog.getByText('Never', { exact: true }).click();
    await dialog.getByTestId('never-expires-warning').waitFor();
    await shot('create-dialog', false);
    await dialog.getByRole('radio', { name: 'Development' }).click();
    await dialog.getByTestId('never-expires-warning').waitFor({ state: 'detached' });
    await dialog.getByText('30 days', { exact: true }).click();
    await dialog.getByRole('button', { name: 'Generate API key' }).click();

    // The secret, shown once; then the row.
    const devSecret = await takeSecret('secret-shown');
    expect(devSecret).toMatch(/^ppk_test_[0-9A-Za-z]{38}$/);
    const devRow = page.getByTestId('api-key-row').filter({ hasText: 'Checkout service' });
    await devRow.waitFor();
    const devRowText = (await devRow.textContent()) ?? '';
    expect(devRowText).toContain('Development');
    expect(devRowText).toContain(`${devSecret.slice(0, 13)}…`);
    expect(devRowText).toContain('Active');
    expect(devRowText).toContain('Never'); // not used yet
    expect(devRowText).toContain(owner.name);

    // A second active key with the same name: the server's CONFLICT lands on the name field.
    await page.getByRole('button', { name: 'Create API key' }).click();
    await dialog.getByLabel(/^Name/).fill('Checkout service');
    await dialog.getByRole('button', { name: 'Generate API key' }).click();
    await dialog.getByText('An active key of this team already has this name.').waitFor();
    expect(await dialog.getByLabel(/^Name/).getAttribute('aria-invalid')).toBe('true');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // The key reads its team over HTTP.
    const ok = await callWithKey(devSecret, teamId);
    expect(ok.status).toBe(200);
    expect(ok.body.data?.team).toEqual({ id: teamId, name: teamName });

    // A production key (created from the dashboard's checklist link), for rotation.
    await page.goto(url('/'));
    const keysChecklist = page.getByTestId('checklist-keys');
    await keysChecklist.waitFor();
    await keysChecklist.locator('[data-item="development-key"][data-done="true"]').waitFor();
    await keysChecklist.getByRole('link', { name: 'Create' }).click();
    await page.waitForURL((u) => u.pathname === `/teams/${teamId}/keys`);
    const prodDialog = page.getByRole('dialog');
    expect(
      await prodDialog.getByRole('radio', { name: 'Production' }).getAttribute('aria-checked'),
    ).toBe('true');
    await prodDialog.getByLabel(/^Name/).fill('Live orders');
    await prodDialog.getByRole('button', { name: 'Generate API key' }).click();
    const oldProdSecret = await takeSecret();
    expect(oldProdSecret).toMatch(/^ppk_live_[0-9A-Za-z]{38}$/);
    expect(new URL(page.url()).searchParams.has('create')).toBe(false);
    await page.getByTestId('api-key-row').filter({ hasText: 'Live orders' }).waitFor();
    await shot('keys-table');

    // Filters live in the URL.
    await page.getByTestId('environment-filter').getByText('Production').click();
    await page.waitForURL((u) => u.searchParams.get('env') === 'production');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="api-key-row"]').length === 1,
    );
    await page.getByTestId('environment-filter').getByText('All environments').click();
    await page.waitForURL((u) => !u.searchParams.has('env'));

    // Rotate the production key, revoking the old one at once.
    const prodRow = keyRow(oldProdSecret);
    await prodRow.getByRole('button', { name: /^Actions for Live orders/ }).click();
    await page.getByRole('menuitem', { name: 'View usage' }).waitFor();
    await page.getByRole('menuitem', { name: 'Rotate', exact: true }).click();
    const rotateDialog = page.getByRole('dialog');
    await rotateDialog.getByTestId('rotate-summary').getByText('keeps working until').waitFor();
    await shot('rotate-modal', false);
    await rotateDialog.getByLabel('Revoke the old key now').check();
    await rotateDialog
      .getByText('every request that still uses it fails', { exact: false })
      .waitFor();
    await rotateDialog.getByRole('button', { name: 'Rotate key' }).click();
    const newProdSecret = await takeSecret();
    expect(newProdSecret).toMatch(/^ppk_live_/);
    expect(newProdSecret).not.toBe(oldProdSecret);
    await prodRow.getByText('Revoked').waitFor();
    await prodRow.getByText('Replaced by').waitFor();
    const newProdRow = keyRow(newProdSecret);
    await newProdRow.getByText('Replaces').waitFor();
    expect((await callWithKey(oldProdSecret, teamId)).status).toBe(401);
    expect((await callWithKey(newProdSecret, teamId)).status).toBe(200);

    // Revoke the development key after a confirmation that names it.
    await devRow.getByRole('button', { name: /^Actions for Checkout service/ }).click();
    await page.getByRole('menuitem', { name: 'Revoke', exact: true }).click();
    const confirm = page.getByRole('dialog');
    await confirm.getByText('Checkout service').waitFor();
    expect(await confirm.textContent()).toContain('stops working immediately');
    await confirm.getByRole('button', { name: 'Revoke key' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await devRow.getByTestId('key-status').filter({ hasText: 'Revoked' }).waitFor();
    await shot('keys-table-after');

    const refused = await callWithKey(devSecret, teamId);
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // Status filter: only the active (new production) key.
    await page.goto(url(`/teams/${teamId}/keys?status=active`));
    await page.getByTestId('api-key-row').first().waitFor();
    expect(await page.getByTestId('api-key-row').count()).toBe(1);

    // The activity page tells the story.
    await page.getByRole('tab', { name: 'Activity' }).click();
    const items = page.getByTestId('activity-item');
    await items.filter({ hasText: 'revoked the API key' }).waitFor();
    const lines = (await items.allTextContents()).join('\n');
    expect(lines).toContain(`${owner.name} revoked the API key “Checkout service”`);
    expect(lines).toContain(`${owner.name} rotated the API key “Live orders”`);
    expect(lines).toContain(`${owner.name} created the production API key “Live orders”`);
    expect(lines).toContain(`${owner.name} created the development API key “Checkout service”`);

    // The dashboard's checklists: keys done (both environments, first use); team partly.
    await page.goto(url('/'));
    await page
      .getByTestId('checklist-keys')
      .locator('[data-item="first-use"][data-done="true"]')
      .waitFor();
    const done = async (item: string) =>
      page.locator(`[data-item="${item}"]`).getAttribute('data-done');
    expect(await done('create-team')).toBe('true');
    expect(await done('invite-members')).toBe('false');
    expect(await done('assign-roles')).toBe('false');
    expect(await done('development-key')).toBe('true');
    expect(await done('production-key')).toBe('true');
    await shot('dashboard-checklists');

    expect(journey.problems).toEqual([]);
  });
});
