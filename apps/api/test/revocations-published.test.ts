import type { Revocation } from '../src/core/revocations';
import { signUp, startPortal, type TestPortal } from './harness';
import { TestSmtpServer } from './smtp';
import { makeWorld } from './teams-world';

const LOG_OUT = `mutation { logOut }`;
const REQUEST_RESET = `mutation($email: String!) { requestPasswordReset(email: $email) }`;
const RESET = `mutation($token: String!, $password: String!) { resetPassword(token: $token, password: $password) { token } }`;
const REMOVE = `mutation($id: ID!) { removeMember(membershipId: $id) }`;
const LEAVE = `mutation($teamId: ID!) { leaveTeam(teamId: $teamId) }`;
const DELETE_TEAM = `mutation($id: ID!) { deleteTeam(id: $id) }`;

let t: TestPortal;
let smtp: TestSmtpServer;
/** Each revocation heard, with what the database said at that moment (it must already show the change). */
let heard: Array<{ revocation: Revocation; seen: Promise<unknown> }>;
let stopListening: () => void;

/** What the database shows for a revocation: the ended session(s), the membership, the team. */
function lookUp(revocation: Revocation): Promise<unknown> {
  const q = (sql: string, params: unknown[]) => t.portal.dataSource.query<unknown[]>(sql, params);
  switch (revocation.kind) {
    case 'session':
      return q('SELECT revokedAt FROM sessions WHERE id = ?', [revocation.sessionId]);
    case 'userSessions':
      return q('SELECT COUNT(*) AS n FROM sessions WHERE userId = ? AND revokedAt IS NULL', [
        revocation.userId,
      ]);
    case 'membership':
      return q('SELECT id FROM memberships WHERE userId = ? AND teamId = ?', [
        revocation.userId,
        revocation.teamId,
      ]);
    case 'team':
      return q('SELECT deletedAt FROM teams WHERE id = ?', [revocation.teamId]);
    default:
      return Promise.resolve(null);
  }
}

beforeAll(async () => {
  smtp = new TestSmtpServer();
  t = await startPortal({ SMTP_URL: await smtp.start() });
  // The portal's own Revocations over its Live (in-process, or Redis in the MariaDB + Redis run).
  stopListening = t.portal.services.revocations.on((revocation) =>
    heard.push({ revocation, seen: lookUp(revocation) }),
  );
}, 60_000);
beforeEach(() => {
  heard = [];
});
afterAll(async () => {
  stopListening();
  await t.stop();
  await smtp.stop();
});

const sessionIdOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;

it('logOut publishes the ended session, after it is saved', async () => {
  const person = await signUp(t);
  expect((await t.gql(LOG_OUT, {}, person.token)).data).toEqual({ logOut: true });
  expect(heard.map((h) => h.revocation)).toEqual([
    { kind: 'session', sessionId: sessionIdOf(person.token) },
  ]);
  const [row] = (await heard[0]!.seen) as Array<{ revokedAt: unknown }>;
  expect(row!.revokedAt).not.toBeNull();
});

it('resetPassword publishes every session of the person as ended; a refused link publishes nothing', async () => {
  const person = await signUp(t);
  await t.gql(REQUEST_RESET, { email: person.email });
  const token = /token=([\w-]+)/.exec((await smtp.take(person.email)).text ?? '')![1]!;
  await t.gql(RESET, { token: 'y'.repeat(43), password: 'a brand new password' });
  expect(heard).toEqual([]);

  expect((await t.gql(RESET, { token, password: 'a brand new password' })).errors).toBeUndefined();
  expect(heard.map((h) => h.revocation)).toEqual([{ kind: 'userSessions', userId: person.id }]);
  const [open] = (await heard[0]!.seen) as Array<{ n: number | string }>;
  expect(Number(open!.n)).toBe(0);
});

it('removing a member and a member leaving publish the ended membership; a refused removal publishes nothing', async () => {
  const w = await makeWorld(t, smtp);
  const team = await w.makeTeam();
  heard = [];

  // The last owner cannot leave: refused, nothing published.
  expect(
    (await t.gql(LEAVE, { teamId: team.teamId }, w.owner.token)).errors?.[0]?.extensions.code,
  ).toBe('CONFLICT');
  expect(heard).toEqual([]);

  expect(
    (await t.gql(REMOVE, { id: team.memberMembership }, w.admin.token)).errors,
  ).toBeUndefined();
  expect((await t.gql(LEAVE, { teamId: team.teamId }, w.admin.token)).errors).toBeUndefined();
  expect(heard.map((h) => h.revocation)).toEqual([
    { kind: 'membership', userId: w.member.id, teamId: team.teamId },
    { kind: 'membership', userId: w.admin.id, teamId: team.teamId },
  ]);
  for (const h of heard) expect(await h.seen).toEqual([]);
});

it('deleting a team publishes the team', async () => {
  const w = await makeWorld(t, smtp);
  const team = await w.makeTeam('Doomed');
  heard = [];
  expect((await t.gql(DELETE_TEAM, { id: team.teamId }, w.owner.token)).errors).toBeUndefined();
  expect(heard.map((h) => h.revocation)).toEqual([{ kind: 'team', teamId: team.teamId }]);
  const [row] = (await heard[0]!.seen) as Array<{ deletedAt: unknown }>;
  expect(row!.deletedAt).not.toBeNull();
});
