import type { Revocation } from '../src/core/revocations';
import type { TestPortal } from './harness';
import type { TestSmtpServer } from './smtp';
import { makeWorld } from './teams-world';
import { auditEvents, createKey, withKey, useTeamSafetyPortal } from './team-safety-world';

/** offboardMember and Membership.createdApiKeys (issue 10): both choices, the rules, one transaction. */

let t: TestPortal;
let smtp: TestSmtpServer;
let heard: Revocation[] = [];
let stopListening: () => void;

useTeamSafetyPortal((started) => ({ t, smtp } = started));
beforeAll(() => {
  stopListening = t.portal.services.revocations.on((r) => void heard.push(r));
}, 60_000);
beforeEach(() => {
  heard = [];
});
afterAll(() => stopListening());

const OFFBOARD = `mutation($id: ID!, $keys: DepartingMemberKeys!) { offboardMember(membershipId: $id, keys: $keys) }`;
const CREATED = `query($id: ID!) { team(id: $id) { members { id createdApiKeys { id name status } } } }`;
const KEYS = `query($id: ID!) { team(id: $id) { apiKeys { id status revokedBy { email } } } }`;

async function createdBy(token: string, teamId: string, membershipId: string) {
  const res = await t.gql<{
    team: { members: Array<{ id: string; createdApiKeys: Array<{ id: string; status: string }> }> };
  }>(CREATED, { id: teamId }, token);
  return { res, keys: res.data?.team?.members.find((m) => m.id === membershipId)?.createdApiKeys };
}

/** A team where the admin created two active keys, one revoked and one that expired, and the owner one. */
async function teamWithKeys() {
  const w = await makeWorld(t, smtp);
  const team = await w.makeTeam();
  const a = await createKey(t, w.admin, team.teamId, { name: 'admin one' });
  const b = await createKey(t, w.admin, team.teamId, {
    name: 'admin two',
    environment: 'PRODUCTION',
  });
  const gone = await createKey(t, w.admin, team.teamId, { name: 'admin gone' });
  await t.gql(
    `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`,
    { id: gone.id },
    w.owner.token,
  );
  const owners = await createKey(t, w.owner, team.teamId, { name: 'owner key' });
  // Both of the admin's keys are in use (cached by the verifier) before the admin leaves.
  for (const key of [a, b])
    expect((await withKey(t, key.secret, `{ __typename }`)).status).toBe(200);
  // What the test does is heard from here on.
  heard = [];
  return { w, team, a, b, gone, owners };
}

describe('createdApiKeys', () => {
  it("lists a member's active keys to OWNERs and ADMINs only", async () => {
    const { w, team, a, b } = await teamWithKeys();
    for (const person of [w.owner, w.admin]) {
      const { keys } = await createdBy(person.token, team.teamId, team.adminMembership);
      expect(keys?.map((k) => k.id).sort()).toEqual([a.id, b.id].sort());
    }
    const { keys: ownKeys } = await createdBy(w.owner.token, team.teamId, team.memberMembership);
    expect(ownKeys).toEqual([]);
    const byMember = await createdBy(w.member.token, team.teamId, team.adminMembership);
    expect(byMember.res.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const key = await createKey(t, w.owner, team.teamId);
    const byKey = await withKey(t, key.secret, CREATED, { id: team.teamId });
    expect(byKey.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });
});

describe('offboardMember', () => {
  it('REVOKE: removes the member and revokes each key they created (audited with the reason, published after commit)', async () => {
    const { w, team, a, b, gone, owners } = await teamWithKeys();
    const res = await t.gql(OFFBOARD, { id: team.adminMembership, keys: 'REVOKE' }, w.owner.token);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ offboardMember: true });

    // The keys stop working at once (the verifier had them cached), the owner's does not.
    for (const key of [a, b])
      expect((await withKey(t, key.secret, `{ __typename }`)).status).toBe(401);
    expect((await withKey(t, owners.secret, `{ __typename }`)).status).toBe(200);
    const keys = (
      await t.gql<{
        team: {
          apiKeys: Array<{ id: string; status: string; revokedBy: { email: string } | null }>;
        };
      }>(KEYS, { id: team.teamId }, w.owner.token)
    ).data!.team.apiKeys;
    const status = new Map(keys.map((k) => [k.id, k]));
    expect(status.get(a.id)).toMatchObject({
      status: 'REVOKED',
      revokedBy: { email: w.owner.email },
    });
    expect(status.get(b.id)).toMatchObject({
      status: 'REVOKED',
      revokedBy: { email: w.owner.email },
    });
    expect(status.get(owners.id)?.status).toBe('ACTIVE');

    // The admin is gone from the team.
    const asAdmin = await t.gql(
      `query($id: ID!) { team(id: $id) { id } }`,
      { id: team.teamId },
      w.admin.token,
    );
    expect(asAdmin.errors?.[0]?.extensions.code).toBe('NOT_FOUND');

    // Published: the membership and each revoked key (not the one revoked before).
    expect(heard).toEqual(
      expect.arrayContaining([
        { kind: 'membership', userId: w.admin.id, teamId: team.teamId },
        { kind: 'apiKey', keyId: a.id },
        { kind: 'apiKey', keyId: b.id },
      ]),
    );
    expect(heard).not.toContainEqual({ kind: 'apiKey', keyId: gone.id });

    const events = await auditEvents(t, w.owner.token, team.teamId);
    const revoked = events.filter((e) => e.action === 'api_key.revoked' && e.targetId !== gone.id);
    expect(revoked.map((e) => e.targetId).sort()).toEqual([a.id, b.id].sort());
    for (const e of revoked) {
      expect(e.actor?.email).toBe(w.owner.email);
      expect(JSON.parse(e.details!)).toMatchObject({ reason: 'offboarding' });
    }
    const removal = events.find((e) => e.action === 'member.removed')!;
    expect(removal.targetId).toBe(team.adminMembership);
    expect(JSON.parse(removal.details!)).toMatchObject({
      userId: w.admin.id,
      role: 'ADMIN',
      offboarding: { keys: 'REVOKE' },
    });
    expect(
      (
        JSON.parse(removal.details!) as { offboarding: { apiKeyIds: string[] } }
      ).offboarding.apiKeyIds.sort(),
    ).toEqual([a.id, b.id].sort());
  });

  it('KEEP: removes the member, the keys keep working, each kept key is audited', async () => {
    const { w, team, a, b } = await teamWithKeys();
    const res = await t.gql(OFFBOARD, { id: team.adminMembership, keys: 'KEEP' }, w.owner.token);
    expect(res.data).toEqual({ offboardMember: true });
    for (const key of [a, b])
      expect((await withKey(t, key.secret, `{ __typename }`)).status).toBe(200);
    expect(heard).toEqual([{ kind: 'membership', userId: w.admin.id, teamId: team.teamId }]);
    const events = await auditEvents(t, w.owner.token, team.teamId);
    const kept = events.filter((e) => e.action === 'api_key.kept_on_offboarding');
    expect(kept.map((e) => e.targetId).sort()).toEqual([a.id, b.id].sort());
    expect(JSON.parse(kept[0]!.details!)).toMatchObject({
      createdBy: { userId: w.admin.id, email: w.admin.email },
    });
    expect(events.filter((e) => e.action === 'api_key.revoked')).toHaveLength(1); // the one revoked before
  });

  it('keeps the rules of removeMember: the last owner stays (nothing changes), ADMINs never touch OWNERs, MEMBERs offboard nobody', async () => {
    const { w, team, a } = await teamWithKeys();
    const owners = await createdBy(w.owner.token, team.teamId, team.ownerMembership);
    expect(owners.keys).toHaveLength(1);

    const lastOwner = await t.gql(
      OFFBOARD,
      { id: team.ownerMembership, keys: 'REVOKE' },
      w.owner.token,
    );
    expect(lastOwner.errors?.[0]?.extensions.code).toBe('CONFLICT');
    // Rolled back whole: the owner's key still works, nothing was audited.
    expect((await createdBy(w.owner.token, team.teamId, team.ownerMembership)).keys).toHaveLength(
      1,
    );
    const byAdmin = await t.gql(
      OFFBOARD,
      { id: team.ownerMembership, keys: 'REVOKE' },
      w.admin.token,
    );
    expect(byAdmin.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const byMember = await t.gql(
      OFFBOARD,
      { id: team.adminMembership, keys: 'REVOKE' },
      w.member.token,
    );
    expect(byMember.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const self = await t.gql(OFFBOARD, { id: team.memberMembership, keys: 'KEEP' }, w.member.token);
    expect(self.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const outsider = await t.gql(
      OFFBOARD,
      { id: team.adminMembership, keys: 'REVOKE' },
      w.outsider.token,
    );
    expect(outsider.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    const key = await createKey(t, w.owner, team.teamId);
    const byKey = await withKey(t, key.secret, OFFBOARD, {
      id: team.adminMembership,
      keys: 'REVOKE',
    });
    expect(byKey.errors?.[0]?.extensions.code).toBe('FORBIDDEN');

    expect((await withKey(t, a.secret, `{ __typename }`)).status).toBe(200);
    const events = await auditEvents(t, w.owner.token, team.teamId);
    expect(
      events.filter((e) => e.action === 'member.removed' || e.action === 'member.left'),
    ).toEqual([]);
    expect(heard.filter((r) => r.kind === 'apiKey' || r.kind === 'membership')).toEqual([]);

    // An ADMIN offboards the MEMBER (who created no keys).
    const ok = await t.gql(OFFBOARD, { id: team.memberMembership, keys: 'REVOKE' }, w.admin.token);
    expect(ok.data).toEqual({ offboardMember: true });
  });
});
