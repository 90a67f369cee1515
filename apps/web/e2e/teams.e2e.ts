import { invitationLinkIn, signUpInBrowser, useMultiContextJourney } from './support/journey';

/**
 * Teams in a real browser against the real built portal: an owner creates a team and invites a
 * colleague by email; the colleague (in a second, isolated browser context) follows the link from
 * the mail, signs up and joins; the owner promotes and then removes them; the activity page tells
 * the whole story.
 */
describe('teams, roles and invitations', () => {
  const journey = useMultiContextJourney();
  const { newPage, problems, shot, url } = journey;

  const stamp = Date.now();
  const owner = { name: 'Olivia Owner', email: `owner-${stamp}@example.test` };
  const invitee = { name: 'Ivan Invitee', email: `ivan-${stamp}@example.test` };
  const password = 'correct-horse-battery';
  const teamName = 'Acme Integrations';
  const personalMessage = 'Hi Ivan, join us to manage the payments integration!';

  it('creates a team, invites by email, joins, promotes, removes, and logs it all', async () => {
    // The owner signs up and lands on the dashboard's "Create your team" card.
    const ownerPage = await newPage('owner');
    await signUpInBrowser(ownerPage, url, owner, password);
    const createCard = ownerPage.getByTestId('create-first-team');
    await createCard.getByRole('heading', { name: 'Create your team' }).waitFor();
    expect(await ownerPage.getByTestId('team-switcher').count()).toBe(0);
    await shot(ownerPage, 'dashboard-empty');

    // Create the team: straight to its members page, with the owner listed.
    await createCard.getByLabel(/^Team name/).fill(teamName);
    await createCard.getByLabel(/^Description/).fill('Everything about our payments integration.');
    await createCard.getByRole('button', { name: 'Create team' }).click();
    await ownerPage.waitForURL((u) => /^\/teams\/[^/]+\/members$/.test(u.pathname));
    const teamPath = new URL(ownerPage.url()).pathname.replace(/\/members$/, '');
    expect(await ownerPage.getByTestId('team-name').textContent()).toBe(teamName);
    const ownerRow = ownerPage.getByTestId('member-row').filter({ hasText: owner.email });
    await ownerRow.waitFor();
    expect(await ownerRow.textContent()).toContain('you');

    // The dashboard now lists the team; the header has the team switcher.
    await ownerPage.goto(url('/'));
    const card = ownerPage.getByTestId('team-card').filter({ hasText: teamName });
    await card.waitFor();
    expect(await card.textContent()).toContain('Owner');
    await ownerPage.getByRole('button', { name: 'Create another team' }).waitFor();
    await ownerPage.getByTestId('team-switcher').waitFor();
    await shot(ownerPage, 'dashboard-teams');
    await card.getByRole('link', { name: `Open ${teamName}` }).click();
    await ownerPage.waitForURL((u) => u.pathname === `${teamPath}/members`);

    // Invite Ivan as a Member with a personal message; the client checks the email first.
    await ownerPage.getByRole('button', { name: 'Invite member' }).click();
    const dialog = ownerPage.getByRole('dialog');
    await dialog.getByLabel(/^Email/).fill('not-an-email');
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await dialog.getByText('Enter a valid email address.').waitFor();
    await dialog.getByLabel(/^Email/).fill(invitee.email);
    await dialog.getByLabel(/^Personal message/).fill(personalMessage);
    await dialog.getByText(`${personalMessage.length}/1000 characters`).waitFor();
    await shot(ownerPage, 'members-invite-modal', false);
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await ownerPage.getByText('Invitation sent').first().waitFor();
    await dialog.waitFor({ state: 'hidden' });
    const pendingRow = ownerPage.getByTestId('invitation-row').filter({ hasText: invitee.email });
    await pendingRow.waitFor();
    expect(await pendingRow.textContent()).toContain(owner.name);
    await shot(ownerPage, 'members-pending');

    // The mail: text and HTML parts, the personal message, the link to the invitation.
    const message = await journey.mail.waitForMessage(invitee.email, 15_000);
    expect(message.text).toContain(personalMessage);
    expect(typeof message.html).toBe('string');
    expect(message.html as string).toContain('payments integration');
    expect(message.text).toContain(teamName);
    const invitationLink = invitationLinkIn(message, journey.portal.url);
    expect(message.html as string).toContain(invitationLink);

    // The owner opening it sees that it is meant for another account.
    await ownerPage.goto(invitationLink);
    await ownerPage.getByTestId('wrong-account').waitFor();
    await ownerPage.getByRole('button', { name: 'Log out and continue' }).waitFor();
    await ownerPage.goto(url(`${teamPath}/members`));
    await ownerPage.getByTestId('invitation-row').filter({ hasText: invitee.email }).waitFor();

    // Ivan, in his own browser context, opens the link and sees the preview.
    const ivanPage = await newPage('invitee');
    await ivanPage.goto(invitationLink);
    const preview = ivanPage.getByTestId('invitation-preview');
    await preview.waitFor();
    const previewText = (await preview.textContent()) ?? '';
    expect(previewText).toContain(teamName);
    expect(previewText).toContain(owner.name);
    expect(previewText).toContain('Member');
    expect(await ivanPage.getByTestId('invitation-message').textContent()).toContain(
      personalMessage,
    );
    await shot(ivanPage, 'invitation-signed-out');

    // Sign up with the email filled in, then come back to the invitation and join.
    await ivanPage.getByRole('link', { name: 'Sign up' }).click();
    await ivanPage.waitForURL((u) => u.pathname === '/signup');
    const invitationPath = new URL(invitationLink).pathname;
    expect(new URL(ivanPage.url()).searchParams.get('redirect')).toBe(invitationPath);
    expect(await ivanPage.getByLabel(/email/i).inputValue()).toBe(invitee.email);
    await ivanPage.getByLabel(/^Name/).fill(invitee.name);
    await ivanPage.getByLabel(/^Password/).fill(password);
    await ivanPage.getByRole('button', { name: 'Create account' }).click();
    await ivanPage.waitForURL((u) => u.pathname === invitationPath);
    const join = ivanPage.getByRole('button', { name: `Join ${teamName}` });
    await join.waitFor();
    await shot(ivanPage, 'invitation-signed-in');
    await join.click();
    await ivanPage.waitForURL((u) => u.pathname === `${teamPath}/members`);
    expect(await ivanPage.getByTestId('team-name').textContent()).toBe(teamName);
    // A member reads but does not manage.
    await ivanPage.getByTestId('member-row').filter({ hasText: owner.email }).waitFor();
    expect(await ivanPage.getByRole('button', { name: 'Invite member' }).count()).toBe(0);

    // The used link now says so.
    await ivanPage.goto(invitationLink);
    await ivanPage.getByTestId('invitation-accepted').waitFor();

    // The owner sees Ivan among the members, and no pending invitation any more.
    await ownerPage.getByRole('tab', { name: 'Activity' }).click();
    await ownerPage.waitForURL((u) => u.pathname === `${teamPath}/activity`);
    await ownerPage.getByRole('tab', { name: 'Members' }).click();
    const ivanRow = ownerPage.getByTestId('member-row').filter({ hasText: invitee.email });
    await ivanRow.waitFor();
    expect(await ivanRow.textContent()).toContain(invitee.name);
    await ownerPage.getByTestId('no-invitations').waitFor();

    // A second invitation, revoked after a confirmation: its link then says so.
    const carol = `carol-${stamp}@example.test`;
    await ownerPage.getByRole('button', { name: 'Invite member' }).click();
    await ownerPage
      .getByRole('dialog')
      .getByLabel(/^Email/)
      .fill(carol);
    await ownerPage.getByRole('dialog').getByRole('button', { name: 'Send invitation' }).click();
    const carolRow = ownerPage.getByTestId('invitation-row').filter({ hasText: carol });
    await carolRow.waitFor();
    await carolRow.getByRole('button', { name: `Revoke the invitation to ${carol}` }).click();
    await ownerPage.getByRole('dialog').getByRole('button', { name: 'Revoke invitation' }).click();
    await carolRow.waitFor({ state: 'detached' });
    const carolMail = await journey.mail.waitForMessage(carol, 15_000);
    const carolLink = invitationLinkIn(carolMail, journey.portal.url);
    await ivanPage.goto(carolLink);
    await ivanPage.getByTestId('invitation-revoked').waitFor();
    await ivanPage.goto(url('/invitations/no-such-invitation'));
    await ivanPage.getByTestId('invitation-unknown').waitFor();

    // Make Ivan an admin.
    await ivanRow.getByLabel(`Role of ${invitee.name}`).click();
    await ownerPage.getByRole('option', { name: 'Admin' }).click();
    await ownerPage.getByText(`${invitee.name} is now an Admin.`).waitFor();
    expect(await ivanRow.getByLabel(`Role of ${invitee.name}`).inputValue()).toBe('Admin');

    // Remove him, after a confirmation that names him.
    await ivanRow.getByRole('button', { name: `Remove ${invitee.name}` }).click();
    const confirm = ownerPage.getByRole('dialog');
    await confirm
      .getByText(`Remove ${invitee.name} (${invitee.email}) from ${teamName}?`, { exact: false })
      .waitFor();
    await shot(ownerPage, 'members-remove-confirm', false);
    await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
    await ownerPage.getByText('Member removed').first().waitFor();
    await ivanRow.waitFor({ state: 'detached' });

    // The activity page tells the story, newest first.
    await ownerPage.getByRole('tab', { name: 'Activity' }).click();
    await ownerPage.waitForURL((u) => u.pathname === `${teamPath}/activity`);
    const items = ownerPage.getByTestId('activity-item');
    await items.filter({ hasText: 'removed' }).waitFor();
    const lines = (await items.allTextContents()).map((t) => t.replace(/\s+/g, ' '));
    const expected = [
      `${owner.name} removed ${invitee.name}`,
      `${owner.name} changed ${invitee.name}’s role from Member to Admin`,
      `${owner.name} revoked the invitation to ${carol}`,
      `${owner.name} invited ${carol} as Member`,
      `${invitee.name} joined the team as Member`,
      `${owner.name} invited ${invitee.email} as Member`,
      `${owner.name} created the team “${teamName}”`,
    ];
    expect(lines).toHaveLength(expected.length);
    expected.forEach((text, i) => expect(lines[i]).toContain(text));
    await shot(ownerPage, 'activity');

    // Filtered by member: only Ivan's own action (joining).
    await ownerPage.getByTestId('actor-filter').click();
    await ownerPage.getByRole('option', { name: invitee.name }).click();
    await ownerPage.waitForURL((u) => u.searchParams.has('actor'));
    await ownerPage.waitForFunction(
      () => document.querySelectorAll('[data-testid="activity-item"]').length === 1,
    );
    expect(await items.first().textContent()).toContain('joined the team');

    // Settings: the owner renames the team (the header follows), then deletes it.
    await ownerPage.getByRole('tab', { name: 'Settings' }).click();
    await ownerPage.waitForURL((u) => u.pathname === `${teamPath}/settings`);
    const renamed = `${teamName} EU`;
    await ownerPage.getByLabel(/^Team name/).fill(renamed);
    await ownerPage.getByRole('button', { name: 'Save changes' }).click();
    await ownerPage.getByText('Team updated').first().waitFor();
    await ownerPage.waitForFunction(
      (name) => document.querySelector('[data-testid="team-name"]')?.textContent === name,
      renamed,
    );
    await ownerPage.getByRole('button', { name: 'Delete team' }).click();
    const deleteDialog = ownerPage.getByRole('dialog');
    const deleteButton = deleteDialog.getByRole('button', { name: 'Delete this team' });
    expect(await deleteButton.isDisabled()).toBe(true);
    await deleteDialog.getByLabel(/^Team name/).fill(renamed);
    await shot(ownerPage, 'settings-delete', false);
    await deleteButton.click();
    await ownerPage.waitForURL((u) => u.pathname === '/');
    await ownerPage.getByTestId('create-first-team').waitFor();
    expect(await ownerPage.getByTestId('team-switcher').count()).toBe(0);

    // Ivan no longer sees the team.
    await ivanPage.goto(url(`${teamPath}/members`));
    await ivanPage.getByText('Team not found or you are not a member').waitFor();

    expect(problems).toEqual([]);
  });
});
