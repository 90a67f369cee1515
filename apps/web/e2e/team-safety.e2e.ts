import { createRequire } from 'node:module';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { useJourney } from './support/journey';
import { repoRoot } from './support/portal';

/**
 * Team safety in a real browser against the real built portal and a real SMTP server.
 *
 * The Security page: an owner sees, from real data, a member inactive for 120 days (their
 * membership backdated in the portal's database: the built portal has no test clock) and a
 * production key that never expires; revokes the key from the review (it leaves the list and
 * stops working), is told the server's reasons when an alert cannot be created, creates and
 * deletes a usage alert, and marks the review complete (the date and reviewer show). A MEMBER
 * sees the same lists read-only.
 *
 * The compromised-key flow, from the key's menu on the API keys page: revoke and replace (the
 * replacement's secret shown once and working), the update checklist, a refused attempt made
 * with the old key (fetch with X-API-Key to /graphql) appearing in the live view with its
 * address, the report mailed to the owner and to support, and the incident listed on the key's
 * page (where the mail's link leads) and on the Security page.
 */

const SUPPORT = 'support@provider.test';
const DAY_MS = 86_400_000;

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

describe('team safety', () => {
  const journey = useJourney({ portalEnv: () => ({ SUPPORT_EMAIL: SUPPORT }) });
  let page: Page;
  beforeAll(() => {
    ({ page } = journey);
  });

  const stamp = Date.now();
  const password = 'correct-horse-battery';
  const owner = { name: 'Olive Owner', email: `olive-${stamp}@example.test`, token: '', id: '' };
  const idle = { name: 'Ina Idle', email: `ina-${stamp}@example.test`, token: '', id: '' };
  const member = { name: 'Max Member', email: `max-${stamp}@example.test`, token: '', id: '' };
  const teamName = 'Initech Safety';
  let teamId = '';
  let idleMembershipId = '';
  const url = journey.url;
  const shot = journey.shot;

  /** An operation over real HTTP as a signed-in person (the setup a browser would take longer for). */
  async function gql<T>(
    token: string | null,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<T> {
    const res = await fetch(url('/graphql'), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as GraphQLAnswer<T>;
    if (body.errors?.length || !body.data) {
      throw new Error(`GraphQL failed: ${JSON.stringify(body.errors ?? body)}`);
    }
    return body.data;
  }

  async function signUp(person: { name: string; email: string; token: string; id: string }) {
    const data = await gql<{ signUp: { token: string; user: { id: string } } }>(
      null,
      `mutation ($input: SignUpInput!) { signUp(input: $input) { token user { id } } }`,
      { input: { name: person.name, email: person.email, password } },
    );
    person.token = data.signUp.token;
    person.id = data.signUp.user.id;
  }

  /** Invites by email, reads the link from the real mail, accepts as the invitee. */
  async function join(person: { email: string; token: string }): Promise<string> {
    await gql(
      owner.token,
      `mutation ($input: InviteMemberInput!) { inviteMember(input: $input) { id } }`,
      { input: { teamId, email: person.email, role: 'MEMBER' } },
    );
    const mail = await journey.mail.waitForMessage(person.email, 15_000);
    const token = /\/invitations\/([A-Za-z0-9_%-]+)/.exec(mail.text ?? '')?.[1];
    expect(token).toBeTruthy();
    const data = await gql<{ acceptInvitation: { id: string } }>(
      person.token,
      `mutation ($token: String!) { acceptInvitation(token: $token) { id } }`,
      { token: decodeURIComponent(token!) },
    );
    return data.acceptInvitation.id;
  }

  async function createKey(
    name: string,
    environment: 'DEVELOPMENT' | 'PRODUCTION',
  ): Promise<{ id: string; secret: string; start: string }> {
    const data = await gql<{
      createApiKey: { secret: string; apiKey: { id: string; start: string } };
    }>(
      owner.token,
      `mutation ($input: CreateApiKeyInput!) {
        createApiKey(input: $input) { secret apiKey { id start } }
      }`,
      { input: { teamId, name, environment, expiration: 'NEVER' } },
    );
    return { ...data.createApiKey.apiKey, secret: data.createApiKey.secret };
  }

  async function keyStatus(id: string): Promise<string> {
    const data = await gql<{ apiKey: { status: string } }>(
      owner.token,
      `query ($id: ID!) { apiKey(id: $id) { status } }`,
      { id },
    );
    return data.apiKey.status;
  }

  /**
   * Writes straight into the portal's database, through the api's own drivers: moves a
   * membership back in time, which the built portal (no test clock) cannot be asked to do.
   */
  async function backdateMembership(membershipId: string, days: number): Promise<void> {
    const at = new Date(Date.now() - days * DAY_MS).toISOString().replace('T', ' ').slice(0, 23);
    const statement = 'UPDATE memberships SET joinedAt = ?, lastActiveAt = ? WHERE id = ?';
    const params = [at, at, membershipId];
    const apiRequire = createRequire(path.join(repoRoot, 'apps', 'api', 'package.json'));
    const databaseUrl = journey.portal.databaseUrl;
    if (databaseUrl.startsWith('sqlite:')) {
      type Sqlite = new (file: string) => {
        prepare(sql: string): { run(...args: unknown[]): { changes: number } };
        close(): void;
      };
      const Database = apiRequire('better-sqlite3') as Sqlite;
      const db = new Database(databaseUrl.slice('sqlite:'.length));
      try {
        expect(db.prepare(statement).run(...params).changes).toBe(1);
      } finally {
        db.close();
      }
    } else {
      type Mysql = {
        createConnection(url: string): Promise<{
          execute(sql: string, args: unknown[]): Promise<[{ affectedRows: number }, unknown]>;
          end(): Promise<void>;
        }>;
      };
      const mysql = apiRequire('mysql2/promise') as Mysql;
      const conn = await mysql.createConnection(databaseUrl.replace(/^mariadb:/, 'mysql:'));
      try {
        const [result] = await conn.execute(statement, params);
        expect(result.affectedRows).toBe(1);
      } finally {
        await conn.end();
      }
    }
  }

  /** The browser takes the person's session (as logging in would store it). */
  async function signInAs(person: { token: string }, path: string): Promise<void> {
    await page.goto(url('/login'));
    await page.evaluate((token) => window.localStorage.setItem('pp.token', token), person.token);
    await page.goto(url(path));
  }

  /** Mantine's Select: opens it and picks the option. */
  async function choose(scope: Locator, label: RegExp, option: string) {
    await scope.getByLabel(label).click();
    await page.getByRole('option', { name: option }).click();
  }

  let liveKey: { id: string; secret: string; start: string };
  let devKey: { id: string; secret: string; start: string };

  beforeAll(async () => {
    await signUp(owner);
    await signUp(idle);
    await signUp(member);
    const team = await gql<{ createTeam: { id: string } }>(
      owner.token,
      `mutation ($input: CreateTeamInput!) { createTeam(input: $input) { id } }`,
      { input: { name: teamName } },
    );
    teamId = team.createTeam.id;
    idleMembershipId = await join(idle);
    await join(member);
    await backdateMembership(idleMembershipId, 120);
    liveKey = await createKey('Live billing', 'PRODUCTION');
    devKey = await createKey('Checkout service', 'DEVELOPMENT');
  });

  it('shows the access review from real data, revokes from it and records a completed review', async () => {
    await signInAs(owner, `/teams/${teamId}/members`);
    await page.getByRole('tab', { name: 'Security' }).click();
    await page.waitForURL((u) => u.pathname === `/teams/${teamId}/security`);
    const review = page.getByTestId('access-review');

    // The inactive member, explained, with their 120-day-old join date.
    const inactive = review.getByTestId('review-inactiveMembers');
    const idleRow = inactive.locator(
      `[data-testid="review-member-row"][data-email="${idle.email}"]`,
    );
    await idleRow.waitFor();
    expect(await inactive.textContent()).toContain('Why it matters');
    expect(await inactive.getByTestId('review-member-row').count()).toBe(1);
    expect(await idleRow.textContent()).toContain(idle.name);
    expect(await idleRow.getByRole('button', { name: `Remove ${idle.name}` }).isVisible()).toBe(
      true,
    );

    // The never-expiring production key; the development key is not in that list.
    const forever = review.getByTestId('review-neverExpiringProductionKeys');
    const liveRow = forever.locator(`[data-testid="review-key-row"][data-key-id="${liveKey.id}"]`);
    await liveRow.waitFor();
    expect(await forever.getByTestId('review-key-row').count()).toBe(1);
    expect(await liveRow.textContent()).toContain('Live billing');

    // Lists with nothing in them say so.
    expect(
      await review.getByTestId('review-staleKeys').getByTestId('review-empty').textContent(),
    ).toContain('Nothing to review');
    expect(
      await review.getByTestId('review-expiringKeys').getByTestId('review-empty').textContent(),
    ).toContain('Nothing to review');
    expect(await review.getByTestId('review-last-completed').textContent()).toContain(
      'No review has been completed yet',
    );
    await shot('security-review');

    // Revoke from the review: confirmed, gone from the list, and the key is refused.
    expect(
      (await journey.callWithKey(liveKey.secret, `{ team(id: "${teamId}") { id } }`)).status,
    ).toBe(200);
    await liveRow.getByRole('button', { name: 'Revoke Live billing' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke API key' });
    await confirm.getByText('Live billing').waitFor();
    await confirm.getByRole('button', { name: 'Revoke key' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await liveRow.waitFor({ state: 'detached' });
    await forever.getByTestId('review-empty').waitFor();
    expect(await keyStatus(liveKey.id)).toBe('REVOKED');
    const refused = await journey.callWithKey(liveKey.secret, `{ team(id: "${teamId}") { id } }`);
    expect(refused.status).toBe(401);

    // Usage alerts: the server's reason when a monthly-quota alert has no key with a limit,
    // the form's own for a threshold over 100 %, then one created and deleted.
    const alerts = page.getByTestId('usage-alerts');
    await alerts.getByTestId('usage-alerts-empty').waitFor();
    await alerts.getByRole('button', { name: 'Create an alert' }).click();
    let dialog = page.getByRole('dialog', { name: 'New usage alert' });
    await dialog.getByRole('button', { name: 'Create alert' }).click();
    await dialog
      .getByText('No active key of this team has a monthly limit', { exact: false })
      .waitFor();
    await choose(dialog, /^Watch/, 'Error rate (last 5 minutes)');
    await dialog.getByRole('textbox', { name: /^Threshold/ }).fill('150');
    await dialog.getByRole('button', { name: 'Create alert' }).click();
    await dialog.getByText('The threshold can be at most 100 %.').waitFor();
    await dialog.getByRole('textbox', { name: /^Threshold/ }).fill('25');
    await dialog.getByRole('button', { name: 'Create alert' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const alertRow = alerts.getByTestId('usage-alert-row');
    await alertRow.waitFor();
    expect(await alertRow.getAttribute('data-kind')).toBe('ERROR_RATE');
    expect(await alertRow.textContent()).toContain('25 %');
    expect(await alertRow.textContent()).toContain('Every key');
    const stored = await gql<{ team: { usageAlerts: { kind: string; threshold: number }[] } }>(
      owner.token,
      `query ($id: ID!) { team(id: $id) { usageAlerts { kind threshold } } }`,
      { id: teamId },
    );
    expect(stored.team.usageAlerts).toEqual([{ kind: 'ERROR_RATE', threshold: 0.25 }]);
    await shot('security-alerts');
    await alertRow.getByRole('button', { name: /^Delete the error rate/ }).click();
    dialog = page.getByRole('dialog', { name: 'Delete usage alert' });
    await dialog.getByRole('button', { name: 'Delete alert' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await alerts.getByTestId('usage-alerts-empty').waitFor();

    // Mark the review complete, with a note: the date and the reviewer show.
    await review.getByRole('button', { name: 'Mark review complete' }).click();
    dialog = page.getByRole('dialog', { name: 'Mark the review complete' });
    await dialog.getByText('One item is still listed', { exact: false }).waitFor();
    await dialog.getByLabel(/^Note/).fill('Ina is on leave until March: kept.');
    await dialog.getByRole('button', { name: 'Mark review complete' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const today = await page.evaluate(() =>
      new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date()),
    );
    const last = review.getByTestId('review-last-completed');
    await last.getByText(today).waitFor();
    expect(await last.textContent()).toBe(`Last completed ${today} by ${owner.name}`);
    await shot('security-review-completed');

    // The activity log holds it, with the note.
    const log = await gql<{
      team: { auditLog: { edges: { node: { action: string; details: string | null } }[] } };
    }>(
      owner.token,
      `query ($id: ID!) { team(id: $id) { auditLog(first: 5) { edges { node { action details } } } } }`,
      { id: teamId },
    );
    const reviewed = log.team.auditLog.edges.find((e) => e.node.action === 'team.access_reviewed');
    expect(reviewed?.node.details ?? '').toContain('Ina is on leave until March');

    // A MEMBER reads the same lists, without actions, and is told who acts.
    await signInAs(member, `/teams/${teamId}/security`);
    const readOnly = page.getByTestId('review-read-only');
    await readOnly.waitFor();
    expect(await readOnly.textContent()).toContain('Owners and admins of this team act on it');
    await page.locator(`[data-testid="review-member-row"][data-email="${idle.email}"]`).waitFor();
    expect(await page.getByRole('button', { name: /^Remove / }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Mark review complete' }).count()).toBe(0);
    expect(await page.getByTestId('review-last-completed').textContent()).toContain(owner.name);

    // The owner removes the inactive member from the review (the offboarding dialog).
    await signInAs(owner, `/teams/${teamId}/security`);
    const idleAgain = page.locator(`[data-testid="review-member-row"][data-email="${idle.email}"]`);
    await idleAgain.getByRole('button', { name: `Remove ${idle.name}` }).click();
    dialog = page.getByRole('dialog', { name: `Remove ${idle.name}` });
    await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await idleAgain.waitFor({ state: 'detached' });
    await page.getByTestId('review-inactiveMembers').getByTestId('review-empty').waitFor();
    const members = await gql<{ team: { members: { user: { email: string } }[] } }>(
      owner.token,
      `query ($id: ID!) { team(id: $id) { members { user { email } } } }`,
      { id: teamId },
    );
    expect(members.team.members.map((m) => m.user.email)).not.toContain(idle.email);
  });

  it('reports a compromised key from its menu: replaced, refused attempts live, mailed', async () => {
    await signInAs(owner, `/teams/${teamId}/keys`);
    expect(
      (await journey.callWithKey(devKey.secret, `{ team(id: "${teamId}") { id } }`)).status,
    ).toBe(200);
    const row = page.locator(`[data-testid="api-key-row"][data-key-id="${devKey.id}"]`);
    await row.getByRole('button', { name: /^Actions for Checkout service/ }).click();
    await page.getByRole('menuitem', { name: /^Report compromised/ }).click();

    // Step 1: revoke and replace, with details.
    const dialog = page.getByRole('dialog');
    await dialog.getByText('The key stops working').waitFor();
    expect(await dialog.getByLabel('Revoke it and create a replacement').isChecked()).toBe(true);
    const details = 'Pasted in a public gist by mistake at 09:12, removed at 09:40.';
    await dialog.getByLabel(/^What happened/).fill(details);
    await shot('compromised-step1', false);
    await dialog.getByRole('button', { name: 'Revoke and replace now' }).click();

    // The replacement's secret, once; it works, the old one is refused.
    const field = dialog.getByTestId('api-key-secret');
    await field.waitFor();
    const replacement = await field.inputValue();
    expect(replacement).toMatch(/^ppk_test_/);
    expect(replacement).not.toBe(devKey.secret);
    await dialog.getByLabel(/I have stored it/).check();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.waitForURL((u) => u.pathname.startsWith(`/teams/${teamId}/security/incidents/`));
    const incidentId = new URL(page.url()).pathname.split('/').pop()!;
    const incident = page.getByTestId('incident-page');
    await incident.waitFor();
    expect(await incident.getAttribute('data-incident-id')).toBe(incidentId);
    expect(await incident.getByTestId('incident-details').textContent()).toBe(details);
    expect(
      (await journey.callWithKey(replacement, `{ team(id: "${teamId}") { id } }`)).status,
    ).toBe(200);
    expect(await keyStatus(devKey.id)).toBe('REVOKED');

    // Step 2: the checklist, ticked by the user.
    const update = incident.getByTestId('incident-step-update');
    expect(await update.getByTestId('checklist-progress').textContent()).toBe('0 of 4 done');
    for (const box of await update.getByRole('checkbox').all()) await box.check();
    expect(await update.getByTestId('checklist-progress').textContent()).toBe('4 of 4 done');
    expect(await update.getAttribute('data-done')).toBe('true');

    // Step 3: nothing refused yet; then a request with the old key shows up on its own.
    const attempts = incident.getByTestId('incident-rejected-attempts');
    expect(await attempts.textContent()).toBe('0');
    const refused = await journey.callWithKey(devKey.secret, `{ team(id: "${teamId}") { id } }`);
    expect(refused.status).toBe(401);
    await incident
      .getByTestId('incident-rejected-attempts')
      .getByText('1', { exact: true })
      .waitFor({
        timeout: 20_000,
      });
    const address = incident.getByTestId('incident-address');
    await address.waitFor();
    expect(await address.getAttribute('data-address')).toMatch(/127\.0\.0\.1|::1/);
    expect(await incident.getByTestId('incident-last-rejected').textContent()).not.toContain(
      'None so far',
    );
    await shot('compromised-incident');

    // Step 4 leads to the usage pages; step 5 names the owners who were mailed.
    expect(
      await incident
        .getByTestId('incident-step-activity')
        .getByRole('link', { name: /usage/ })
        .count(),
    ).toBeGreaterThan(0);
    expect(await incident.getByTestId('incident-mailed-owners').textContent()).toBe(
      `${owner.name} (${owner.email})`,
    );

    // The report, mailed to the owner and to support: the key's start, the details, never a secret.
    const ownerMail = await journey.mail.waitForMessage(owner.email, 15_000);
    expect(ownerMail.subject).toContain('Checkout service');
    expect(ownerMail.subject).toContain('reported as compromised');
    expect(ownerMail.text).toContain(devKey.start);
    expect(ownerMail.text).toContain(details);
    expect(ownerMail.text).not.toContain(devKey.secret);
    expect(ownerMail.text).not.toContain(replacement);
    const supportMail = await journey.mail.waitForMessage(SUPPORT, 15_000);
    expect(supportMail.subject).toContain(devKey.start);
    expect(supportMail.text).toContain(details);
    expect(supportMail.text).not.toContain(devKey.secret);

    // The mail's link opens the key's page, which lists the incident with its refused attempt.
    const link = new RegExp(`${url('')}/teams/[^\\s]+/keys/[^\\s]+`).exec(
      ownerMail.text ?? '',
    )?.[0];
    expect(link).toBeTruthy();
    await page.goto(link!);
    await page.waitForURL((u) => u.pathname === `/teams/${teamId}/keys/${devKey.id}/usage`);
    const keyIncidents = page.getByTestId('key-incidents');
    const keyIncidentRow = keyIncidents.locator(`[data-incident-id="${incidentId}"]`);
    await keyIncidentRow.waitFor();
    expect(await keyIncidentRow.getByTestId('incident-attempts').textContent()).toBe('1');

    // And on the Security page.
    await page.getByRole('tab', { name: 'Security' }).click();
    const teamIncident = page
      .getByTestId('incidents')
      .locator(`[data-testid="incident-row"][data-incident-id="${incidentId}"]`);
    await teamIncident.waitFor();
    expect(await teamIncident.textContent()).toContain('Checkout service');
    expect(await teamIncident.textContent()).toContain('Revoked and replaced');
  });
});
