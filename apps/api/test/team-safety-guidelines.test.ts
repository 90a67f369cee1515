import type { TestPortal } from './harness';
import type { TestSmtpServer } from './smtp';
import { ACCEPT, INVITE, invitationToken, makeWorld } from './teams-world';
import { signUp } from './harness';
import { auditEvents, createKey, withKey, useTeamSafetyPortal } from './team-safety-world';

/** Team.guidelines, their preview for invitees, and each member's acknowledgement (issue 10). */

let t: TestPortal;
let smtp: TestSmtpServer;

useTeamSafetyPortal((started) => ({ t, smtp } = started));

const UPDATE = `mutation($id: ID!, $input: UpdateTeamInput!) { updateTeam(id: $id, input: $input) { id name guidelines guidelinesUpdatedAt } }`;
const GUIDELINES = `query($id: ID!) { team(id: $id) { name guidelines guidelinesUpdatedAt members { id guidelinesAcknowledgedAt } } }`;
const ACKNOWLEDGE = `mutation($id: ID!) { acknowledgeTeamGuidelines(teamId: $id) { id guidelinesAcknowledgedAt } }`;
const PREVIEW = `query($token: String!) { invitationPreview(token: $token) { status guidelines } }`;

const MARKDOWN = `# Our rules\n\n- Production keys live in the vault, never in code.\n- Rotate every 90 days.\n\n<script>alert("x")</script> [click](javascript:alert(1))\n`;

interface TeamView {
  name: string;
  guidelines: string | null;
  guidelinesUpdatedAt: string | null;
  members: Array<{ id: string; guidelinesAcknowledgedAt: string | null }>;
}

describe('guidelines', () => {
  it("are written by an ADMIN or OWNER (name stays the owner's), stored as written, validated and audited", async () => {
    const w = await makeWorld(t, smtp);
    const team = await w.makeTeam();

    const byAdmin = await t.gql<{
      updateTeam: { guidelines: string; guidelinesUpdatedAt: string };
    }>(UPDATE, { id: team.teamId, input: { guidelines: MARKDOWN } }, w.admin.token);
    expect(byAdmin.errors).toBeUndefined();
    // The raw Markdown is kept (the web app renders it without HTML); only trailing blanks go.
    expect(byAdmin.data!.updateTeam.guidelines).toBe(MARKDOWN.trimEnd());
    expect(byAdmin.data!.updateTeam.guidelinesUpdatedAt).toBeTruthy();

    // An ADMIN may not rename, alone or together with guidelines: nothing changes.
    for (const input of [{ name: 'Renamed' }, { name: 'Renamed', guidelines: 'other' }, {}]) {
      const res = await t.gql(UPDATE, { id: team.teamId, input }, w.admin.token);
      expect(res.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    }
    const byMember = await t.gql(
      UPDATE,
      { id: team.teamId, input: { guidelines: 'x' } },
      w.member.token,
    );
    expect(byMember.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const byOutsider = await t.gql(
      UPDATE,
      { id: team.teamId, input: { guidelines: 'x' } },
      w.outsider.token,
    );
    expect(byOutsider.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    const tooLong = await t.gql(
      UPDATE,
      { id: team.teamId, input: { guidelines: 'x'.repeat(10_001) } },
      w.owner.token,
    );
    expect(tooLong.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');

    const view = await t.gql<{ team: TeamView }>(GUIDELINES, { id: team.teamId }, w.member.token);
    expect(view.data!.team.name).toBe('Acme Partners');
    expect(view.data!.team.guidelines).toBe(MARKDOWN.trimEnd());

    // 10,000 characters are accepted, by the owner together with a new name.
    const longest = 'y'.repeat(10_000);
    const byOwner = await t.gql<{ updateTeam: { name: string; guidelines: string } }>(
      UPDATE,
      { id: team.teamId, input: { name: 'Acme Renamed', guidelines: longest } },
      w.owner.token,
    );
    expect(byOwner.data?.updateTeam).toMatchObject({ name: 'Acme Renamed', guidelines: longest });
    // Blank clears them.
    const cleared = await t.gql<{ updateTeam: { guidelines: string | null } }>(
      UPDATE,
      { id: team.teamId, input: { guidelines: '  \n ' } },
      w.admin.token,
    );
    expect(cleared.data?.updateTeam.guidelines).toBeNull();

    const events = (await auditEvents(t, w.owner.token, team.teamId)).filter(
      (e) => e.action === 'team.guidelines_updated',
    );
    expect(
      events.map((e) => [
        e.actor?.email,
        (JSON.parse(e.details!) as { characters: number }).characters,
      ]),
    ).toEqual([
      [w.admin.email, 0],
      [w.owner.email, 10_000],
      [w.admin.email, MARKDOWN.trimEnd().length],
    ]);
    // The rename is audited on its own, as before.
    expect(
      (await auditEvents(t, w.owner.token, team.teamId)).filter((e) => e.action === 'team.updated'),
    ).toHaveLength(1);
  });

  it('are shown to an invitee on the acceptance page while the invitation is pending, not after', async () => {
    const w = await makeWorld(t, smtp);
    const team = await w.makeTeam();
    await t.gql(UPDATE, { id: team.teamId, input: { guidelines: MARKDOWN } }, w.owner.token);
    const invitee = await signUp(t);
    await t.gql(INVITE, { input: { teamId: team.teamId, email: invitee.email } }, w.admin.token);
    const token = await invitationToken(smtp, invitee.email);
    const before = await t.gql<{ invitationPreview: { status: string; guidelines: string } }>(
      PREVIEW,
      { token },
    );
    expect(before.data?.invitationPreview).toEqual({
      status: 'PENDING',
      guidelines: MARKDOWN.trimEnd(),
    });
    expect((await t.gql(ACCEPT, { token }, invitee.token)).errors).toBeUndefined();
    const after = await t.gql<{ invitationPreview: { status: string; guidelines: string | null } }>(
      PREVIEW,
      { token },
    );
    expect(after.data?.invitationPreview).toEqual({ status: 'ACCEPTED', guidelines: null });
  });

  it('are acknowledged by each member for themselves (never by a key, never for another team), and a newer version is visible as such', async () => {
    const w = await makeWorld(t, smtp);
    const team = await w.makeTeam();
    const key = await createKey(t, w.owner, team.teamId);
    await t.gql(UPDATE, { id: team.teamId, input: { guidelines: 'Be kind.' } }, w.owner.token);

    const members = async () =>
      (await t.gql<{ team: TeamView }>(GUIDELINES, { id: team.teamId }, w.owner.token)).data!.team;
    expect((await members()).members.every((m) => m.guidelinesAcknowledgedAt === null)).toBe(true);

    t.clock.advanceMinutes(5);
    const acked = await t.gql<{
      acknowledgeTeamGuidelines: { id: string; guidelinesAcknowledgedAt: string };
    }>(ACKNOWLEDGE, { id: team.teamId }, w.member.token);
    expect(acked.data?.acknowledgeTeamGuidelines.id).toBe(team.memberMembership);
    const view = await members();
    const mine = view.members.find((m) => m.id === team.memberMembership)!;
    expect(mine.guidelinesAcknowledgedAt).toBe(
      acked.data!.acknowledgeTeamGuidelines.guidelinesAcknowledgedAt,
    );
    expect(new Date(mine.guidelinesAcknowledgedAt!) > new Date(view.guidelinesUpdatedAt!)).toBe(
      true,
    );
    // Nobody else's changed.
    expect(
      view.members
        .filter((m) => m.id !== team.memberMembership)
        .map((m) => m.guidelinesAcknowledgedAt),
    ).toEqual([null, null]);

    const byKey = await withKey(t, key.secret, ACKNOWLEDGE, { id: team.teamId });
    expect(byKey.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const byOutsider = await t.gql(ACKNOWLEDGE, { id: team.teamId }, w.outsider.token);
    expect(byOutsider.errors?.[0]?.extensions.code).toBe('NOT_FOUND');

    // New guidelines: the member's acknowledgement is now older than them.
    t.clock.advanceMinutes(5);
    await t.gql(UPDATE, { id: team.teamId, input: { guidelines: 'Be kinder.' } }, w.admin.token);
    const later = await members();
    expect(
      new Date(
        later.members.find((m) => m.id === team.memberMembership)!.guidelinesAcknowledgedAt!,
      ) < new Date(later.guidelinesUpdatedAt!),
    ).toBe(true);
  });
});
