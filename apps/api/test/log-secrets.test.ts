import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LOG_IN, signUp, startPortal, uniqueEmail, type TestPortal } from './harness';
import { TestSmtpServer } from './smtp';

const REQUEST_RESET = `mutation($email: String!) { requestPasswordReset(email: $email) }`;
const RESET = `mutation($token: String!, $password: String!) { resetPassword(token: $token, password: $password) { token } }`;
const CREATE_TEAM = `mutation($input: CreateTeamInput!) { createTeam(input: $input) { id } }`;
const INVITE = `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { id } }`;
const PREVIEW = `query($token: String!) { invitationPreview(token: $token) { teamName } }`;
const ACCEPT = `mutation($token: String!) { acceptInvitation(token: $token) { role } }`;
const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`;
const TEAM = `query($id: ID!) { team(id: $id) { id name } }`;

let t: TestPortal;
let smtp: TestSmtpServer;
let webDist: string;

beforeAll(async () => {
  // A stand-in for the built web app, so the mailed links are answered as the SPA answers them.
  webDist = mkdtempSync(path.join(tmpdir(), 'pp-web-'));
  writeFileSync(path.join(webDist, 'index.html'), '<!doctype html><title>Partner Portal</title>');
  smtp = new TestSmtpServer();
  t = await startPortal({ SMTP_URL: await smtp.start(), WEB_DIST: webDist });
});
afterAll(async () => {
  await t.stop();
  await smtp.stop();
  rmSync(webDist, { recursive: true, force: true });
});

/** The mailed link's path and query, requested from the portal as a browser following it would. */
async function follow(link: string): Promise<number> {
  const { pathname, search } = new URL(link);
  const res = await fetch(`${t.url}${pathname}${search}`, { headers: { accept: 'text/html' } });
  await res.arrayBuffer();
  return res.status;
}

function linkIn(text: string | undefined, pattern: RegExp): { link: string; token: string } {
  const match = pattern.exec(text ?? '');
  if (!match) throw new Error(`no link matching ${String(pattern)} in:\n${text}`);
  return { link: match[0], token: decodeURIComponent(match[1]!) };
}

it('writes no token, key secret or password of the account, invitation and key journeys to the log', async () => {
  const secrets = new Map<string, string>();
  const keep = (label: string, value: string | undefined) => {
    expect(value).toBeTruthy();
    secrets.set(label, value!);
  };

  // --- Account: sign up, log in, a failed log-in, request a reset, follow the link, reset. ---
  const owner = await signUp(t, { password: 'owner first PASSWORD-1' });
  keep('sign-up password', owner.password);
  keep('sign-up session', owner.token);
  const login = await t.gql<{ logIn: { token: string } }>(LOG_IN, {
    input: { email: owner.email, password: owner.password },
  });
  keep('log-in session', login.data?.logIn.token);
  const wrong = await t.gql(LOG_IN, {
    input: { email: owner.email, password: 'a WRONG guess 1234' },
  });
  expect(wrong.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  keep('wrong password', 'a WRONG guess 1234');

  expect((await t.gql(REQUEST_RESET, { email: owner.email })).errors).toBeUndefined();
  const resetMail = await smtp.take(owner.email);
  const reset = linkIn(resetMail.text, /https?:\/\/[^\s]+\/reset-password\?token=([^\s&]+)/);
  keep('reset token', reset.token);
  expect(await follow(reset.link)).toBe(200);
  const newPassword = 'owner second PASSWORD-2';
  const resetDone = await t.gql<{ resetPassword: { token: string } }>(RESET, {
    token: reset.token,
    password: newPassword,
  });
  expect(resetDone.errors).toBeUndefined();
  keep('new password', newPassword);
  keep('session after reset', resetDone.data?.resetPassword.token);
  // A used link, tried again, is refused: its error path must not log the token either.
  expect(
    (await t.gql(RESET, { token: reset.token, password: 'a third PASSWORD-3' })).errors,
  ).toBeDefined();
  const session = resetDone.data!.resetPassword.token;

  // --- Invitation: invite, follow the mailed link, accept. ---
  const team = await t.gql<{ createTeam: { id: string } }>(
    CREATE_TEAM,
    { input: { name: 'Log Secrets Team' } },
    session,
  );
  expect(team.errors).toBeUndefined();
  const teamId = team.data!.createTeam.id;
  const inviteeEmail = uniqueEmail('invitee');
  const invited = await t.gql(
    INVITE,
    { input: { teamId, email: inviteeEmail, role: 'MEMBER' } },
    session,
  );
  expect(invited.errors).toBeUndefined();
  const inviteMail = await smtp.take(inviteeEmail);
  const invitation = linkIn(inviteMail.text, /https?:\/\/[^\s]+\/invitations\/([^\s/?#]+)/);
  keep('invitation token', invitation.token);
  expect(await follow(invitation.link)).toBe(200);
  expect((await t.gql(PREVIEW, { token: invitation.token })).errors).toBeUndefined();
  const invitee = await signUp(t, { email: inviteeEmail, password: 'invitee PASSWORD-4' });
  keep('invitee password', invitee.password);
  keep('invitee session', invitee.token);
  const accepted = await t.gql(ACCEPT, { token: invitation.token }, invitee.token);
  expect(accepted.errors).toBeUndefined();

  // --- Key: create one, use it over HTTP (and once where it does not belong). ---
  const created = await t.gql<{ createApiKey: { secret: string } }>(
    CREATE_KEY,
    { input: { teamId, name: 'ci', environment: 'PRODUCTION', expiration: 'NEVER' } },
    session,
  );
  expect(created.errors).toBeUndefined();
  const secret = created.data!.createApiKey.secret;
  keep('key secret', secret);
  const keyed = await t.post(TEAM, { id: teamId }, { 'x-api-key': secret });
  expect(keyed.status).toBe(200);
  expect(keyed.data).toMatchObject({ team: { id: teamId } });
  // Misplaced credentials: a key sent as a bearer token, a session in a query string.
  await t.post(TEAM, { id: teamId }, { authorization: `Bearer ${secret}` });
  expect(
    await follow(`http://portal.test/teams/${teamId}?token=${encodeURIComponent(session)}`),
  ).toBe(200);

  // Mail and usage are written in the background: give them a moment to log.
  await new Promise((r) => setTimeout(r, 300));
  const log = t.logs.join('');

  // The journeys were logged (with the secrets taken out), so an empty log cannot pass.
  expect(log).toContain('/reset-password?token=[REDACTED]');
  expect(log).toContain('/invitations/[REDACTED]');
  expect(log).toContain('"statusCode":200');

  const found = [...secrets]
    .filter(([, value]) => log.includes(value) || log.includes(encodeURIComponent(value)))
    .map(([label]) => label);
  expect(found).toEqual([]);
  // Nor the payload of a session token (its middle part), which a partial leak would show.
  for (const token of [owner.token, session, invitee.token]) {
    const payload = token.split('.')[1];
    if (payload) expect(log).not.toContain(payload);
  }
});
