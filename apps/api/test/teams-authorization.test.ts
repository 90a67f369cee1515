import { startPortal, uniqueEmail, type TestPortal } from './harness';
import { TestSmtpServer } from './smtp';
import { INVITE, makeWorld, type Person } from './teams-world';

/**
 * Every team operation × every kind of caller, with the expected outcome. Destructive
 * operations get a fresh team (same people, same roles) per case.
 */
type Who = 'anonymous' | 'member' | 'admin' | 'owner' | 'outsider';
type Outcome = 'ok' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT';
type World = Awaited<ReturnType<typeof makeWorld>>;
type Team = Awaited<ReturnType<World['makeTeam']>>;

interface Case {
  operation: string;
  /** Builds the request for a fresh or the shared team. */
  request: (
    team: Team,
    w: World,
  ) =>
    | Promise<{ query: string; variables: Record<string, unknown> }>
    | { query: string; variables: Record<string, unknown> };
  fresh?: boolean;
  expect: Record<Who, Outcome>;
}

const READ = {
  anonymous: 'UNAUTHENTICATED',
  member: 'ok',
  admin: 'ok',
  owner: 'ok',
  outsider: 'NOT_FOUND',
} as const;
const ADMIN_WRITE = {
  anonymous: 'UNAUTHENTICATED',
  member: 'FORBIDDEN',
  admin: 'ok',
  owner: 'ok',
  outsider: 'NOT_FOUND',
} as const;
const OWNER_WRITE = {
  anonymous: 'UNAUTHENTICATED',
  member: 'FORBIDDEN',
  admin: 'FORBIDDEN',
  owner: 'ok',
  outsider: 'NOT_FOUND',
} as const;

let t: TestPortal;
let smtp: TestSmtpServer;
let world: World;
let shared: Team;

const inviteOf = async (team: Team, w: World) => {
  const res = await t.gql<{ inviteMember: { id: string } }>(
    INVITE,
    { input: { teamId: team.teamId, email: uniqueEmail('guest') } },
    w.owner.token,
  );
  return res.data!.inviteMember.id;
};

const CASES: Case[] = [
  {
    operation: 'team',
    request: (s) => ({
      query: 'query($id: ID!) { team(id: $id) { id name viewerRole } }',
      variables: { id: s.teamId },
    }),
    expect: READ,
  },
  {
    operation: 'Team.members',
    request: (s) => ({
      query: 'query($id: ID!) { team(id: $id) { members { id role user { email } } } }',
      variables: { id: s.teamId },
    }),
    expect: READ,
  },
  {
    operation: 'Team.invitations',
    request: (s) => ({
      query: 'query($id: ID!) { team(id: $id) { invitations { id email status } } }',
      variables: { id: s.teamId },
    }),
    expect: READ,
  },
  {
    operation: 'Team.auditLog',
    request: (s) => ({
      query:
        'query($id: ID!) { team(id: $id) { auditLog(first: 5) { edges { node { action } } } } }',
      variables: { id: s.teamId },
    }),
    expect: READ,
  },
  {
    operation: 'updateTeam',
    request: (s) => ({
      query: 'mutation($id: ID!) { updateTeam(id: $id, input: { description: "changed" }) { id } }',
      variables: { id: s.teamId },
    }),
    expect: OWNER_WRITE,
  },
  {
    operation: 'deleteTeam',
    fresh: true,
    request: (s) => ({
      query: 'mutation($id: ID!) { deleteTeam(id: $id) }',
      variables: { id: s.teamId },
    }),
    expect: OWNER_WRITE,
  },
  {
    operation: 'inviteMember as MEMBER',
    request: (s) => ({
      query: INVITE,
      variables: { input: { teamId: s.teamId, email: uniqueEmail('invitee'), role: 'MEMBER' } },
    }),
    expect: ADMIN_WRITE,
  },
  {
    operation: 'inviteMember as ADMIN',
    request: (s) => ({
      query: INVITE,
      variables: { input: { teamId: s.teamId, email: uniqueEmail('invitee'), role: 'ADMIN' } },
    }),
    expect: ADMIN_WRITE,
  },
  {
    operation: 'inviteMember as OWNER',
    request: (s) => ({
      query: INVITE,
      variables: { input: { teamId: s.teamId, email: uniqueEmail('invitee'), role: 'OWNER' } },
    }),
    expect: OWNER_WRITE,
  },
  {
    operation: 'resendInvitation',
    request: async (s, w) => ({
      query: 'mutation($id: ID!) { resendInvitation(id: $id) { id } }',
      variables: { id: await inviteOf(s, w) },
    }),
    expect: ADMIN_WRITE,
  },
  {
    operation: 'revokeInvitation',
    request: async (s, w) => ({
      query: 'mutation($id: ID!) { revokeInvitation(id: $id) { id status } }',
      variables: { id: await inviteOf(s, w) },
    }),
    expect: ADMIN_WRITE,
  },
  {
    operation: 'changeMemberRole MEMBER→ADMIN',
    fresh: true,
    request: (s) => ({
      query: 'mutation($id: ID!) { changeMemberRole(membershipId: $id, role: ADMIN) { role } }',
      variables: { id: s.memberMembership },
    }),
    expect: ADMIN_WRITE,
  },
  {
    operation: 'changeMemberRole ADMIN→MEMBER',
    fresh: true,
    request: (s) => ({
      query: 'mutation($id: ID!) { changeMemberRole(membershipId: $id, role: MEMBER) { role } }',
      variables: { id: s.adminMembership },
    }),
    expect: ADMIN_WRITE,
  },
  {
    operation: 'changeMemberRole ADMIN→OWNER',
    fresh: true,
    request: (s) => ({
      query: 'mutation($id: ID!) { changeMemberRole(membershipId: $id, role: OWNER) { role } }',
      variables: { id: s.adminMembership },
    }),
    expect: OWNER_WRITE,
  },
  {
    operation: 'changeMemberRole of the last OWNER',
    fresh: true,
    request: (s) => ({
      query: 'mutation($id: ID!) { changeMemberRole(membershipId: $id, role: ADMIN) { role } }',
      variables: { id: s.ownerMembership },
    }),
    expect: {
      anonymous: 'UNAUTHENTICATED',
      member: 'FORBIDDEN',
      admin: 'FORBIDDEN',
      owner: 'CONFLICT',
      outsider: 'NOT_FOUND',
    },
  },
  {
    operation: 'removeMember MEMBER',
    fresh: true,
    request: (s) => ({
      query: 'mutation($id: ID!) { removeMember(membershipId: $id) }',
      variables: { id: s.memberMembership },
    }),
    expect: {
      anonymous: 'UNAUTHENTICATED',
      member: 'ok',
      admin: 'ok',
      owner: 'ok',
      outsider: 'NOT_FOUND',
    },
  },
  {
    operation: 'removeMember ADMIN',
    fresh: true,
    request: (s) => ({
      query: 'mutation($id: ID!) { removeMember(membershipId: $id) }',
      variables: { id: s.adminMembership },
    }),
    expect: {
      anonymous: 'UNAUTHENTICATED',
      member: 'FORBIDDEN',
      admin: 'ok',
      owner: 'ok',
      outsider: 'NOT_FOUND',
    },
  },
  {
    operation: 'removeMember of the last OWNER',
    fresh: true,
    request: (s) => ({
      query: 'mutation($id: ID!) { removeMember(membershipId: $id) }',
      variables: { id: s.ownerMembership },
    }),
    expect: {
      anonymous: 'UNAUTHENTICATED',
      member: 'FORBIDDEN',
      admin: 'FORBIDDEN',
      owner: 'CONFLICT',
      outsider: 'NOT_FOUND',
    },
  },
  {
    operation: 'leaveTeam',
    fresh: true,
    request: (s) => ({
      query: 'mutation($id: ID!) { leaveTeam(teamId: $id) }',
      variables: { id: s.teamId },
    }),
    expect: {
      anonymous: 'UNAUTHENTICATED',
      member: 'ok',
      admin: 'ok',
      owner: 'CONFLICT',
      outsider: 'NOT_FOUND',
    },
  },
];

beforeAll(async () => {
  smtp = new TestSmtpServer();
  t = await startPortal({
    SMTP_URL: await smtp.start(),
    INVITATIONS_PER_HOUR: '1000',
    // 100 teams by one owner in one run: above the per-person limits meant for people.
    TEAMS_PER_HOUR: '1000',
    INVITATIONS_PER_INVITER_PER_HOUR: '1000',
  });
  world = await makeWorld(t, smtp);
  shared = await world.makeTeam();
}, 60_000);
afterAll(async () => {
  await t.stop();
  await smtp.stop();
});

const WHO: Who[] = ['anonymous', 'member', 'admin', 'owner', 'outsider'];
const rows = CASES.flatMap((c) => WHO.map((who) => [c.operation, who, c.expect[who], c] as const));

it.each(rows)('%s by %s → %s', async (_operation, who, expected, c) => {
  const team = c.fresh ? await world.makeTeam() : shared;
  const { query, variables } = await c.request(team, world);
  const caller: Person | undefined = who === 'anonymous' ? undefined : world[who];
  // "removeMember MEMBER" by the member is leaving: allowed, it is their own membership.
  const res = await t.gql(query, variables, caller?.token);
  const outcome = res.errors?.length ? res.errors[0]!.extensions.code : 'ok';
  expect({ outcome, message: res.errors?.[0]?.message }).toMatchObject({ outcome: expected });
  if (expected === 'ok') expect(JSON.stringify(res.data)).not.toContain('null');
});
