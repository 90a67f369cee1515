import { LOG_IN, signUp, startPortal, uniqueEmail, type TestPortal } from './harness';
import { TestSmtpServer } from './smtp';
import {
  ACCEPT,
  CREATE_TEAM,
  INVITE,
  PREVIEW,
  TEAM,
  createTeam,
  invitationToken,
  join,
  makeWorld,
} from './teams-world';

let t: TestPortal;
let smtp: TestSmtpServer;

beforeAll(async () => {
  smtp = new TestSmtpServer();
  t = await startPortal({ SMTP_URL: await smtp.start() });
});
afterAll(async () => {
  await t.stop();
  await smtp.stop();
});

const MEMBERSHIPS = `{ viewer { memberships { role team { id name } } } }`;
const AUDIT = `query($id: ID!, $first: Int, $after: String, $actorId: ID) { team(id: $id) {
  auditLog(first: $first, after: $after, actorId: $actorId) { edges { cursor node { action actor { email } targetType targetId details } } pageInfo { hasNextPage endCursor } } } }`;

describe('teams', () => {
  it('lets anyone signed in create a team and become its owner; a person can be in several', async () => {
    const person = await signUp(t);
    const a = await t.gql<{
      createTeam: { id: string; name: string; description: string | null; viewerRole: string };
    }>(
      CREATE_TEAM,
      { input: { name: '  Acme  ', description: ' Our integration team ' } },
      person.token,
    );
    expect(a.data?.createTeam).toMatchObject({
      name: 'Acme',
      description: 'Our integration team',
      viewerRole: 'OWNER',
    });
    await createTeam(t, person, 'Beta');
    const mine = await t.gql<{
      viewer: { memberships: Array<{ role: string; team: { name: string } }> };
    }>(MEMBERSHIPS, {}, person.token);
    expect(mine.data?.viewer.memberships.map((m) => [m.team.name, m.role])).toEqual([
      ['Acme', 'OWNER'],
      ['Beta', 'OWNER'],
    ]);
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ name: '   ' }, 'name'],
    [{ name: 'x'.repeat(81) }, 'name'],
    [{ name: 'ok', description: 'x'.repeat(501) }, 'description'],
  ])('refuses %j, naming the field', async (input, field) => {
    const person = await signUp(t);
    const res = await t.gql(CREATE_TEAM, { input }, person.token);
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { [field]: expect.any(String) },
    });
  });

  it('renames and describes (owner), clearing a description with an empty string, and audits the change', async () => {
    const owner = await signUp(t);
    const id = await createTeam(t, owner, 'Old name');
    const res = await t.gql<{ updateTeam: { name: string; description: string | null } }>(
      `mutation($id: ID!, $input: UpdateTeamInput!) { updateTeam(id: $id, input: $input) { name description } }`,
      { id, input: { name: 'New name', description: '' } },
      owner.token,
    );
    expect(res.data?.updateTeam).toEqual({ name: 'New name', description: null });
    const log = await t.gql<{
      team: { auditLog: { edges: Array<{ node: { action: string; details: string } }> } };
    }>(AUDIT, { id, first: 1 }, owner.token);
    expect(log.data?.team.auditLog.edges[0]?.node.action).toBe('team.updated');
    expect(JSON.parse(log.data!.team.auditLog.edges[0]!.node.details)).toEqual({
      changes: { name: { from: 'Old name', to: 'New name' } },
    });
  });

  it('deletes a team: members lose it, pending invitations die, the id is NOT_FOUND', async () => {
    const w = await makeWorld(t, smtp);
    const { teamId } = await w.makeTeam('Doomed');
    const guest = uniqueEmail('guest');
    await t.gql(INVITE, { input: { teamId, email: guest } }, w.owner.token);
    const token = await invitationToken(smtp, guest);

    expect(
      (await t.gql(`mutation($id: ID!) { deleteTeam(id: $id) }`, { id: teamId }, w.owner.token))
        .data,
    ).toEqual({ deleteTeam: true });
    for (const person of [w.owner, w.admin, w.member]) {
      const mine = await t.gql<{ viewer: { memberships: Array<{ team: { id: string } }> } }>(
        MEMBERSHIPS,
        {},
        person.token,
      );
      expect(mine.data?.viewer.memberships.map((m) => m.team.id)).not.toContain(teamId);
      expect((await t.gql(TEAM, { id: teamId }, person.token)).errors?.[0]?.extensions.code).toBe(
        'NOT_FOUND',
      );
    }
    expect(
      (await t.gql<{ invitationPreview: { status: string } }>(PREVIEW, { token })).data
        ?.invitationPreview.status,
    ).toBe('REVOKED');
    const rows: Array<{ n: number | string }> = await t.portal.dataSource.query(
      'SELECT COUNT(*) AS n FROM memberships WHERE teamId = ?',
      [teamId],
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });
});

describe('members and roles', () => {
  it('changes roles with old and new role in the audit log, and lets members leave', async () => {
    const w = await makeWorld(t, smtp);
    const team = await w.makeTeam();
    const changed = await t.gql<{ changeMemberRole: { role: string } }>(
      `mutation($id: ID!) { changeMemberRole(membershipId: $id, role: ADMIN) { role } }`,
      { id: team.memberMembership },
      w.admin.token,
    );
    expect(changed.data?.changeMemberRole.role).toBe('ADMIN');
    const log = await t.gql<{
      team: {
        auditLog: {
          edges: Array<{ node: { action: string; actor: { email: string }; details: string } }>;
        };
      };
    }>(AUDIT, { id: team.teamId, first: 1 }, w.owner.token);
    const event = log.data!.team.auditLog.edges[0]!.node;
    expect(event).toMatchObject({ action: 'member.role_changed', actor: { email: w.admin.email } });
    expect(JSON.parse(event.details)).toMatchObject({
      email: w.member.email,
      from: 'MEMBER',
      to: 'ADMIN',
    });

    expect(
      (
        await t.gql(
          `mutation($id: ID!) { leaveTeam(teamId: $id) }`,
          { id: team.teamId },
          w.member.token,
        )
      ).data,
    ).toEqual({ leaveTeam: true });
    expect(
      (await t.gql(TEAM, { id: team.teamId }, w.member.token)).errors?.[0]?.extensions.code,
    ).toBe('NOT_FOUND');
  });

  it('lets an owner hand over: promote another owner, then leave', async () => {
    const w = await makeWorld(t, smtp);
    const team = await w.makeTeam();
    await t.gql(
      `mutation($id: ID!) { changeMemberRole(membershipId: $id, role: OWNER) { role } }`,
      { id: team.adminMembership },
      w.owner.token,
    );
    expect(
      (
        await t.gql(
          `mutation($id: ID!) { leaveTeam(teamId: $id) }`,
          { id: team.teamId },
          w.owner.token,
        )
      ).data,
    ).toEqual({ leaveTeam: true });
    const left = await t.gql<{
      team: { members: Array<{ role: string; user: { email: string } }> };
    }>(TEAM, { id: team.teamId }, w.admin.token);
    expect(
      left.data?.team.members.filter((m) => m.role === 'OWNER').map((m) => m.user.email),
    ).toEqual([w.admin.email]);
  });

  it('records activity at most about once a minute per member', async () => {
    const w = await makeWorld(t, smtp);
    const team = await w.makeTeam();
    const lastActive = async () => {
      const rows: Array<{ lastActiveAt: Date | string }> = await t.portal.dataSource.query(
        'SELECT lastActiveAt FROM memberships WHERE id = ?',
        [team.memberMembership],
      );
      return new Date(rows[0]!.lastActiveAt).getTime();
    };
    await t.gql(TEAM, { id: team.teamId }, w.member.token);
    const first = await lastActive();
    await t.gql(TEAM, { id: team.teamId }, w.member.token);
    await t.gql(TEAM, { id: team.teamId }, w.member.token);
    expect(await lastActive()).toBe(first);
    t.clock.advanceMinutes(2);
    await t.gql(TEAM, { id: team.teamId }, w.member.token);
    await new Promise((r) => setTimeout(r, 100));
    expect(await lastActive()).toBeGreaterThan(first);
  });
});

describe('invitations', () => {
  it('mails the team, the inviter, the escaped message and a link; the preview shows them to anyone with it', async () => {
    const owner = await signUp(t, { name: 'Olivia Owner' });
    const teamId = await createTeam(t, owner, 'Rocket <Labs>');
    const email = uniqueEmail('Invitee');
    const message = 'Welcome aboard!\n<script>alert(1)</script> & see you';
    const invited = await t.gql<{ inviteMember: { email: string; role: string; status: string } }>(
      INVITE,
      { input: { teamId, email: `  ${email.toUpperCase()} `, role: 'ADMIN', message } },
      owner.token,
    );
    expect(invited.data?.inviteMember).toMatchObject({
      email: email.toLowerCase(),
      role: 'ADMIN',
      status: 'PENDING',
    });

    const mail = await smtp.waitFor(email.toLowerCase());
    expect(mail.subject).toBe('Olivia Owner invited you to join Rocket <Labs> on Partner Portal');
    expect(mail.text).toContain('<script>alert(1)</script> & see you');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; see you');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('Rocket &lt;Labs&gt;');
    const token = await invitationToken(smtp, email.toLowerCase());
    expect(Buffer.from(token, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    const stored: Array<{ tokenHash: string }> = await t.portal.dataSource.query(
      'SELECT tokenHash FROM invitations',
    );
    expect(stored.map((r) => r.tokenHash)).not.toContain(token);

    const preview = await t.gql<{ invitationPreview: Record<string, unknown> }>(PREVIEW, { token });
    expect(preview.data?.invitationPreview).toMatchObject({
      teamName: 'Rocket <Labs>',
      email: email.toLowerCase(),
      role: 'ADMIN',
      message,
      invitedByName: 'Olivia Owner',
      status: 'PENDING',
    });
    expect((await t.gql(PREVIEW, { token: 'x'.repeat(43) })).data).toEqual({
      invitationPreview: null,
    });
  });

  it('refuses inviting a member or someone with a pending invitation (CONFLICT), and bad input', async () => {
    const w = await makeWorld(t, smtp);
    const { teamId } = await w.makeTeam();
    expect(
      (
        await t.gql(
          INVITE,
          { input: { teamId, email: w.member.email.toUpperCase() } },
          w.owner.token,
        )
      ).errors?.[0]?.extensions,
    ).toMatchObject({ code: 'CONFLICT', fields: { email: expect.any(String) } });
    const guest = uniqueEmail('pending');
    await t.gql(INVITE, { input: { teamId, email: guest } }, w.owner.token);
    expect(
      (await t.gql(INVITE, { input: { teamId, email: guest } }, w.admin.token)).errors?.[0]
        ?.extensions.code,
    ).toBe('CONFLICT');
    const bad = await t.gql(
      INVITE,
      { input: { teamId, email: 'nope', message: 'x'.repeat(1001) } },
      w.owner.token,
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { email: expect.any(String), message: expect.any(String) },
    });
  });

  it('accepts once; resent, revoked, expired, used and wrong-account links each say so', async () => {
    const owner = await signUp(t);
    const teamId = await createTeam(t, owner);
    const invitee = await signUp(t);
    const stranger = await signUp(t);

    await t.gql<{ inviteMember: { id: string } }>(
      INVITE,
      { input: { teamId, email: invitee.email } },
      owner.token,
    );
    const first = await invitationToken(smtp, invitee.email);
    const list = await t.gql<{ team: { invitations: Array<{ id: string }> } }>(
      `query($id: ID!) { team(id: $id) { invitations(status: PENDING) { id } } }`,
      { id: teamId },
      owner.token,
    );
    const id = list.data!.team.invitations[0]!.id;

    // Resent: the old link is dead, the new one works.
    await t.gql(`mutation($id: ID!) { resendInvitation(id: $id) { id } }`, { id }, owner.token);
    const second = await invitationToken(smtp, invitee.email);
    expect(second).not.toBe(first);
    expect(
      (await t.gql(ACCEPT, { token: first }, invitee.token)).errors?.[0]?.extensions.code,
    ).toBe('NOT_FOUND');

    // Wrong account.
    const wrong = await t.gql(ACCEPT, { token: second }, stranger.token);
    expect(wrong.errors?.[0]).toMatchObject({
      extensions: { code: 'FORBIDDEN' },
      message: expect.stringContaining(invitee.email),
    });

    // Signed out.
    expect((await t.gql(ACCEPT, { token: second })).errors?.[0]?.extensions.code).toBe(
      'UNAUTHENTICATED',
    );

    // The right account, once.
    const ok = await t.gql<{ acceptInvitation: { role: string; team: { id: string } } }>(
      ACCEPT,
      { token: second },
      invitee.token,
    );
    expect(ok.data?.acceptInvitation).toMatchObject({ role: 'MEMBER', team: { id: teamId } });
    const used = await t.gql(ACCEPT, { token: second }, invitee.token);
    expect(used.errors?.[0]).toMatchObject({
      extensions: { code: 'CONFLICT', reason: 'ACCEPTED' },
    });

    // Revoked.
    const other = await signUp(t);
    const inv = await t.gql<{ inviteMember: { id: string } }>(
      INVITE,
      { input: { teamId, email: other.email } },
      owner.token,
    );
    const revokedToken = await invitationToken(smtp, other.email);
    const revoked = await t.gql<{ revokeInvitation: { status: string } }>(
      `mutation($id: ID!) { revokeInvitation(id: $id) { status } }`,
      { id: inv.data!.inviteMember.id },
      owner.token,
    );
    expect(revoked.data?.revokeInvitation.status).toBe('REVOKED');
    expect((await t.gql(ACCEPT, { token: revokedToken }, other.token)).errors?.[0]).toMatchObject({
      extensions: { code: 'CONFLICT', reason: 'REVOKED' },
    });

    // Expired, by a clock moved past 7 days.
    const late = await signUp(t);
    await t.gql(INVITE, { input: { teamId, email: late.email } }, owner.token);
    const lateToken = await invitationToken(smtp, late.email);
    t.clock.advanceMinutes(7 * 24 * 60 + 1);
    expect(
      (await t.gql<{ invitationPreview: { status: string } }>(PREVIEW, { token: lateToken })).data
        ?.invitationPreview.status,
    ).toBe('EXPIRED');
    // (Sessions last 7 days too: log in again.)
    const login = await t.gql<{ logIn: { token: string } }>(LOG_IN, {
      input: { email: late.email, password: late.password },
    });
    expect(
      (await t.gql(ACCEPT, { token: lateToken }, login.data!.logIn.token)).errors?.[0],
    ).toMatchObject({ extensions: { code: 'CONFLICT', reason: 'EXPIRED' } });
  });

  it('limits invitations per team per hour', async () => {
    const limited = await startPortal({
      SMTP_URL: t.portal.config.smtpUrl!,
      INVITATIONS_PER_HOUR: '2',
    });
    try {
      const owner = await signUp(limited);
      const teamId = await createTeam(limited, owner);
      const codes = [];
      for (let i = 0; i < 3; i++) {
        const res = await limited.gql(
          INVITE,
          { input: { teamId, email: uniqueEmail('many') } },
          owner.token,
        );
        codes.push(res.errors?.[0]?.extensions.code ?? 'ok');
      }
      expect(codes).toEqual(['ok', 'ok', 'RATE_LIMITED']);
    } finally {
      await limited.stop();
    }
  });
});

describe('audit log', () => {
  it('pages newest first with cursors and filters by actor', async () => {
    const w = await makeWorld(t, smtp);
    const team = await w.makeTeam();
    await t.gql(
      `mutation($id: ID!) { changeMemberRole(membershipId: $id, role: ADMIN) { role } }`,
      { id: team.memberMembership },
      w.admin.token,
    );
    type Page = {
      team: {
        auditLog: {
          edges: Array<{ node: { action: string; actor: { email: string } } }>;
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      };
    };
    const actions: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await t.gql<Page>(AUDIT, { id: team.teamId, first: 2, after }, w.member.token);
      actions.push(...page.data!.team.auditLog.edges.map((e) => e.node.action));
      if (!page.data!.team.auditLog.pageInfo.hasNextPage) break;
      after = page.data!.team.auditLog.pageInfo.endCursor;
    }
    expect(actions).toEqual([
      'member.role_changed',
      'member.joined',
      'member.invited',
      'member.joined',
      'member.invited',
      'team.created',
    ]);

    const byAdmin = await t.gql<Page>(
      AUDIT,
      { id: team.teamId, first: 50, actorId: w.admin.id },
      w.owner.token,
    );
    expect(byAdmin.data!.team.auditLog.edges.map((e) => e.node.action)).toEqual([
      'member.role_changed',
      'member.joined',
    ]);

    expect(
      (await t.gql(AUDIT, { id: team.teamId, first: 101 }, w.owner.token)).errors?.[0]?.extensions
        .code,
    ).toBe('BAD_USER_INPUT');
    expect(
      (await t.gql(AUDIT, { id: team.teamId, first: 5, after: 'garbage' }, w.owner.token))
        .errors?.[0]?.extensions.code,
    ).toBe('BAD_USER_INPUT');
  });

  it('joins a member through the helpers as expected', async () => {
    const owner = await signUp(t);
    const teamId = await createTeam(t, owner);
    const someone = await signUp(t);
    const membershipId = await join(t, smtp, owner, teamId, someone, 'MEMBER');
    expect(membershipId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
