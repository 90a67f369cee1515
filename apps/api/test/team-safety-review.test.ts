import type { TestPortal } from './harness';
import type { TestSmtpServer } from './smtp';
import { join, makeWorld, TEAM } from './teams-world';
import { signUp } from './harness';
import {
  auditEvents,
  createKey,
  DAY,
  settle,
  withKey,
  useTeamSafetyPortal,
} from './team-safety-world';

/**
 * Team.accessReview and completeAccessReview (issue 10), over real HTTP with the test clock: each
 * list's boundaries to the minute, who may read and who may complete a review.
 */

let t: TestPortal;
let smtp: TestSmtpServer;

// Sessions last 90 days: people act across the clock's jumps.
useTeamSafetyPortal((started) => ({ t, smtp } = started), { SESSION_TTL_HOURS: String(90 * 24) });

const REVIEW = `query($id: ID!, $days: Int) { team(id: $id) { accessReview(inactiveDays: $days) {
  inactiveMembers { id role user { email } }
  staleKeys { id } expiringKeys { id } neverExpiringProductionKeys { id }
  lastCompletedAt lastCompletedBy { email } } } }`;
const COMPLETE = `mutation($id: ID!, $note: String) { completeAccessReview(teamId: $id, note: $note) {
  lastCompletedAt lastCompletedBy { email } inactiveMembers { id } } }`;

interface Review {
  inactiveMembers: Array<{ id: string; role: string; user: { email: string } }>;
  staleKeys: Array<{ id: string }>;
  expiringKeys: Array<{ id: string }>;
  neverExpiringProductionKeys: Array<{ id: string }>;
  lastCompletedAt: string | null;
  lastCompletedBy: { email: string } | null;
}

/** The review as the team's own API key reads it (a key's reads leave no member's activity). */
async function reviewBy(secret: string, teamId: string, days?: number): Promise<Review> {
  const res = await withKey<{ team: { accessReview: Review } }>(t, secret, REVIEW, {
    id: teamId,
    ...(days === undefined ? {} : { days }),
  });
  if (!res.data?.team) throw new Error(`review failed: ${JSON.stringify(res.errors)}`);
  return res.data.team.accessReview;
}
const ids = (list: Array<{ id: string }>) => list.map((x) => x.id).sort();

/** Moves the test clock to `at` (plus `minutes`). */
function moveTo(at: string | Date, minutes = 0) {
  const target = new Date(at).getTime() + minutes * 60_000;
  t.clock.advanceMinutes((target - t.clock.now().getTime()) / 60_000);
}

async function lastActive(secret: string, teamId: string) {
  const res = await withKey<{
    team: { members: Array<{ id: string; lastActiveAt: string }> };
  }>(t, secret, `query($id: ID!) { team(id: $id) { members { id lastActiveAt } } }`, {
    id: teamId,
  });
  return new Map(res.data!.team.members.map((m) => [m.id, m.lastActiveAt]));
}

describe('access review: inactive members', () => {
  it('lists a member once inactiveDays pass without activity (to the minute), and never one who acted since', async () => {
    const w = await makeWorld(t, smtp);
    const team = await w.makeTeam();
    const reader = await createKey(t, w.owner, team.teamId);
    await settle();
    const memberSince = (await lastActive(reader.secret, team.teamId)).get(team.memberMembership)!;
    expect(memberSince).toBeTruthy();

    // The admin acts ten days later; the member never does.
    t.clock.advanceMinutes(10 * DAY);
    expect((await t.gql(TEAM, { id: team.teamId }, w.admin.token)).data).toBeTruthy();
    await settle();

    moveTo(memberSince, 30 * DAY - 1);
    let inactive = ids((await reviewBy(reader.secret, team.teamId, 30)).inactiveMembers);
    expect(inactive).not.toContain(team.memberMembership);
    expect(inactive).not.toContain(team.adminMembership);

    moveTo(memberSince, 30 * DAY + 1);
    const review = await reviewBy(reader.secret, team.teamId, 30);
    inactive = ids(review.inactiveMembers);
    expect(inactive).toContain(team.memberMembership);
    expect(inactive).not.toContain(team.adminMembership);
    expect(review.inactiveMembers.find((m) => m.id === team.memberMembership)).toEqual({
      id: team.memberMembership,
      role: 'MEMBER',
      user: { email: w.member.email },
    });

    // The default is 90 days.
    moveTo(memberSince, 90 * DAY - 1);
    expect(ids((await reviewBy(reader.secret, team.teamId)).inactiveMembers)).not.toContain(
      team.memberMembership,
    );
    moveTo(memberSince, 90 * DAY + 1);
    inactive = ids((await reviewBy(reader.secret, team.teamId)).inactiveMembers);
    expect(inactive).toContain(team.memberMembership);
    // The admin acted 10 days after the member: 80 days ago.
    expect(inactive).not.toContain(team.adminMembership);
  });

  it('counts from the join for someone with no recorded activity: never listed before inactiveDays have passed since they joined', async () => {
    const w = await makeWorld(t, smtp);
    const team = await w.makeTeam();
    const reader = await createKey(t, w.owner, team.teamId);
    const late = await signUp(t);
    const membership = await join(t, smtp, w.owner, team.teamId, late, 'MEMBER');
    await settle();
    // As a member from before activity was recorded.
    await t.portal.dataSource.query('UPDATE memberships SET lastActiveAt = NULL WHERE id = ?', [
      membership,
    ]);
    const joined = (
      await t.portal.dataSource.query<Array<{ joinedAt: string | Date }>>(
        'SELECT joinedAt FROM memberships WHERE id = ?',
        [membership],
      )
    )[0]!.joinedAt;
    const joinedAt = new Date(joined instanceof Date ? joined : `${joined.replace(' ', 'T')}Z`);
    moveTo(joinedAt, 5 * DAY - 1);
    expect(ids((await reviewBy(reader.secret, team.teamId, 5)).inactiveMembers)).not.toContain(
      membership,
    );
    moveTo(joinedAt, 5 * DAY + 1);
    expect(ids((await reviewBy(reader.secret, team.teamId, 5)).inactiveMembers)).toContain(
      membership,
    );
  });

  it('takes inactiveDays from 1 to 3650, refusing anything else', async () => {
    const w = await makeWorld(t, smtp);
    const team = await w.makeTeam();
    for (const days of [0, -1, 3651]) {
      const res = await t.gql(REVIEW, { id: team.teamId, days }, w.member.token);
      expect(res.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
      expect(res.data?.team ?? null).toBeNull();
    }
    for (const days of [1, 3650]) {
      const res = await t.gql<{ team: { accessReview: Review } }>(
        REVIEW,
        { id: team.teamId, days },
        w.member.token,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data?.team.accessReview.inactiveMembers).toEqual(expect.any(Array));
    }
  });
});

describe('access review: keys', () => {
  it('lists stale keys (7 days never used, 30 days unused), keys expiring within 14 days and never-expiring production keys, each to the minute', async () => {
    const w = await makeWorld(t, smtp);
    const team = await w.makeTeam();
    const id = team.teamId;
    const reader = await createKey(t, w.owner, id, { name: 'reader' });
    const neverUsed = await createKey(t, w.owner, id, { name: 'never used' });
    const used = await createKey(t, w.owner, id, { name: 'used' });
    const expiring = await createKey(t, w.owner, id, {
      name: 'thirty days',
      expiration: 'DAYS_30',
    });
    const prodNever = await createKey(t, w.owner, id, { name: 'prod', environment: 'PRODUCTION' });
    const prod90 = await createKey(t, w.owner, id, {
      name: 'prod 90',
      environment: 'PRODUCTION',
      expiration: 'DAYS_90',
    });
    const revoked = await createKey(t, w.owner, id, { name: 'gone', environment: 'PRODUCTION' });
    await t.gql(
      `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`,
      { id: revoked.id },
      w.owner.token,
    );
    expect((await withKey(t, used.secret, `{ __typename }`)).status).toBe(200);
    const usedAt = (
      await withKey<{ apiKey: { lastUsedAt: string } }>(
        t,
        reader.secret,
        `query($id: ID!) { apiKey(id: $id) { lastUsedAt } }`,
        { id: used.id },
      )
    ).data!.apiKey.lastUsedAt;
    expect(usedAt).toBeTruthy();

    let review = await reviewBy(reader.secret, id);
    expect(review.staleKeys).toEqual([]);
    expect(review.expiringKeys).toEqual([]);
    expect(ids(review.neverExpiringProductionKeys)).toEqual([prodNever.id]);

    // Never used: stale 7 days after its creation.
    moveTo(neverUsed.createdAt, 7 * DAY - 1);
    expect(ids((await reviewBy(reader.secret, id)).staleKeys)).not.toContain(neverUsed.id);
    moveTo(neverUsed.createdAt, 7 * DAY + 1);
    review = await reviewBy(reader.secret, id);
    // Every key never used and older than 7 days; not the used one, the reader, or the revoked one.
    expect(ids(review.staleKeys)).toEqual(ids([neverUsed, expiring, prodNever, prod90]));

    // Expiring: within 14 days of its expiry (30 days after creation).
    moveTo(expiring.expiresAt!, -14 * DAY - 1);
    expect(ids((await reviewBy(reader.secret, id)).expiringKeys)).toEqual([]);
    moveTo(expiring.expiresAt!, -14 * DAY + 1);
    expect(ids((await reviewBy(reader.secret, id)).expiringKeys)).toEqual([expiring.id]);

    // Used once: stale 30 days after that use.
    moveTo(usedAt, 30 * DAY - 1);
    expect(ids((await reviewBy(reader.secret, id)).staleKeys)).not.toContain(used.id);
    moveTo(usedAt, 30 * DAY + 1);
    review = await reviewBy(reader.secret, id);
    expect(ids(review.staleKeys)).toContain(used.id);
    // By now the 30-day key has expired: no longer active, in no list.
    expect(ids(review.staleKeys)).not.toContain(expiring.id);
    expect(review.expiringKeys).toEqual([]);
    // The 90-day production key expires within 14 days from day 76 on.
    moveTo(prod90.expiresAt!, -14 * DAY + 1);
    review = await reviewBy(reader.secret, id);
    expect(ids(review.expiringKeys)).toEqual([prod90.id]);
    expect(ids(review.neverExpiringProductionKeys)).toEqual([prodNever.id]);
    expect(ids(review.staleKeys)).not.toContain(reader.id);
  });
});

describe('access review: who reads it, who completes it', () => {
  it("is read by every member and the team's own keys; NOT_FOUND for outsiders and other teams' keys", async () => {
    const w = await makeWorld(t, smtp);
    const team = await w.makeTeam();
    const own = await createKey(t, w.owner, team.teamId);
    const other = await createKey(t, w.outsider, w.outsiderTeam);
    for (const person of [w.member, w.admin, w.owner]) {
      const res = await t.gql<{ team: { accessReview: Review } }>(
        REVIEW,
        { id: team.teamId },
        person.token,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data?.team.accessReview.lastCompletedAt).toBeNull();
    }
    expect((await reviewBy(own.secret, team.teamId)).lastCompletedAt).toBeNull();
    const outsider = await t.gql(REVIEW, { id: team.teamId }, w.outsider.token);
    expect(outsider.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    expect(outsider.data?.team ?? null).toBeNull();
    const otherKey = await withKey<{ team: unknown }>(t, other.secret, REVIEW, { id: team.teamId });
    expect(otherKey.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    expect(otherKey.data?.team ?? null).toBeNull();
  });

  it('is completed by an OWNER or ADMIN (audited with the note), never by a MEMBER, a key or an outsider; the latest completion is shown', async () => {
    const w = await makeWorld(t, smtp);
    const team = await w.makeTeam();
    const key = await createKey(t, w.owner, team.teamId);

    const byMember = await t.gql(COMPLETE, { id: team.teamId }, w.member.token);
    expect(byMember.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const byKey = await withKey(t, key.secret, COMPLETE, { id: team.teamId });
    expect(byKey.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const byOutsider = await t.gql(COMPLETE, { id: team.teamId }, w.outsider.token);
    expect(byOutsider.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    const tooLong = await t.gql(
      COMPLETE,
      { id: team.teamId, note: 'x'.repeat(1001) },
      w.admin.token,
    );
    expect(tooLong.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect((await reviewBy(key.secret, team.teamId)).lastCompletedAt).toBeNull();

    const byAdmin = await t.gql<{
      completeAccessReview: { lastCompletedAt: string; lastCompletedBy: { email: string } };
    }>(COMPLETE, { id: team.teamId, note: 'Quarterly review: all fine' }, w.admin.token);
    expect(byAdmin.errors).toBeUndefined();
    expect(byAdmin.data!.completeAccessReview.lastCompletedBy).toEqual({ email: w.admin.email });
    const firstAt = byAdmin.data!.completeAccessReview.lastCompletedAt;
    expect(Math.abs(new Date(firstAt).getTime() - t.clock.now().getTime())).toBeLessThan(5_000);

    t.clock.advanceMinutes(DAY);
    const byOwner = await t.gql<{
      completeAccessReview: { lastCompletedAt: string; lastCompletedBy: { email: string } };
    }>(COMPLETE, { id: team.teamId, note: 'x'.repeat(1000) }, w.owner.token);
    expect(byOwner.errors).toBeUndefined();
    const review = await reviewBy(key.secret, team.teamId);
    expect(review.lastCompletedBy).toEqual({ email: w.owner.email });
    expect(review.lastCompletedAt).toBe(byOwner.data!.completeAccessReview.lastCompletedAt);
    expect(new Date(review.lastCompletedAt!).getTime()).toBeGreaterThan(
      new Date(firstAt).getTime(),
    );

    const events = (await auditEvents(t, w.owner.token, team.teamId)).filter(
      (e) => e.action === 'team.access_reviewed',
    );
    expect(events.map((e) => e.actor?.email)).toEqual([w.owner.email, w.admin.email]);
    expect(JSON.parse(events[1]!.details!)).toMatchObject({
      note: 'Quarterly review: all fine',
      inactiveDays: 90,
      staleKeys: [],
    });
  });
});
