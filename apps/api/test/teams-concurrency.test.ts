import { signUp, startPortal, type TestPortal } from './harness';
import { TestSmtpServer } from './smtp';
import { ACCEPT, INVITE, TEAM, createTeam, invitationToken, join } from './teams-world';

/** Races that must never break the rules: run on SQLite locally and on MariaDB in CI. */
let t: TestPortal;
let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = new TestSmtpServer();
  t = await startPortal({
    SMTP_URL: await smtp.start(),
    INVITATIONS_PER_HOUR: '10000',
    // Trials create many teams as one owner: above the per-person limits meant for people.
    TEAMS_PER_HOUR: '10000',
    INVITATIONS_PER_INVITER_PER_HOUR: '10000',
    LOG_LEVEL: 'warn',
  });
});
afterAll(async () => {
  await t.stop();
  await smtp.stop();
});

const DEMOTE = `mutation($id: ID!) { changeMemberRole(membershipId: $id, role: ADMIN) { role } }`;
type Members = { team: { members: Array<{ id: string; role: string; user: { id: string } }> } };

it('two owners demoting each other at the same moment never leave a team without an owner (100 trials)', async () => {
  const alice = await signUp(t, { name: 'Alice' });
  const bob = await signUp(t, { name: 'Bob' });
  const outcomes: Record<string, number> = {};
  const TRIALS = 100;
  for (let trial = 0; trial < TRIALS; trial++) {
    const teamId = await createTeam(t, alice, `Race ${trial}`);
    const bobMembership = await join(t, smtp, alice, teamId, bob, 'OWNER');
    const before = await t.gql<Members>(TEAM, { id: teamId }, alice.token);
    const aliceMembership = before.data!.team.members.find((m) => m.user.id === alice.id)!.id;

    const [a, b] = await Promise.all([
      t.gql(DEMOTE, { id: bobMembership }, alice.token),
      t.gql(DEMOTE, { id: aliceMembership }, bob.token),
    ]);
    const key = [a, b].map((r) => r.errors?.[0]?.extensions.code ?? 'ok').join(' / ');
    outcomes[key] = (outcomes[key] ?? 0) + 1;

    const rows: Array<{ n: number | string }> = await t.portal.dataSource.query(
      "SELECT COUNT(*) AS n FROM memberships WHERE teamId = ? AND role = 'OWNER'",
      [teamId],
    );
    expect(Number(rows[0]!.n)).toBe(1);
  }
  // Exactly one demotion wins each race; the other is refused (FORBIDDEN: its actor is no longer an owner, or CONFLICT).
  expect(
    Object.keys(outcomes).every((k) => k.split(' / ').filter((o) => o === 'ok').length === 1),
  ).toBe(true);
  console.log(
    `concurrent demotions, ${TRIALS} trials on ${t.portal.config.database.type}:`,
    outcomes,
  );
}, 120_000);

it('20 concurrent accepts of one invitation make exactly one membership', async () => {
  const owner = await signUp(t);
  const teamId = await createTeam(t, owner);
  const invitee = await signUp(t);
  await t.gql(INVITE, { input: { teamId, email: invitee.email } }, owner.token);
  const token = await invitationToken(smtp, invitee.email);

  const results = await Promise.all(
    Array.from({ length: 20 }, () => t.gql(ACCEPT, { token }, invitee.token)),
  );
  const codes = results.map((r) => r.errors?.[0]?.extensions.code ?? 'ok');
  expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
  expect(codes.filter((c) => c !== 'ok').every((c) => c === 'CONFLICT')).toBe(true);

  const rows: Array<{ n: number | string }> = await t.portal.dataSource.query(
    'SELECT COUNT(*) AS n FROM memberships WHERE teamId = ? AND userId = ?',
    [teamId, invitee.id],
  );
  expect(Number(rows[0]!.n)).toBe(1);
  const joined: Array<{ n: number | string }> = await t.portal.dataSource.query(
    "SELECT COUNT(*) AS n FROM audit_events WHERE teamId = ? AND action = 'member.joined'",
    [teamId],
  );
  expect(Number(joined[0]!.n)).toBe(1);
});
