import type { ParsedMail } from 'mailparser';
import { signUp, TestClock, uniqueEmail, type TestPortal } from './harness';
import type { TestSmtpServer } from './smtp';
import { startTwoPortals, stopTwoPortals } from './two-portals';
import { createTeam, join, type Person } from './teams-world';

/**
 * Expiry reminders with TWO portal instances on one database and one test clock: each reminder
 * (14, 7 and 1 day before a key expires) reaches each owner, admin and the key's creator exactly
 * once; members, revoked keys and rotated-away keys get none; a portal that was down sends only
 * the most urgent one.
 *
 * On MariaDB both instances tick every second and are also asked to run their jobs at the same
 * moments. On SQLite they take turns instead: both instances live in this one Node process, and
 * better-sqlite3 waits for a locked file synchronously (busy_timeout), which would block the very
 * event loop the lock holder needs to commit (a stall of 5 s per collision, never seen with two
 * real processes). The claims decide the same way on both.
 */
const MYSQL = Boolean(process.env.DATABASE_URL && !process.env.DATABASE_URL.startsWith('sqlite:'));

const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id expiresAt } } }`;
const REVOKE_KEY = `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`;
const ROTATE_KEY = `mutation($id: ID!) { rotateApiKey(input: { id: $id, gracePeriodHours: 24 }) { apiKey { id } } }`;
const CHANGE_ROLE = `mutation($id: ID!, $role: Role!) { changeMemberRole(membershipId: $id, role: $role) { id role } }`;

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('expiry reminders across two processes', () => {
  const clock = new TestClock();
  let a: TestPortal;
  let b: TestPortal;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    // One deployment: one JWT secret, sessions long enough for the months the clock moves.
    ({ a, b, smtp } = await startTwoPortals(
      {
        JWT_SECRET: 'jobs-test-secret-of-at-least-32-characters',
        SESSION_TTL_HOURS: '2160',
        JOBS_INTERVAL_SECONDS: MYSQL ? '1' : '0',
      },
      clock,
    ));
  });
  afterAll(() => stopTwoPortals({ a, b, smtp }));

  /** Both instances run their jobs (at once on MariaDB, with their tickers), then again. */
  async function bothRun(): Promise<void> {
    const run = (p: TestPortal) => p.portal.services.jobs.runDueJobs();
    if (MYSQL) {
      await Promise.all([run(a), run(b)]);
      await sleep(1200); // each ticker gets a turn
      await Promise.all([run(b), run(a)]);
    } else {
      for (const p of [b, a, b]) await run(p);
    }
    await sleep(300); // the SMTP server parses what it was sent
  }

  const mailsTo = (email: string, about: RegExp): ParsedMail[] =>
    smtp.messages.filter(
      (m) => JSON.stringify(m.to).includes(email) && about.test(m.subject ?? ''),
    );

  async function world() {
    const [owner, creator, admin, member] = await Promise.all(
      ['owner', 'creator', 'admin', 'member'].map((label) =>
        signUp(a, { email: uniqueEmail(label), name: `The ${label}` }),
      ),
    );
    const teamId = await createTeam(a, owner!, 'Reminder Partners');
    const creatorMembership = await join(a, smtp, owner!, teamId, creator!, 'ADMIN');
    await join(a, smtp, owner!, teamId, admin!, 'ADMIN');
    await join(a, smtp, owner!, teamId, member!, 'MEMBER');
    const createKey = async (by: Person, name: string, expiration: string) => {
      const res = await a.gql<{ createApiKey: { apiKey: { id: string; expiresAt: string } } }>(
        CREATE_KEY,
        { input: { teamId, name, environment: 'PRODUCTION', expiration } },
        by.token,
      );
      if (!res.data) throw new Error(JSON.stringify(res.errors));
      return res.data.createApiKey.apiKey;
    };
    return {
      owner: owner!,
      creator: creator!,
      admin: admin!,
      member: member!,
      teamId,
      creatorMembership,
      createKey,
    };
  }

  it('sends the 14-, 7- and 1-day reminders once each to owners, admins and the creator', async () => {
    const w = await world();
    const key = await w.createKey(w.creator, 'Checkout', 'DAYS_30');
    const revoked = await w.createKey(w.creator, 'Revoked one', 'DAYS_30');
    await w.createKey(w.creator, 'Forever', 'NEVER');
    const rotated = await w.createKey(w.owner, 'Rotated one', 'DAYS_30');
    expect((await a.gql(REVOKE_KEY, { id: revoked.id }, w.owner.token)).errors).toBeUndefined();
    // The creator stops being an admin: still mailed, as the key's creator.
    const demoted = await a.gql(
      CHANGE_ROLE,
      { id: w.creatorMembership, role: 'MEMBER' },
      w.owner.token,
    );
    expect(demoted.errors).toBeUndefined();

    const recipients = [w.owner, w.creator, w.admin];
    const reminders = (email: string) => mailsTo(email, /"Checkout" expires/);

    clock.advanceDays(15);
    await bothRun();
    for (const p of [...recipients, w.member]) expect(reminders(p.email)).toHaveLength(0);

    // A rotated-away key ends in 24 hours by plan (the grace period): no "within a day" reminder.
    // (Its replacement is revoked here, so that it is not reminded of either.)
    const rotation = await b.gql<{ rotateApiKey: { apiKey: { id: string } } }>(
      ROTATE_KEY,
      { id: rotated.id },
      w.owner.token,
    );
    expect(rotation.errors).toBeUndefined();
    const replacement = rotation.data!.rotateApiKey.apiKey.id;
    expect((await b.gql(REVOKE_KEY, { id: replacement }, w.owner.token)).errors).toBeUndefined();

    clock.advanceMinutes(24 * 60 + 1); // 13 days 23:59 left
    await bothRun();
    for (const p of recipients) {
      const mails = reminders(p.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toBe('API key "Checkout" expires in 14 days');
      // Plain-text part with the link to the key's page; the same link in the HTML part.
      const link = `http://portal.test/teams/${w.teamId}/keys/${key.id}`;
      expect(mails[0]!.text).toContain(link);
      expect(mails[0]!.html).toContain(`href="${link}"`);
    }
    expect(reminders(w.creator.email)[0]!.text).toContain('as the creator of this key');
    expect(reminders(w.owner.email)[0]!.text).toContain('as an owner of Reminder Partners');
    expect(reminders(w.member.email)).toHaveLength(0);
    expect(mailsTo(w.owner.email, /Revoked one|Forever|Rotated one/)).toHaveLength(0);

    await bothRun(); // nothing new is due
    for (const p of recipients) expect(reminders(p.email)).toHaveLength(1);

    clock.advanceDays(7); // 6 days 23:59 left
    await bothRun();
    for (const p of recipients) {
      expect(reminders(p.email).map((m) => m.subject)).toEqual([
        'API key "Checkout" expires in 14 days',
        'API key "Checkout" expires in 7 days',
      ]);
    }

    clock.advanceDays(6); // 23:59 left
    await bothRun();
    await bothRun();
    for (const p of recipients) {
      expect(reminders(p.email).map((m) => m.subject)).toEqual([
        'API key "Checkout" expires in 14 days',
        'API key "Checkout" expires in 7 days',
        'API key "Checkout" expires within a day',
      ]);
    }

    clock.advanceDays(2); // expired
    await bothRun();
    for (const p of recipients) expect(reminders(p.email)).toHaveLength(3);
    expect(reminders(w.member.email)).toHaveLength(0);
    // The rotated-away key never got one, and neither did the revoked key.
    expect(mailsTo(w.owner.email, /Revoked one|Rotated one/)).toHaveLength(0);
    // No unit of work failed on the way (a lost race would show as a failed claim or job).
    expect([...a.logs, ...b.logs].filter((l) => /scheduled (job|work) failed/.test(l))).toEqual([]);
  });

  it('after a downtime over several moments, sends only the most urgent reminder', async () => {
    const w = await world();
    await w.createKey(w.owner, 'Slept through', 'DAYS_30');
    clock.advanceDays(29.5); // the 14- and 7-day moments passed while "down"
    await bothRun();
    for (const p of [w.owner, w.creator, w.admin]) {
      expect(mailsTo(p.email, /"Slept through"/).map((m) => m.subject)).toEqual([
        'API key "Slept through" expires within a day',
      ]);
    }
    // The creator here is the owner; the (still admin) creator is mailed as an admin.
    expect(mailsTo(w.member.email, /"Slept through"/)).toHaveLength(0);
  });

  it('a claim whose owner died is retaken after its lease; a live one is not', async () => {
    const key = `test-lease:${Date.now()}`;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = a.portal.services.jobs.claims.run(key, () => held);
    await sleep(100);
    let ranInB = 0;
    const work = () => {
      ranInB += 1;
      return Promise.resolve();
    };
    expect(await b.portal.services.jobs.claims.run(key, work)).toBe('skipped');
    clock.advanceMinutes(6); // past the 5-minute lease: a's process is presumed dead
    expect(await b.portal.services.jobs.claims.run(key, work)).toBe('done');
    expect(await b.portal.services.jobs.claims.run(key, work)).toBe('skipped');
    expect(ranInB).toBe(1);
    release();
    await first;
    // a's late finish does not reopen or overwrite b's claim.
    expect(await a.portal.services.jobs.claims.run(key, work)).toBe('skipped');
    expect(ranInB).toBe(1);
  });
});
