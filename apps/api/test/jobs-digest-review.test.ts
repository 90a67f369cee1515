import type { ParsedMail } from 'mailparser';
import { LOG_IN, signUp, uniqueEmail, type TestPortal } from './harness';
import { startMailPortal, stopMailPortal } from './mail-portal';
import type { TestSmtpServer } from './smtp';
import { createTeam, join, type Person } from './teams-world';

/**
 * The weekly digest of stale keys (at most one per team and ISO week, only when there are stale
 * keys), the access review reminder (owners, once per 90-day period counted from the last
 * completed review or the team's creation), and a refused mail retried on a later tick, not lost
 * and not sent twice. Real HTTP, a real SMTP server, a test clock moved by days.
 */

jest.setTimeout(120_000);

const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`;
const REVOKE_KEY = `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`;
const COMPLETE_REVIEW = `mutation($teamId: ID!) { completeAccessReview(teamId: $teamId) { lastCompletedAt } }`;
const DAY_MS = 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Minutes from `now` to one minute past the next Monday 00:00 UTC (the next ISO week). */
function minutesToNextWeek(now: Date): number {
  const day = now.getUTCDay() || 7; // Monday 1 … Sunday 7
  const monday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 8 - day);
  return Math.ceil((monday - now.getTime()) / 60_000) + 1;
}

const ENV = {
  SESSION_TTL_HOURS: '2160',
  JWT_SECRET: 'digest-test-secret-of-at-least-32-characters',
};

describe('stale-key digest and access review reminder', () => {
  let t: TestPortal;
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    ({ t, smtp } = await startMailPortal(ENV));
  });
  afterAll(() => stopMailPortal(t, smtp));

  const run = async () => {
    const tally = await t.portal.services.jobs.runDueJobs();
    await sleep(300); // the SMTP server parses what it was sent
    return tally;
  };
  const mailsTo = (email: string, about: RegExp): ParsedMail[] =>
    smtp.messages.filter(
      (m) => JSON.stringify(m.to).includes(email) && about.test(m.subject ?? ''),
    );

  async function people(...roles: Array<'OWNER' | 'ADMIN' | 'MEMBER'>) {
    const founder = await signUp(t, { email: uniqueEmail('owner'), name: 'The founder' });
    const teamId = await createTeam(t, founder, 'Digest Partners');
    const others: Person[] = [];
    for (const role of roles) {
      const person = await signUp(t, { email: uniqueEmail(role.toLowerCase()), name: `A ${role}` });
      await join(t, smtp, founder, teamId, person, role);
      others.push(person);
    }
    return { founder, teamId, others };
  }

  it('sends one digest per team and week, only while the team has stale keys', async () => {
    const { founder: owner, teamId, others } = await people('ADMIN', 'MEMBER');
    const [admin, member] = others as [Person, Person];
    const createKey = async (name: string) => {
      const res = await t.gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
        CREATE_KEY,
        { input: { teamId, name, environment: 'DEVELOPMENT', expiration: 'NEVER' } },
        owner.token,
      );
      return res.data!.createApiKey;
    };
    const idle = await createKey('Idle key');
    const busy = await createKey('Busy key');
    // The busy key is used once, now; its use is written to the database.
    const used = await t.post(
      `query($id: ID!) { team(id: $id) { id } }`,
      { id: teamId },
      {
        'x-api-key': busy.secret,
      },
    );
    expect(used.status).toBe(200);
    await t.portal.services.apiKeyAuth.verifier.flushLastUsed();
    const usedAt = t.clock.now();
    const digests = (email: string) => mailsTo(email, /look(s)? unused$/);

    t.clock.advanceDays(6);
    await run();
    expect(digests(owner.email)).toHaveLength(0); // never used, but only 6 days old

    t.clock.advanceMinutes(24 * 60 + 1); // 7 days and a minute: the idle key is stale
    await run();
    for (const p of [owner, admin]) {
      const mails = digests(p.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toBe('1 API key of Digest Partners looks unused');
      expect(mails[0]!.text).toContain('Idle key');
      expect(mails[0]!.text).toContain('never used since it was created');
      expect(mails[0]!.text).not.toContain('Busy key');
      expect(mails[0]!.text).toContain(`http://portal.test/teams/${teamId}/keys`);
      expect(mails[0]!.html).toContain(`href="http://portal.test/teams/${teamId}/keys"`);
    }
    expect(digests(member.email)).toHaveLength(0);

    t.clock.advanceMinutes(60);
    await run();
    expect(digests(owner.email)).toHaveLength(1); // the same week: no second digest

    t.clock.advanceMinutes(minutesToNextWeek(t.clock.now()));
    await run();
    await run();
    expect(digests(owner.email)).toHaveLength(2); // a new week, the key still unused
    expect(digests(admin.email)).toHaveLength(2);

    // The idle key revoked: the busy one was used less than 30 days ago, so no digest next week.
    await t.gql(REVOKE_KEY, { id: idle.apiKey.id }, owner.token);
    t.clock.advanceMinutes(minutesToNextWeek(t.clock.now()));
    expect(t.clock.now().getTime() - usedAt.getTime()).toBeLessThan(30 * DAY_MS);
    await run();
    expect(digests(owner.email)).toHaveLength(2);

    // Once the busy key has not been used for 30 days, it is in the next week's digest.
    while (t.clock.now().getTime() - usedAt.getTime() <= 30 * DAY_MS)
      t.clock.advanceMinutes(minutesToNextWeek(t.clock.now()));
    await run();
    const third = digests(owner.email);
    expect(third).toHaveLength(3);
    expect(third[2]!.text).toContain('Busy key');
    expect(third[2]!.text).toMatch(/Busy key \(ppk_test_[^)]*, development\): last used /);
    expect(third[2]!.text).not.toContain('Idle key');
  });

  it('reminds owners once per 90-day period without a completed access review', async () => {
    const { founder, teamId, others } = await people('OWNER', 'ADMIN');
    const [coOwner, admin] = others as [Person, Person];
    const reminders = (email: string) => mailsTo(email, /^Time for an access review of/);

    t.clock.advanceMinutes(90 * 24 * 60 - 60); // an hour before 90 days since creation
    await run();
    expect(reminders(founder.email)).toHaveLength(0);

    t.clock.advanceMinutes(61);
    await run();
    for (const p of [founder, coOwner]) {
      const mails = reminders(p.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toBe('Time for an access review of Digest Partners');
      expect(mails[0]!.text).toContain('No access review of Digest Partners has been completed');
      expect(mails[0]!.text).toContain(`http://portal.test/teams/${teamId}/security`);
    }
    expect(reminders(admin.email)).toHaveLength(0); // owners only

    await run();
    t.clock.advanceDays(30);
    await run();
    expect(reminders(founder.email)).toHaveLength(1); // the same 90-day period

    // A completed review (day 120) moves the count: the next reminder comes 90 days after it.
    const login = await t.gql<{ logIn: { token: string } }>(LOG_IN, {
      input: { email: founder.email, password: founder.password },
    });
    const token = login.data!.logIn.token;
    const reviewed = await t.gql(COMPLETE_REVIEW, { teamId }, token);
    expect(reviewed.errors).toBeUndefined();
    t.clock.advanceDays(89); // day 209: 180 days after creation, 89 after the review
    await run();
    expect(reminders(founder.email)).toHaveLength(1);
    t.clock.advanceMinutes(24 * 60 + 1);
    await run();
    await run();
    expect(reminders(founder.email)).toHaveLength(2);
    expect(reminders(coOwner.email)).toHaveLength(2);
    expect(reminders(founder.email)[1]!.text).toContain(
      'The last access review of Digest Partners was completed on',
    );

    // Still no review 90 days later: the next period's reminder, once.
    t.clock.advanceDays(90);
    await run();
    await run();
    expect(reminders(founder.email)).toHaveLength(3);
    expect(reminders(admin.email)).toHaveLength(0);
  });
});

describe('a mail refused by the SMTP server', () => {
  // The test SMTP server refuses every recipient while `refusing` is set (a mail provider's outage).
  let t: TestPortal;
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    ({ t, smtp } = await startMailPortal(ENV));
  });
  afterAll(() => stopMailPortal(t, smtp));

  it('is retried on a later tick and then sent once', async () => {
    const owner = await signUp(t, { email: uniqueEmail('owner') });
    const teamId = await createTeam(t, owner, 'Retry Partners');
    await t.gql(
      CREATE_KEY,
      { input: { teamId, name: 'Soon gone', environment: 'PRODUCTION', expiration: 'DAYS_30' } },
      owner.token,
    );
    const reminders = () =>
      smtp.messages.filter(
        (m) => JSON.stringify(m.to).includes(owner.email) && /Soon gone/.test(m.subject ?? ''),
      );

    smtp.refusing = true;
    t.clock.advanceMinutes(16 * 24 * 60 + 1);
    const failed = await t.portal.services.jobs.runDueJobs();
    expect(failed['expiry-reminders']).toEqual({ done: 0, failed: 1, skipped: 0 });
    expect(t.logs.some((l) => /scheduled work failed; retried later/.test(l))).toBe(true);

    // The retry waits a minute: the next tick at once does not hammer the mail server.
    smtp.refusing = false;
    const early = await t.portal.services.jobs.runDueJobs();
    expect(early['expiry-reminders']).toEqual({ done: 0, failed: 0, skipped: 0 });
    await sleep(300);
    expect(reminders()).toHaveLength(0);

    t.clock.advanceMinutes(2);
    const retried = await t.portal.services.jobs.runDueJobs();
    expect(retried['expiry-reminders']).toEqual({ done: 1, failed: 0, skipped: 0 });
    await sleep(300);
    expect(reminders()).toHaveLength(1);
    expect(reminders()[0]!.subject).toBe('API key "Soon gone" expires in 14 days');

    t.clock.advanceMinutes(10);
    await t.portal.services.jobs.runDueJobs();
    await sleep(300);
    expect(reminders()).toHaveLength(1);
  });
});

describe('the ticker', () => {
  it('runs the jobs on its own every JOBS_INTERVAL_SECONDS and stops with the portal', async () => {
    const { t, smtp } = await startMailPortal({ ...ENV, JOBS_INTERVAL_SECONDS: '1' });
    try {
      const owner = await signUp(t, { email: uniqueEmail('owner') });
      const teamId = await createTeam(t, owner, 'Ticking Partners');
      await t.gql(
        CREATE_KEY,
        { input: { teamId, name: 'Ticked', environment: 'PRODUCTION', expiration: 'DAYS_30' } },
        owner.token,
      );
      t.clock.advanceMinutes(16 * 24 * 60 + 1);
      // Nobody calls runDueJobs: the ticker finds the reminder within a tick or two.
      const mail = await smtp.waitFor(owner.email, 30_000);
      expect(mail.subject).toBe('API key "Ticked" expires in 14 days');
      // The pass logs what it did once its last job is over (just after the mail went out).
      const ran = (l: string) => /"job":"expiry-reminders".*scheduled job ran/.test(l);
      for (let i = 0; i < 100 && !t.logs.some(ran); i++) await sleep(50);
      expect(t.logs.some(ran)).toBe(true);
    } finally {
      await t.stop();
      await smtp.stop();
    }
  });
});
