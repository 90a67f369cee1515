import type { ParsedMail } from 'mailparser';
import { signUp, TestClock, uniqueEmail, type GraphQLResponse, type TestPortal } from './harness';
import type { TestSmtpServer } from './smtp';
import { startTwoPortals, stopTwoPortals } from './two-portals';
import { createTeam, join, type Person } from './teams-world';

/**
 * Usage alerts over real HTTP: who may set them and what is refused; and their checks, run by two
 * portal instances on one database at the same moments, with real API key requests counted by
 * the portal: each crossing mails owners and admins exactly once, no mail while usage stays
 * above, and the alert re-arms when usage falls back (a new month; a calmer 5 minutes).
 */

jest.setTimeout(120_000);

const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`;
const CREATE_ALERT = `mutation($input: CreateUsageAlertInput!) { createUsageAlert(input: $input) { id kind threshold createdAt lastTriggeredAt apiKey { id name } } }`;
const DELETE_ALERT = `mutation($id: ID!) { deleteUsageAlert(id: $id) }`;
const ALERTS = `query($id: ID!) { team(id: $id) { usageAlerts { id kind threshold lastTriggeredAt apiKey { id } } } }`;
const AUDIT = `query($id: ID!) { team(id: $id) { auditLog(first: 5) { edges { node { action targetId } } } } }`;
const OK_REQUEST = `query($id: ID!) { team(id: $id) { id } }`;
/** Answered with NOT_FOUND: counted as a failed request of the key. */
const FAILING_REQUEST = `query { apiKey(id: "00000000-0000-4000-8000-000000000000") { id } }`;
const MYSQL = Boolean(process.env.DATABASE_URL && !process.env.DATABASE_URL.startsWith('sqlite:'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type AlertView = {
  id: string;
  kind: string;
  threshold: number;
  lastTriggeredAt: string | null;
  apiKey: { id: string } | null;
};

describe('usage alerts', () => {
  const clock = new TestClock();
  let a: TestPortal;
  let b: TestPortal;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    ({ a, b, smtp } = await startTwoPortals(
      { JWT_SECRET: 'alerts-test-secret-of-at-least-32-characters', SESSION_TTL_HOURS: '2160' },
      clock,
    ));
  });
  afterAll(() => stopTwoPortals({ a, b, smtp }));

  async function world(name = 'Alert Partners') {
    const [owner, admin, member] = await Promise.all(
      ['owner', 'admin', 'member'].map((label) =>
        signUp(a, { email: uniqueEmail(label), name: `The ${label}` }),
      ),
    );
    const teamId = await createTeam(a, owner!, name);
    await join(a, smtp, owner!, teamId, admin!, 'ADMIN');
    await join(a, smtp, owner!, teamId, member!, 'MEMBER');
    const createKey = async (keyName: string, monthlyRequestLimit: number | null = null) => {
      const res = await a.gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
        CREATE_KEY,
        {
          input: {
            teamId,
            name: keyName,
            environment: 'PRODUCTION',
            expiration: 'NEVER',
            monthlyRequestLimit,
          },
        },
        owner!.token,
      );
      if (!res.data) throw new Error(JSON.stringify(res.errors));
      return { id: res.data.createApiKey.apiKey.id, secret: res.data.createApiKey.secret };
    };
    const alert = (by: Person, input: Record<string, unknown>) =>
      a.gql<{ createUsageAlert: AlertView }>(
        CREATE_ALERT,
        { input: { teamId, ...input } },
        by.token,
      );
    return { owner: owner!, admin: admin!, member: member!, teamId, createKey, alert };
  }

  const codeOf = (res: GraphQLResponse) => res.errors?.[0]?.extensions.code;

  it('OWNER and ADMIN set and delete alerts (audited), members read them, bad input is refused', async () => {
    const w = await world();
    const limited = await w.createKey('Limited', 1000);
    const plain = await w.createKey('Plain');
    const revoked = await w.createKey('Gone', 1000);
    await a.gql(
      `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`,
      { id: revoked.id },
      w.owner.token,
    );
    const outsider = await signUp(a, { email: uniqueEmail('outsider') });
    const outsiderTeam = await createTeam(a, outsider, 'Elsewhere');
    const foreignKey = await a.gql<{ createApiKey: { apiKey: { id: string } } }>(
      CREATE_KEY,
      {
        input: {
          teamId: outsiderTeam,
          name: 'Theirs',
          environment: 'DEVELOPMENT',
          expiration: 'NEVER',
        },
      },
      outsider.token,
    );

    // Who may.
    expect(codeOf(await w.alert(w.member, { kind: 'ERROR_RATE', threshold: 0.5 }))).toBe(
      'FORBIDDEN',
    );
    expect(codeOf(await w.alert(outsider, { kind: 'ERROR_RATE', threshold: 0.5 }))).toBe(
      'NOT_FOUND',
    );
    const anonymous = await a.gql(CREATE_ALERT, {
      input: { teamId: w.teamId, kind: 'ERROR_RATE', threshold: 0.5 },
    });
    expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
    const asKey = await a.post(
      CREATE_ALERT,
      { input: { teamId: w.teamId, kind: 'ERROR_RATE', threshold: 0.5 } },
      { 'x-api-key': limited.secret },
    );
    expect(codeOf(asKey)).toBe('FORBIDDEN');

    // The threshold is a share in (0, 1].
    for (const threshold of [0, -0.2, 1.01, 80]) {
      const res = await w.alert(w.admin, { kind: 'ERROR_RATE', threshold });
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(res.errors)).toContain('threshold');
    }
    // The key must be an active key of this team; a monthly quota needs a monthly limit.
    expect(
      codeOf(
        await w.alert(w.admin, {
          kind: 'ERROR_RATE',
          threshold: 0.5,
          apiKeyId: foreignKey.data!.createApiKey.apiKey.id,
        }),
      ),
    ).toBe('NOT_FOUND');
    const revokedKey = await w.alert(w.admin, {
      kind: 'ERROR_RATE',
      threshold: 0.5,
      apiKeyId: revoked.id,
    });
    expect(codeOf(revokedKey)).toBe('BAD_USER_INPUT');
    expect(revokedKey.errors![0]!.extensions.fields).toHaveProperty('apiKeyId');
    const noLimit = await w.alert(w.admin, {
      kind: 'MONTHLY_QUOTA',
      threshold: 0.8,
      apiKeyId: plain.id,
    });
    expect(codeOf(noLimit)).toBe('BAD_USER_INPUT');
    expect(noLimit.errors![0]!.message).toBe(
      'This key has no monthly limit: set one on the key first, or watch its error rate.',
    );
    const noLimitedKey = await a.gql(
      CREATE_ALERT,
      { input: { teamId: outsiderTeam, kind: 'MONTHLY_QUOTA', threshold: 0.8 } },
      outsider.token,
    );
    expect(codeOf(noLimitedKey)).toBe('BAD_USER_INPUT');
    expect(noLimitedKey.errors![0]!.extensions.fields).toHaveProperty('kind');

    // Accepted: a team-wide error-rate alert (admin) and a quota alert on the limited key (owner).
    const teamWide = await w.alert(w.admin, { kind: 'ERROR_RATE', threshold: 0.25 });
    expect(teamWide.errors).toBeUndefined();
    expect(teamWide.data!.createUsageAlert).toMatchObject({
      kind: 'ERROR_RATE',
      threshold: 0.25,
      lastTriggeredAt: null,
      apiKey: null,
    });
    const quota = await w.alert(w.owner, {
      kind: 'MONTHLY_QUOTA',
      threshold: 1,
      apiKeyId: limited.id,
    });
    expect(quota.data!.createUsageAlert.apiKey).toEqual({ id: limited.id, name: 'Limited' });
    expect(codeOf(await w.alert(w.owner, { kind: 'ERROR_RATE', threshold: 0.25 }))).toBe(
      'CONFLICT',
    );

    // Members and the team's own keys read them; another team does not.
    const read = await a.gql<{ team: { usageAlerts: AlertView[] } }>(
      ALERTS,
      { id: w.teamId },
      w.member.token,
    );
    expect(read.data!.team.usageAlerts.map((x) => x.id).sort()).toEqual(
      [teamWide.data!.createUsageAlert.id, quota.data!.createUsageAlert.id].sort(),
    );
    const byKey = await a.post<{ team: { usageAlerts: AlertView[] } }>(
      ALERTS,
      { id: w.teamId },
      { 'x-api-key': plain.secret },
    );
    expect(byKey.data!.team.usageAlerts).toHaveLength(2);
    expect(codeOf(await a.gql(ALERTS, { id: w.teamId }, outsider.token))).toBe('NOT_FOUND');

    // At most 50 per team.
    for (let i = 1; i <= 48; i++)
      expect(
        (await w.alert(w.owner, { kind: 'ERROR_RATE', threshold: i / 100 + 0.001 })).errors,
      ).toBeUndefined();
    const tooMany = await w.alert(w.owner, { kind: 'ERROR_RATE', threshold: 0.999 });
    expect(codeOf(tooMany)).toBe('CONFLICT');
    expect(tooMany.errors![0]!.message).toContain('at most 50 usage alerts');

    // Deleting: members may not, another team's owner sees nothing, an admin may (audited).
    const id = teamWide.data!.createUsageAlert.id;
    expect(codeOf(await a.gql(DELETE_ALERT, { id }, w.member.token))).toBe('FORBIDDEN');
    expect(codeOf(await a.gql(DELETE_ALERT, { id }, outsider.token))).toBe('NOT_FOUND');
    expect(
      (await a.gql<{ deleteUsageAlert: boolean }>(DELETE_ALERT, { id }, w.admin.token)).data,
    ).toEqual({ deleteUsageAlert: true });
    expect(codeOf(await a.gql(DELETE_ALERT, { id }, w.admin.token))).toBe('NOT_FOUND');
    const audit = await a.gql<{
      team: { auditLog: { edges: Array<{ node: { action: string; targetId: string } }> } };
    }>(AUDIT, { id: w.teamId }, w.owner.token);
    const actions = audit.data!.team.auditLog.edges.map((e) => e.node);
    expect(actions[0]).toEqual({ action: 'usage_alert.deleted', targetId: id });
    expect(actions[1]!.action).toBe('usage_alert.created');
  });

  /** Both instances check the alerts at the same moment (taking turns on SQLite: see jobs-reminders.test.ts). */
  async function bothCheck(): Promise<void> {
    await a.portal.services.usageRecorder.flush();
    const run = (p: TestPortal) => p.portal.services.jobs.runDueJobs();
    if (MYSQL) await Promise.all([run(a), run(b)]);
    else for (const p of [b, a]) await run(p);
    await sleep(300); // the SMTP server parses what it was sent
  }
  const mailsTo = (email: string, about: RegExp): ParsedMail[] =>
    smtp.messages.filter(
      (m) => JSON.stringify(m.to).includes(email) && about.test(m.subject ?? ''),
    );
  const send = async (secret: string, teamId: string, n: number, failing = false) => {
    for (let i = 0; i < n; i++) {
      const res = failing
        ? await a.post(FAILING_REQUEST, {}, { 'x-api-key': secret })
        : await a.post(OK_REQUEST, { id: teamId }, { 'x-api-key': secret });
      expect(res.status).toBe(200);
      expect(Boolean(res.errors)).toBe(failing);
    }
  };

  it('MONTHLY_QUOTA mails once per crossing, per key for a team-wide alert, and re-arms with the new month', async () => {
    const w = await world('Quota Partners');
    const big = await w.createKey('Big', 10);
    const small = await w.createKey('Small', 4);
    const onBig = (
      await w.alert(w.owner, { kind: 'MONTHLY_QUOTA', threshold: 0.5, apiKeyId: big.id })
    ).data!.createUsageAlert;
    const everyKey = (await w.alert(w.admin, { kind: 'MONTHLY_QUOTA', threshold: 0.75 })).data!
      .createUsageAlert;
    const half = (email: string) => mailsTo(email, /"Big" has used 50 % of its monthly limit/);

    await send(big.secret, w.teamId, 4);
    await bothCheck();
    expect(mailsTo(w.owner.email, /monthly limit/)).toHaveLength(0); // 40 %

    await send(big.secret, w.teamId, 1);
    await bothCheck();
    for (const p of [w.owner, w.admin]) {
      const mails = half(p.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.text).toContain(
        'had used 50 % of its monthly limit (about 5 of 10 requests)',
      );
      expect(mails[0]!.text).toContain(`http://portal.test/teams/${w.teamId}/keys/${big.id}/usage`);
      expect(mails[0]!.html).toContain(
        `href="http://portal.test/teams/${w.teamId}/keys/${big.id}/usage"`,
      );
    }
    expect(mailsTo(w.member.email, /monthly limit/)).toHaveLength(0);
    const seen = await a.gql<{ team: { usageAlerts: AlertView[] } }>(
      ALERTS,
      { id: w.teamId },
      w.member.token,
    );
    const byId = new Map(seen.data!.team.usageAlerts.map((x) => [x.id, x]));
    expect(byId.get(onBig.id)!.lastTriggeredAt).not.toBeNull();
    expect(byId.get(everyKey.id)!.lastTriggeredAt).toBeNull();

    // The team-wide alert watches each key on its own: the small key crosses 75 %.
    await send(small.secret, w.teamId, 3);
    await bothCheck();
    expect(mailsTo(w.owner.email, /"Small" has used 75 %/)).toHaveLength(1);
    // The big key goes on (70 %): its alert is already spent, the team-wide one not reached.
    await send(big.secret, w.teamId, 2);
    await bothCheck();
    await bothCheck();
    expect(half(w.owner.email)).toHaveLength(1);
    expect(mailsTo(w.owner.email, /monthly limit/)).toHaveLength(2);
    // 80 %: the team-wide alert crosses for the big key too.
    await send(big.secret, w.teamId, 1);
    await bothCheck();
    expect(mailsTo(w.admin.email, /"Big" has used 80 %/)).toHaveLength(1);
    expect(mailsTo(w.admin.email, /monthly limit/)).toHaveLength(3);

    // A new month: usage falls to nothing and every alert re-arms; crossing again mails again.
    const now = clock.now();
    const nextMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 0, 1);
    clock.advanceMinutes(Math.ceil((nextMonth - now.getTime()) / 60_000));
    await bothCheck();
    expect(mailsTo(w.owner.email, /monthly limit/)).toHaveLength(3);
    await send(big.secret, w.teamId, 5);
    await bothCheck();
    await bothCheck();
    expect(half(w.owner.email)).toHaveLength(2);
    expect(half(w.admin.email)).toHaveLength(2);
    expect(mailsTo(w.owner.email, /monthly limit/)).toHaveLength(4);
    expect(
      [...a.logs, ...b.logs].filter((l) =>
        /scheduled (job|work) failed|usage alert check failed/.test(l),
      ),
    ).toEqual([]);
  });

  it('ERROR_RATE judges the last 5 minutes with at least 20 requests, mails once per crossing and re-arms', async () => {
    const w = await world('Error Partners');
    const one = await w.createKey('One');
    const two = await w.createKey('Two');
    await w.alert(w.owner, { kind: 'ERROR_RATE', threshold: 0.5 });
    await w.alert(w.owner, { kind: 'ERROR_RATE', threshold: 0.9, apiKeyId: one.id });
    const teamMails = (email: string) => mailsTo(email, /of requests failing for Error Partners$/);
    const keyMails = (email: string) => mailsTo(email, /of requests failing for API key "One"$/);

    await send(one.secret, w.teamId, 19, true);
    await bothCheck();
    expect(teamMails(w.owner.email)).toHaveLength(0); // 19 requests: too few to judge

    await send(two.secret, w.teamId, 1);
    await bothCheck();
    for (const p of [w.owner, w.admin]) {
      const mails = teamMails(p.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toBe('95 % of requests failing for Error Partners');
      expect(mails[0]!.text).toContain(`http://portal.test/teams/${w.teamId}/usage`);
    }
    expect(keyMails(w.owner.email)).toHaveLength(0); // the key itself made only 19 requests
    expect(teamMails(w.member.email)).toHaveLength(0);

    await bothCheck();
    await send(one.secret, w.teamId, 5, true);
    await bothCheck();
    expect(teamMails(w.owner.email)).toHaveLength(1); // still above: no second mail
    expect(keyMails(w.owner.email)).toHaveLength(1); // 24 requests of its own, all failed

    // Five quiet minutes: nothing to judge, nothing changes. Then 20 good requests: below, re-armed.
    clock.advanceMinutes(6);
    await bothCheck();
    await send(two.secret, w.teamId, 20);
    await bothCheck();
    expect(teamMails(w.owner.email)).toHaveLength(1);

    clock.advanceMinutes(6);
    await send(one.secret, w.teamId, 20, true);
    await bothCheck();
    await bothCheck();
    expect(teamMails(w.owner.email).map((m) => m.subject)).toEqual([
      '95 % of requests failing for Error Partners',
      '100 % of requests failing for Error Partners',
    ]);
    expect(teamMails(w.admin.email)).toHaveLength(2);
    // The key's own alert never fell back below (no judgement without 20 requests): no second mail.
    expect(keyMails(w.owner.email)).toHaveLength(1);
    expect(
      [...a.logs, ...b.logs].filter((l) =>
        /scheduled (job|work) failed|usage alert check failed/.test(l),
      ),
    ).toEqual([]);
  });
});
