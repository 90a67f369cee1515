import { databaseUrlOf, signUp, startPortal, type TestPortal } from './harness';
import { createTeam } from './teams-world';

const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`;
const USAGE_FIELDS = `totalRequests errorRequests errorRate statusCodes { status count } series { at requests errors }`;
type UsageResult = {
  totalRequests: number;
  errorRequests: number;
  errorRate: number;
  statusCodes: Array<{ status: number; count: number }>;
  series: Array<{ at: string; requests: number; errors: number }>;
};

let t: TestPortal;
beforeAll(async () => {
  t = await startPortal();
});
afterAll(() => t.stop());

async function setup(
  limits: { rateLimitPerMinute?: number; monthlyRequestLimit?: number } = {},
  portal = t,
) {
  const owner = await signUp(portal);
  const teamId = await createTeam(portal, owner);
  const created = await portal.gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
    CREATE,
    {
      input: {
        teamId,
        name: `k${Math.random()}`,
        environment: 'DEVELOPMENT',
        expiration: 'NEVER',
        ...limits,
      },
    },
    owner.token,
  );
  const { secret, apiKey } = created.data!.createApiKey;
  return { owner, teamId, secret, keyId: apiKey.id };
}

const window = () => {
  const now = t.clock.now().getTime();
  return {
    from: new Date(now - 60 * 60_000).toISOString(),
    to: new Date(now + 60_000).toISOString(),
  };
};

it('counts every keyed request exactly, per status, whatever its outcome', async () => {
  const { owner, teamId, secret, keyId } = await setup({ rateLimitPerMinute: 10 });
  const asKey = (query: string, variables: Record<string, unknown> = {}) =>
    t.post(query, variables, { 'x-api-key': secret });
  const statuses: number[] = [];
  // 4 successes
  for (let i = 0; i < 4; i++)
    statuses.push((await asKey(`query($id: ID!) { team(id: $id) { id } }`, { id: teamId })).status);
  // 2 GraphQL errors with HTTP 200 (NOT_FOUND) — failed, though 200
  for (let i = 0; i < 2; i++) statuses.push((await asKey(`{ apiKey(id: "nope") { id } }`)).status);
  // 1 invalid query: 400
  statuses.push((await asKey(`{ nope }`)).status);
  // 2 mutations: FORBIDDEN, 403
  for (let i = 0; i < 2; i++)
    statuses.push((await asKey(`mutation { createTeam(input: { name: "x" }) { id } }`)).status);
  // the 10th request of the minute passes, the next 2 are over the limit of 10: 429
  for (let i = 0; i < 3; i++) statuses.push((await asKey(`{ viewer { user { id } } }`)).status);
  expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 400, 403, 403, 200, 429, 429]);
  // Revoked: 401, still this key's
  await t.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: keyId }, owner.token);
  for (let i = 0; i < 2; i++) statuses.push((await asKey(`{ viewer { user { id } } }`)).status);
  // An unknown key belongs to no team: not counted anywhere.
  await t.post(`{ viewer { user { id } } }`, {}, { 'x-api-key': 'ppk_test_' + 'x'.repeat(38) });

  await t.portal.services.usageRecorder.flush();
  const { from, to } = window();
  const res = await t.gql<{ team: { usage: UsageResult }; apiKey: { usage: UsageResult } }>(
    `query($team: ID!, $key: ID!, $from: DateTime!, $to: DateTime!) {
       team(id: $team) { usage(from: $from, to: $to, interval: MINUTE) { ${USAGE_FIELDS} } }
       apiKey(id: $key) { usage(from: $from, to: $to, interval: HOUR) { ${USAGE_FIELDS} } } }`,
    { team: teamId, key: keyId, from, to },
    owner.token,
  );
  expect(res.errors).toBeUndefined();
  for (const usage of [res.data!.team.usage, res.data!.apiKey.usage]) {
    expect(usage.totalRequests).toBe(14);
    expect(usage.statusCodes).toEqual([
      { status: 200, count: 7 },
      { status: 400, count: 1 },
      { status: 401, count: 2 },
      { status: 403, count: 2 },
      { status: 429, count: 2 },
    ]);
    // failed: 2 GraphQL errors (HTTP 200) + 1×400 + 2×401 + 2×403 + 2×429
    expect(usage.errorRequests).toBe(2 + 1 + 2 + 2 + 2);
    expect(usage.errorRate).toBeCloseTo(9 / 14, 10);
    expect(usage.series.reduce((n, p) => n + p.requests, 0)).toBe(14);
  }
  // MINUTE over 61 minutes: one point per minute, empty ones as zeros.
  expect(res.data!.team.usage.series).toHaveLength(62);
  expect(res.data!.team.usage.series.filter((p) => p.requests === 0).length).toBeGreaterThanOrEqual(
    60,
  );
});

it('answers a per-minute limit with 429, Retry-After and RateLimit headers on every keyed response', async () => {
  const { secret } = await setup({ rateLimitPerMinute: 3 });
  const res = [];
  for (let i = 0; i < 4; i++)
    res.push(await t.post(`{ viewer { __typename } }`, {}, { authorization: `Bearer ${secret}` }));
  expect(res.map((r) => r.status)).toEqual([200, 200, 200, 429]);
  expect(res.map((r) => r.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
  expect(res.every((r) => r.headers.get('ratelimit-limit') === '3')).toBe(true);
  expect(Number(res[0]!.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
  expect(Number(res[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(res[3]!.errors?.[0]).toMatchObject({
    extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
    message: expect.stringMatching(/3 requests per minute/),
  });
});

it('answers a monthly limit with 429 saying when it resets, and the count survives a restart', async () => {
  const { secret } = await setup({ monthlyRequestLimit: 5 });
  const call = (p: TestPortal) => p.post(`{ viewer { __typename } }`, {}, { 'x-api-key': secret });
  const first = [];
  for (let i = 0; i < 3; i++) first.push((await call(t)).status);
  expect(first).toEqual([200, 200, 200]);
  await t.portal.services.usageRecorder.flush();

  // A second process on the same database (a restart, as far as its counters know).
  const again = await startPortal({
    DATABASE_URL: databaseUrlOf(t),
    REDIS_KEY_PREFIX: `fresh-${Date.now()}:`,
  });
  try {
    const later = [];
    for (let i = 0; i < 3; i++) later.push(await call(again));
    expect(later.map((r) => r.status)).toEqual([200, 200, 429]);
    const now = new Date();
    const reset = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
    expect(later[2]!.errors?.[0]?.message).toBe(
      `This key reached its monthly limit of 5 requests. It resets on ${reset}.`,
    );
    expect(later[1]!.headers.get('ratelimit-remaining')).toBe('0');
  } finally {
    await again.stop();
  }
});

it('validates ranges: from before to, at most 1,500 points', async () => {
  const { owner, teamId } = await setup();
  const q = `query($id: ID!, $from: DateTime!, $to: DateTime!, $i: UsageInterval!) { team(id: $id) { usage(from: $from, to: $to, interval: $i) { totalRequests } } }`;
  const backwards = await t.gql(
    q,
    { id: teamId, from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z', i: 'HOUR' },
    owner.token,
  );
  expect(backwards.errors?.[0]).toMatchObject({
    extensions: { code: 'BAD_USER_INPUT', fields: { from: expect.any(String) } },
  });
  const tooMany = await t.gql(
    q,
    { id: teamId, from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z', i: 'MINUTE' },
    owner.token,
  );
  expect(tooMany.errors?.[0]?.message).toMatch(/at most 1500 points/);
  const ok = await t.gql(
    q,
    { id: teamId, from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z', i: 'HOUR' },
    owner.token,
  );
  expect(ok.errors).toBeUndefined();
  const bad = await t.gql(
    q,
    { id: teamId, from: 'yesterday', to: '2026-11-01T00:00:00Z', i: 'HOUR' },
    owner.token,
  );
  expect(bad.status).toBe(400);
});

it("shows usage to members and to the team's keys; NOT_FOUND for other teams", async () => {
  const mine = await setup();
  const theirs = await setup();
  const q = `query($id: ID!, $from: DateTime!, $to: DateTime!) { team(id: $id) { usage(from: $from, to: $to, interval: HOUR) { totalRequests } } }`;
  const { from, to } = window();
  expect((await t.gql(q, { id: mine.teamId, from, to }, mine.owner.token)).errors).toBeUndefined();
  expect(
    (await t.post(q, { id: mine.teamId, from, to }, { 'x-api-key': mine.secret })).errors,
  ).toBeUndefined();
  expect(
    (await t.gql(q, { id: mine.teamId, from, to }, theirs.owner.token)).errors?.[0]?.extensions
      .code,
  ).toBe('NOT_FOUND');
  const keyQ = `query($id: ID!, $from: DateTime!, $to: DateTime!) { apiKey(id: $id) { usage(from: $from, to: $to, interval: HOUR) { totalRequests } } }`;
  expect(
    (await t.gql(keyQ, { id: mine.keyId, from, to }, theirs.owner.token)).errors?.[0]?.extensions
      .code,
  ).toBe('NOT_FOUND');
});

it('prunes minute rows past the retention and keeps the hourly ones', async () => {
  const { secret, owner, teamId } = await setup();
  await t.post(`{ viewer { __typename } }`, {}, { 'x-api-key': secret });
  await t.portal.services.usageRecorder.flush();
  t.clock.advanceMinutes(15 * 24 * 60);
  expect(await t.portal.services.usageRecorder.prune()).toBeGreaterThan(0);
  const login = await t.gql<{ logIn: { token: string } }>(
    `mutation($i: LogInInput!) { logIn(input: $i) { token } }`,
    { i: { email: owner.email, password: owner.password } },
  );
  const now = t.clock.now().getTime();
  const q = `query($id: ID!, $from: DateTime!, $to: DateTime!, $i: UsageInterval!) { team(id: $id) { usage(from: $from, to: $to, interval: $i) { totalRequests } } }`;
  const range = {
    id: teamId,
    from: new Date(now - 16 * 86_400_000).toISOString(),
    to: new Date(now).toISOString(),
  };
  const daily = await t.gql<{ team: { usage: { totalRequests: number } } }>(
    q,
    { ...range, i: 'DAY' },
    login.data!.logIn.token,
  );
  expect(daily.data?.team.usage.totalRequests).toBe(1);
});
