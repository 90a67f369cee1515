import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { invitationLinkIn, signUpInBrowser, useMultiContextJourney } from './support/journey';

/**
 * Team safety in a real browser against the real built portal and a real SMTP server: an owner
 * writes guidelines full of hostile HTML and links, which every page shows as harmless text; an
 * invitee reads them before joining and once more on the first visit (not again, on any device);
 * offboarding the invitee with REVOKE stops the key they created; the activity log downloads as
 * CSV and JSON Lines; the dashboard's checklist items tick from real data.
 */
describe('team guidelines, offboarding, audit export and checklists', () => {
  const journey = useMultiContextJourney();
  const { newPage, problems, shot, url } = journey;

  const stamp = Date.now();
  const owner = { name: 'Grace Owner', email: `grace-${stamp}@example.test` };
  const invitee = { name: 'Ivan Admin', email: `ivan-${stamp}@example.test` };
  const password = 'correct-horse-battery';
  const teamName = 'Safe Payments';
  const hostileGuidelines = [
    '# How we work',
    '',
    'Never commit a key. <script>window.__pwned=1</script>',
    '',
    '- Report leaks at once <img src=x onerror="window.__pwned=2">',
    '- [Click for a prize](javascript:window.__pwned=3)',
    '- Read the [partner guide](https://example.com/guide) first.',
    '',
    '<script>window.__pwned=4</script>',
  ].join('\n');

  /**
   * The rendered guidelines on this page hold the hostile parts as text only: no script element,
   * no image with an onerror handler, no javascript: link anywhere; nothing ran.
   */
  async function expectRenderedSafely(
    page: Page,
    container = page.getByTestId('guidelines-rendered').first(),
  ) {
    await container.waitFor();
    const text = (await container.textContent()) ?? '';
    expect(text).toContain('How we work');
    expect(text).toContain('<script>window.__pwned=1</script>');
    expect(text).toContain('<img src=x onerror="window.__pwned=2">');
    expect(text).toContain('Click for a prize');
    const found = await page.evaluate(() => {
      const anchors = Array.from(document.querySelectorAll('a'));
      return {
        pwned: (window as unknown as { __pwned?: unknown }).__pwned,
        scripts: Array.from(document.querySelectorAll('script')).filter((s) =>
          (s.textContent ?? '').includes('__pwned'),
        ).length,
        renderedScripts: document.querySelectorAll('[data-testid="guidelines-rendered"] script')
          .length,
        renderedImages: document.querySelectorAll('[data-testid="guidelines-rendered"] img').length,
        onerrorImages: document.querySelectorAll('img[onerror]').length,
        javascriptLinks: anchors.filter((a) =>
          (a.getAttribute('href') ?? '').trim().toLowerCase().startsWith('javascript:'),
        ).length,
        guide: Array.from(document.querySelectorAll('[data-testid="guidelines-rendered"] a')).map(
          (a) => ({
            href: a.getAttribute('href'),
            rel: a.getAttribute('rel'),
            target: a.getAttribute('target'),
            text: a.textContent,
          }),
        ),
      };
    });
    expect(found.pwned).toBeUndefined();
    expect(found.scripts).toBe(0);
    expect(found.renderedScripts).toBe(0);
    expect(found.renderedImages).toBe(0);
    expect(found.onerrorImages).toBe(0);
    expect(found.javascriptLinks).toBe(0);
    // The one safe link stays a link, opened without opener or referrer; the unsafe one is text.
    expect(found.guide.filter((a) => a.text === 'partner guide')).toEqual([
      {
        href: 'https://example.com/guide',
        rel: 'noopener noreferrer nofollow',
        target: '_blank',
        text: 'partner guide',
      },
    ]);
    expect(found.guide.some((a) => a.text === 'Click for a prize')).toBe(false);
  }

  /** Resolves once the page has loaded the team's guidelines (and so decided on the dialog). */
  const guidelinesLoaded = (page: Page) =>
    page.waitForResponse(
      (res) =>
        res.url().endsWith('/graphql') &&
        (res.request().postData() ?? '').includes('query TeamGuidelines'),
    );

  const checklistItem = (page: Page, item: string) =>
    page.locator(`[data-testid="getting-started"] [data-item="${item}"]`);

  it('keeps guidelines harmless, shows them to newcomers once, offboards, exports, and ticks the checklist', async () => {
    // The owner signs up and creates the team.
    const ownerPage = await newPage('owner');
    await signUpInBrowser(ownerPage, url, owner, password);
    const createCard = ownerPage.getByTestId('create-first-team');
    await createCard.getByLabel(/^Team name/).fill(teamName);
    await createCard.getByRole('button', { name: 'Create team' }).click();
    await ownerPage.waitForURL((u) => /^\/teams\/[^/]+\/members$/.test(u.pathname));
    const teamId = new URL(ownerPage.url()).pathname.split('/')[2]!;
    const teamPath = `/teams/${teamId}`;

    // The new checklist items start undone.
    await ownerPage.goto(url('/'));
    for (const item of ['team-guidelines', 'store-keys', 'usage-monitoring']) {
      await checklistItem(ownerPage, item).and(ownerPage.locator('[data-done="false"]')).waitFor();
    }

    // Settings: no guidelines yet; the owner writes them, with a counter and a preview.
    await ownerPage.goto(url(`${teamPath}/settings`));
    const card = ownerPage.getByTestId('team-guidelines');
    await card.getByTestId('no-guidelines').waitFor();
    await card.getByRole('button', { name: 'Write guidelines' }).click();
    const editor = card.getByTestId('guidelines-editor');
    await editor.getByLabel(/^Guidelines/).fill(hostileGuidelines);
    expect(await editor.getByTestId('guidelines-counter').textContent()).toBe(
      `${hostileGuidelines.length}/10,000 characters`,
    );
    // Over the limit: refused before it reaches the server.
    await editor.getByLabel(/^Guidelines/).fill('x'.repeat(10_001));
    await editor.getByText('Use at most 10,000 characters.').waitFor();
    expect(await editor.getByRole('button', { name: 'Save guidelines' }).isDisabled()).toBe(true);
    await editor.getByLabel(/^Guidelines/).fill(hostileGuidelines);
    await editor.getByRole('tab', { name: 'Preview' }).click();
    await expectRenderedSafely(ownerPage, editor.getByTestId('guidelines-rendered'));
    await shot(ownerPage, 'guidelines-preview');
    await editor.getByRole('button', { name: 'Save guidelines' }).click();
    await ownerPage.getByText('Guidelines saved').first().waitFor();
    await editor.waitFor({ state: 'detached' });
    await expectRenderedSafely(ownerPage, card.getByTestId('guidelines-rendered'));

    // The author is not asked to read their own guidelines on the next visit.
    const ownerLoaded = guidelinesLoaded(ownerPage);
    await ownerPage.reload();
    await ownerLoaded;
    await card.getByTestId('guidelines-rendered').waitFor();
    await ownerPage.waitForTimeout(500);
    expect(await ownerPage.getByRole('dialog', { name: 'Team guidelines' }).count()).toBe(0);
    await expectRenderedSafely(ownerPage);

    // Invite Ivan as an admin through the real SMTP server.
    await ownerPage.getByRole('tab', { name: 'Members' }).click();
    await ownerPage.getByRole('button', { name: 'Invite member' }).click();
    const inviteDialog = ownerPage.getByRole('dialog');
    await inviteDialog.getByLabel(/^Email/).fill(invitee.email);
    await inviteDialog.getByLabel(/^Role/).first().click();
    await ownerPage.getByRole('option', { name: 'Admin' }).click();
    await inviteDialog.getByRole('button', { name: 'Send invitation' }).click();
    await ownerPage.getByText('Invitation sent').first().waitFor();
    const message = await journey.mail.waitForMessage(invitee.email, 15_000);
    const invitationLink = invitationLinkIn(message, journey.portal.url);

    // Ivan reads the guidelines on the acceptance page, before joining: harmless there too.
    const ivanPage = await newPage('invitee');
    await ivanPage.goto(invitationLink);
    const guidelinesOnInvitation = ivanPage.getByTestId('invitation-guidelines');
    await guidelinesOnInvitation.waitFor();
    await expectRenderedSafely(ivanPage, guidelinesOnInvitation.getByTestId('guidelines-rendered'));
    await shot(ivanPage, 'invitation-guidelines');

    // He signs up, comes back and joins: the "Team guidelines" dialog greets his first visit.
    await ivanPage.getByRole('link', { name: 'Sign up' }).click();
    await ivanPage.waitForURL((u) => u.pathname === '/signup');
    await ivanPage.getByLabel(/^Name/).fill(invitee.name);
    await ivanPage.getByLabel(/^Password/).fill(password);
    await ivanPage.getByRole('button', { name: 'Create account' }).click();
    await ivanPage.waitForURL((u) => u.pathname === new URL(invitationLink).pathname);
    await ivanPage.getByRole('button', { name: `Join ${teamName}` }).click();
    await ivanPage.waitForURL((u) => u.pathname === `${teamPath}/members`);
    const welcome = ivanPage.getByRole('dialog', { name: 'Team guidelines' });
    await welcome.waitFor();
    await expectRenderedSafely(ivanPage, welcome.getByTestId('guidelines-rendered'));
    await shot(ivanPage, 'guidelines-first-visit', false);
    await welcome.getByRole('button', { name: 'I have read them' }).click();
    await welcome.waitFor({ state: 'hidden' });

    // Second visit: not again, in this browser or on another device.
    const ivanLoaded = guidelinesLoaded(ivanPage);
    await ivanPage.reload();
    await ivanLoaded;
    await ivanPage.getByTestId('member-row').first().waitFor();
    await ivanPage.waitForTimeout(500);
    expect(await ivanPage.getByRole('dialog', { name: 'Team guidelines' }).count()).toBe(0);

    const ivanElsewhere = await newPage('invitee, second device');
    await ivanElsewhere.goto(url('/login'));
    await ivanElsewhere.getByLabel(/email/i).fill(invitee.email);
    await ivanElsewhere.getByLabel(/^Password/).fill(password);
    await ivanElsewhere.getByRole('button', { name: 'Log in' }).click();
    await ivanElsewhere.waitForURL((u) => u.pathname === '/');
    const elsewhereLoaded = guidelinesLoaded(ivanElsewhere);
    await ivanElsewhere.goto(url(`${teamPath}/members`));
    await elsewhereLoaded;
    await ivanElsewhere.getByTestId('member-row').first().waitFor();
    await ivanElsewhere.waitForTimeout(500);
    expect(await ivanElsewhere.getByRole('dialog', { name: 'Team guidelines' }).count()).toBe(0);

    // Ivan (an admin) creates a key and confirms storing its secret securely.
    await ivanPage.goto(url(`${teamPath}/keys?create=development`));
    const keyDialog = ivanPage.getByRole('dialog');
    await keyDialog.getByLabel(/^Name/).fill("Ivan's laptop");
    await keyDialog.getByRole('button', { name: 'Generate API key' }).click();
    const secretField = keyDialog.getByTestId('api-key-secret');
    await secretField.waitFor();
    const ivanSecret = await secretField.inputValue();
    const storedAck = ivanPage.waitForResponse(
      (res) =>
        res.url().endsWith('/graphql') &&
        (res.request().postData() ?? '').includes('AcknowledgeApiKeySecretStored'),
    );
    await keyDialog.getByLabel('I have stored it securely').check();
    expect((await (await storedAck).json()) as unknown).toMatchObject({
      data: { acknowledgeApiKeySecretStored: { secretStoredAt: expect.any(String) } },
    });
    await keyDialog.getByRole('button', { name: 'Done' }).click();
    await keyDialog.waitFor({ state: 'hidden' });
    const before = await fetch(url('/graphql'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ivanSecret },
      body: JSON.stringify({ query: `{ team(id: "${teamId}") { id } }` }),
    });
    expect(before.status).toBe(200);

    // The owner removes Ivan: the dialog lists his key and asks what becomes of it.
    await ownerPage.goto(url(`${teamPath}/members`));
    const ivanRow = ownerPage.getByTestId('member-row').filter({ hasText: invitee.email });
    await ivanRow.getByRole('button', { name: `Remove ${invitee.name}` }).click();
    const offboard = ownerPage.getByRole('dialog', { name: `Remove ${invitee.name}` });
    await offboard.getByTestId('offboard-key').filter({ hasText: "Ivan's laptop" }).waitFor();
    expect(await offboard.getByTestId('offboard-key').count()).toBe(1);
    // No choice is made for the owner.
    expect(await offboard.getByRole('button', { name: 'Remove', exact: true }).isDisabled()).toBe(
      true,
    );
    await offboard.getByText('Keep the keys working').waitFor();
    await offboard.getByText('Revoke the keys now').click();
    await shot(ownerPage, 'offboard-member', false);
    await offboard.getByRole('button', { name: 'Remove and revoke keys' }).click();
    await ownerPage.getByText('Member removed').first().waitFor();
    await ivanRow.waitFor({ state: 'detached' });

    // His key is revoked: the key list says so, and the key no longer works.
    await ownerPage.getByRole('tab', { name: 'API keys' }).click();
    const keyRow = ownerPage.getByTestId('api-key-row').filter({ hasText: "Ivan's laptop" });
    await keyRow.getByTestId('key-status').filter({ hasText: 'Revoked' }).waitFor();
    const after = await fetch(url('/graphql'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ivanSecret },
      body: JSON.stringify({ query: `{ team(id: "${teamId}") { id } }` }),
    });
    expect(after.status).toBe(401);

    // A usage alert (the Security page's job; made here over GraphQL with the owner's session).
    const token = await ownerPage.evaluate(() => window.localStorage.getItem('pp.token'));
    expect(token).toBeTruthy();
    const alert = await fetch(url('/graphql'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query:
          'mutation($input: CreateUsageAlertInput!) { createUsageAlert(input: $input) { id } }',
        variables: { input: { teamId, kind: 'ERROR_RATE', threshold: 0.5 } },
      }),
    });
    expect(((await alert.json()) as { errors?: unknown }).errors).toBeUndefined();

    // The activity log downloads as CSV, with every event of the story.
    await ownerPage.goto(url(`${teamPath}/activity`));
    await ownerPage.getByTestId('activity-item').first().waitFor();
    const exportCard = ownerPage.getByTestId('audit-export');
    // A credential the server refuses: the export says so plainly and saves nothing.
    await ownerPage.evaluate(() => window.localStorage.setItem('pp.token', 'not-a-session-token'));
    await exportCard.getByRole('button', { name: 'Download CSV' }).click();
    await exportCard
      .getByTestId('export-error')
      .getByText('Your session has ended. Log in again, then retry the export.')
      .waitFor();
    await ownerPage.evaluate((saved) => window.localStorage.setItem('pp.token', saved), token!);
    const [csvDownload] = await Promise.all([
      ownerPage.waitForEvent('download'),
      exportCard.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(csvDownload.suggestedFilename()).toMatch(
      new RegExp(`^audit-log-${teamId}-\\d{4}-\\d{2}-\\d{2}\\.csv$`),
    );
    const csv = await readFile(await csvDownload.path(), 'utf8');
    const rows = csv.trim().split(/\r\n/);
    expect(rows[0]).toBe(
      'id,createdAt,action,actorType,actorUserId,actorName,actorEmail,actorApiKeyId,targetType,targetId,details',
    );
    const actions = rows.slice(1).map((row) => row.split(',')[2]);
    expect(actions).toEqual([
      'team.created',
      'team.guidelines_updated',
      'member.invited',
      'member.joined',
      'api_key.created',
      'api_key.secret_stored',
      'member.removed',
      'api_key.revoked',
      'usage_alert.created',
    ]);
    expect(csv).toContain(owner.email);
    expect(csv).toContain(invitee.email);
    await ownerPage.getByText('Activity exported').first().waitFor();

    // And as JSON Lines: one event per line, the same story.
    const [jsonlDownload] = await Promise.all([
      ownerPage.waitForEvent('download'),
      exportCard.getByRole('button', { name: 'Download JSON Lines' }).click(),
    ]);
    const jsonl = await readFile(await jsonlDownload.path(), 'utf8');
    const events = jsonl
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { action: string; details: unknown });
    expect(events.map((e) => e.action)).toEqual(actions);
    expect(events.find((e) => e.action === 'api_key.revoked')?.details).toMatchObject({
      name: "Ivan's laptop",
      reason: 'offboarding',
    });
    // The timeline tells it in words.
    const lines = (await ownerPage.getByTestId('activity-item').allTextContents()).join('\n');
    expect(lines).toContain(`${owner.name} wrote the team guidelines`);
    expect(lines).toContain(`${owner.name} revoked the API key “Ivan's laptop”`);
    await shot(ownerPage, 'activity-export');

    // The dashboard: guidelines, stored secret and usage monitoring are done.
    await ownerPage.goto(url('/'));
    for (const item of ['team-guidelines', 'store-keys', 'usage-monitoring']) {
      await checklistItem(ownerPage, item).and(ownerPage.locator('[data-done="true"]')).waitFor();
    }
    await shot(ownerPage, 'dashboard-checklists-safety');

    expect(problems).toEqual([]);
  });
});
