import { generateApiKey } from '../src/modules/api-keys/key-format';
import { loadConfig } from '../src/config';
import { signUp, startPortal, type TestPortal } from './harness';
import { createTeam } from './teams-world';

const TOKEN = 'svc-token-0123456789-abcdefghijklmnop';
const OTHER_TOKEN = 'svc-token-second-service-0123456789xyz';
const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id expiresAt } } }`;
const REVOKE = `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`;

let t: TestPortal;
beforeAll(async () => {
  t = await startPortal({ SERVICE_TOKENS: `${TOKEN}, ${OTHER_TOKEN}` });
});
afterAll(() => t.stop());

interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

async function call<T = Record<string, unknown>>(
  path: string,
  body: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` },
  portal = t,
): Promise<Answer<T>> {
  const res = await fetch(`${portal.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as T };
}
const verify = (body: unknown) => call('/v1/keys/verify', body);
const report = (events: unknown[]) =>
  call<{ accepted: number; rejected: Array<{ index: number; reason: string }> }>('/v1/usage', {
    events,
  });

async function newKey(
  input: {
    environment?: 'DEVELOPMENT' | 'PRODUCTION';
    expiration?: string;
    rateLimitPerMinute?: number;
    monthlyRequestLimit?: number;
  } = {},
) {
  const owner = await signUp(t);
  const teamId = await createTeam(t, owner);
  const created = await t.gql<{
    createApiKey: { secret: string; apiKey: { id: string; expiresAt: string | null } };
  }>(
    CREATE,
    {
      input: {
        teamId,
        name: `k${Math.random()}`,
        environment: 'DEVELOPMENT',
        expiration: 'NEVER',
        ...input,
      },
    },
    owner.token,
  );
  if (!created.data) throw new Error(JSON.stringify(created.errors));
  const { secret, apiKey } = created.data.createApiKey;
  return { owner, teamId, secret, keyId: apiKey.id, expiresAt: apiKey.expiresAt };
}

/** The key's usage per status, read over GraphQL as its owner once the counts are written. */
async function statusCounts(key: { owner: { token: string }; keyId: string }) {
  await t.portal.services.usageRecorder.flush();
  const now = t.clock.now().getTime();
  const res = await t.gql<{
    apiKey: {
      usage: { totalRequests: number; statusCodes: Array<{ status: number; count: number }> };
    };
  }>(
    `query($id: ID!, $from: DateTime!, $to: DateTime!) { apiKey(id: $id) {
       usage(from: $from, to: $to, interval: HOUR) { totalRequests statusCodes { status count } } } }`,
    {
      id: key.keyId,
      from: new Date(now - 26 * 3_600_000).toISOString(),
      to: new Date(now + 3_600_000).toISOString(),
    },
    key.owner.token,
  );
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.apiKey.usage;
}

describe('POST /v1/keys/verify', () => {
  it('answers a valid key with its team, environment, expiry and limits, and counts it as 200', async () => {
    const key = await newKey({
      environment: 'PRODUCTION',
      expiration: 'DAYS_30',
      rateLimitPerMinute: 10,
      monthlyRequestLimit: 1000,
    });
    const res = await verify({ key: key.secret, environment: 'PRODUCTION' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      valid: true,
      keyId: key.keyId,
      teamId: key.teamId,
      environment: 'PRODUCTION',
      expiresAt: key.expiresAt,
      ratelimit: { limit: 10, remaining: 9, resetSeconds: expect.any(Number) },
      monthly: { limit: 1000, remaining: 999 },
    });
    expect(res.headers.get('cache-control')).toBe('no-store');
    const second = await verify({ key: key.secret });
    expect(second.body).toMatchObject({
      valid: true,
      ratelimit: { remaining: 8 },
      monthly: { remaining: 998 },
    });
    expect(await statusCounts(key)).toEqual({
      totalRequests: 2,
      statusCodes: [{ status: 200, count: 2 }],
    });
  });

  it('answers null limits for a key without any, and expiresAt null for one that never expires', async () => {
    const key = await newKey();
    expect((await verify({ key: key.secret })).body).toEqual({
      valid: true,
      keyId: key.keyId,
      teamId: key.teamId,
      environment: 'DEVELOPMENT',
      expiresAt: null,
      ratelimit: null,
      monthly: null,
    });
  });

  it('refuses a string that is not a key, or a key with a wrong checksum, as MALFORMED', async () => {
    const { secret } = await newKey();
    const flipped = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    for (const key of ['', 'hello', flipped, `${secret}x`])
      expect(await verify({ key })).toMatchObject({
        status: 200,
        body: { valid: false, code: 'MALFORMED' },
      });
  });

  it('refuses a well-formed key nobody issued as NOT_FOUND, naming no key or team', async () => {
    const invented = generateApiKey('PRODUCTION').secret;
    for (let i = 0; i < 2; i++) {
      const res = await verify({ key: invented });
      expect(res.body).toEqual({ valid: false, code: 'NOT_FOUND' });
    }
  });

  it('refuses a revoked key as REVOKED with its key and team, and counts it as 401', async () => {
    const key = await newKey();
    expect((await verify({ key: key.secret })).body).toMatchObject({ valid: true });
    await t.gql(REVOKE, { id: key.keyId }, key.owner.token);
    const res = await verify({ key: key.secret });
    expect(res.body).toEqual({
      valid: false,
      code: 'REVOKED',
      keyId: key.keyId,
      teamId: key.teamId,
    });
    expect((await statusCounts(key)).statusCodes).toEqual([
      { status: 200, count: 1 },
      { status: 401, count: 1 },
    ]);
  });

  it('refuses a key of the other environment as WRONG_ENVIRONMENT, counted as 401', async () => {
    const key = await newKey({ environment: 'DEVELOPMENT' });
    expect((await verify({ key: key.secret, environment: 'PRODUCTION' })).body).toEqual({
      valid: false,
      code: 'WRONG_ENVIRONMENT',
      keyId: key.keyId,
      teamId: key.teamId,
    });
    expect((await verify({ key: key.secret, environment: 'DEVELOPMENT' })).body).toMatchObject({
      valid: true,
    });
    expect((await statusCounts(key)).statusCodes).toEqual([
      { status: 200, count: 1 },
      { status: 401, count: 1 },
    ]);
  });

  it('takes one request from the per-minute limit per verify: RATE_LIMITED with retryAfterSeconds, counted as 429', async () => {
    const key = await newKey({ rateLimitPerMinute: 2 });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await verify({ key: key.secret })).body);
    expect(answers.map((a) => a.valid)).toEqual([true, true, false]);
    expect(answers[1]).toMatchObject({ ratelimit: { limit: 2, remaining: 0 } });
    expect(answers[2]).toEqual({
      valid: false,
      code: 'RATE_LIMITED',
      keyId: key.keyId,
      teamId: key.teamId,
      retryAfterSeconds: expect.any(Number),
    });
    expect(answers[2]!.retryAfterSeconds).toBeGreaterThan(0);
    expect(answers[2]!.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await statusCounts(key)).statusCodes).toEqual([
      { status: 200, count: 2 },
      { status: 429, count: 1 },
    ]);
  });

  it('refuses past the monthly limit as QUOTA_EXCEEDED until the month ends', async () => {
    const key = await newKey({ monthlyRequestLimit: 2 });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await verify({ key: key.secret })).body);
    expect(answers.map((a) => a.valid)).toEqual([true, true, false]);
    expect(answers[1]).toMatchObject({ monthly: { limit: 2, remaining: 0 }, ratelimit: null });
    expect(answers[2]).toMatchObject({ code: 'QUOTA_EXCEEDED', keyId: key.keyId });
    const now = t.clock.now();
    const monthEnd = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    expect(
      Math.abs((answers[2]!.retryAfterSeconds as number) - (monthEnd - now.getTime()) / 1000),
    ).toBeLessThan(5);
  });

  it('with "count": false still takes from the limits but counts nothing: the caller reports the outcome', async () => {
    const key = await newKey({ rateLimitPerMinute: 1 });
    expect((await verify({ key: key.secret, count: false })).body).toMatchObject({ valid: true });
    expect((await verify({ key: key.secret, count: false })).body).toMatchObject({
      code: 'RATE_LIMITED',
    });
    expect(await statusCounts(key)).toEqual({ totalRequests: 0, statusCodes: [] });
  });

  it.each([
    ['not JSON', '{"key": ', /not valid JSON/],
    ['an array', [], /JSON object/],
    ['no key', {}, /"key" must be a string/],
    ['a number as key', { key: 42 }, /"key" must be a string/],
    ['an unknown field', { key: 'x', enviroment: 'PRODUCTION' }, /Unknown field "enviroment"/],
    ['a bad environment', { key: 'x', environment: 'STAGING' }, /"environment" must be/],
    ['count not a boolean', { key: 'x', count: 'no' }, /"count" must be true or false/],
  ])('answers 400 with a clear message for %s', async (_label, body, message) => {
    const res = await verify(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'BAD_USER_INPUT', message: expect.any(String) } });
    expect((res.body as { error: { message: string } }).error.message).toMatch(message);
  });

  it('answers 400 for a body that is not JSON, and 413 for one over the size limit', async () => {
    const text = await call('/v1/keys/verify', 'key=x', {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'text/plain',
    });
    expect(text.status).toBe(400);
    const big = await verify({ key: 'x'.repeat(10_000) });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ error: { code: 'BAD_USER_INPUT' } });
  });
});

describe('the fast path and the Express routes', () => {
  // The plain case (exact path, JSON in UTF-8, a known length) is answered in front of Express
  // (v1.fast.ts); every other case goes on to the Express routes. Both must answer alike.
  const raw = (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, ...headers },
      body,
    });

  it('answers a verify the same on either path, with the same JSON headers', async () => {
    const { secret, keyId } = await newKey({ environment: 'PRODUCTION' });
    const body = JSON.stringify({ key: secret, count: false });
    const answers = [];
    for (const [path, type] of [
      ['/v1/keys/verify', 'application/json'],
      ['/v1/keys/verify', 'application/json; charset=UTF-8'],
      ['/v1/keys/verify?from=test', 'application/json'],
      ['/v1/keys/verify/', 'application/json'],
    ] as const) {
      const res = await raw(path, body, { 'content-type': type });
      answers.push({
        status: res.status,
        type: res.headers.get('content-type'),
        cache: res.headers.get('cache-control'),
        nosniff: res.headers.get('x-content-type-options'),
        body: await res.json(),
      });
    }
    for (const answer of answers)
      expect(answer).toEqual({
        status: 200,
        type: 'application/json; charset=utf-8',
        cache: 'no-store',
        nosniff: 'nosniff',
        body: expect.objectContaining({ valid: true, keyId }),
      });
  });

  it('counts a reported batch the same on either path, runs of equal events and refusals alike', async () => {
    // The fast path reads the body's runs of equal events as one shared object each
    // (parseUsageBody); the Express route gets body-parser's separate objects.
    const key = await newKey();
    const ok = { keyId: key.keyId, status: 200, latencyMs: 3 };
    const body = JSON.stringify({
      events: [ok, ok, ok, { ...ok, colour: 'blue' }, ok, { ...ok, status: 404 }],
    });
    const answers = [];
    for (const path of ['/v1/usage', '/v1/usage?from=test']) {
      const res = await raw(path, body, { 'content-type': 'application/json' });
      answers.push({ status: res.status, body: await res.json() });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[0]).toEqual({
      status: 200,
      body: { accepted: 5, rejected: [{ index: 3, reason: expect.stringMatching(/colour/) }] },
    });
    expect((await statusCounts(key)).statusCodes).toEqual([
      { status: 200, count: 8 },
      { status: 404, count: 2 },
    ]);
  });

  it('answers 400 for JSON that is not an object or array, 415 for another charset, 405 for another method', async () => {
    for (const body of ['"a string"', '  42', '{"key": ', ' '])
      expect(
        (await raw('/v1/keys/verify', body, { 'content-type': 'application/json' })).status,
      ).toBe(400);
    const latin1 = await raw('/v1/keys/verify', '{"key": "x"}', {
      'content-type': 'application/json; charset=latin1',
    });
    expect(latin1.status).toBe(415);
    expect(await latin1.json()).toEqual({
      error: { code: 'BAD_USER_INPUT', message: expect.any(String) },
    });
    const get = await fetch(`${t.url}/v1/keys/verify`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});

describe('service tokens', () => {
  it('accepts every configured token and refuses a missing, wrong or malformed one with 401', async () => {
    const { secret } = await newKey();
    for (const token of [TOKEN, OTHER_TOKEN])
      expect(
        (await call('/v1/keys/verify', { key: secret }, { authorization: `Bearer ${token}` }))
          .status,
      ).toBe(200);
    for (const headers of [
      {} as Record<string, string>,
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { authorization: TOKEN },
      { authorization: `Basic ${TOKEN}` },
      // A partner key is not a service token.
      { authorization: `Bearer ${secret}` },
    ]) {
      for (const path of ['/v1/keys/verify', '/v1/usage']) {
        const res = await call(path, { key: secret, events: [] }, headers);
        expect(res.status).toBe(401);
        expect(res.body).toEqual({
          error: { code: 'UNAUTHENTICATED', message: expect.any(String) },
        });
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
      }
    }
    // Refusals are logged, never the token presented.
    expect(t.logs.join('\n')).not.toContain(`${TOKEN}x`);
  });

  it('answers 404 on every /v1/ endpoint when SERVICE_TOKENS is unset', async () => {
    const bare = await startPortal();
    try {
      for (const path of ['/v1/keys/verify', '/v1/usage']) {
        const res = await call(path, { key: 'x' }, { authorization: `Bearer ${TOKEN}` }, bare);
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
      }
    } finally {
      await bare.stop();
    }
  });
});

describe('POST /v1/usage', () => {
  it('counts each accepted event in its key usage with its status, and rejects the others by index', async () => {
    const key = await newKey();
    const other = await newKey();
    const now = t.clock.now();
    const res = await report([
      { keyId: key.keyId, status: 200, latencyMs: 12 },
      { keyId: key.keyId, status: 200 },
      { keyId: key.keyId, status: 502, latencyMs: 30_000, at: now.toISOString() },
      { keyId: other.keyId, status: 404, at: now.getTime() - 3_600_000 },
      { keyId: '00000000-0000-4000-8000-000000000000', status: 200 },
      { keyId: key.keyId, status: 600 },
      { keyId: key.keyId, status: 99 },
      { keyId: key.keyId, status: 200.5 },
      { keyId: key.keyId, status: '200' },
      { keyId: key.keyId, status: 200, latencyMs: -1 },
      { keyId: key.keyId, status: 200, at: 'yesterday' },
      { keyId: key.keyId, status: 200, at: now.getTime() - 25 * 3_600_000 },
      { keyId: key.keyId, status: 200, at: now.getTime() + 10 * 60_000 },
      { keyId: key.keyId, status: 200, colour: 'blue' },
      'not an event',
      { status: 200 },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(4);
    expect(res.body.rejected.map((r) => r.index)).toEqual([
      4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    ]);
    expect(res.body.rejected[0]!.reason).toMatch(/no key/i);
    expect(res.body.rejected[1]!.reason).toMatch(/100 to 599/);
    expect(await statusCounts(key)).toEqual({
      totalRequests: 3,
      statusCodes: [
        { status: 200, count: 2 },
        { status: 502, count: 1 },
      ],
    });
    expect(await statusCounts(other)).toEqual({
      totalRequests: 1,
      statusCodes: [{ status: 404, count: 1 }],
    });
  });

  it('counts runs of equal events as one request each, and refuses each event of a run on its own', async () => {
    // A service's batch repeats its events (the SDK sends one key, status, latency and
    // millisecond many times): the portal checks a run once; every event still counts alone.
    const key = await newKey();
    const at = t.clock.now().getTime();
    const ok = { keyId: key.keyId, status: 200, latencyMs: 5, at };
    const failed = { keyId: key.keyId, status: 503, latencyMs: 7 };
    const unknown = { keyId: '00000000-0000-4000-8000-000000000000', status: 200 };
    const res = await report([
      ok,
      ok,
      ok,
      { ...ok, colour: 'blue' },
      ok,
      ok,
      unknown,
      unknown,
      unknown,
      failed,
      failed,
      { ...failed, latencyMs: '7' },
      failed,
    ]);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(8);
    expect(res.body.rejected.map((r) => r.index)).toEqual([3, 6, 7, 8, 11]);
    expect(res.body.rejected[0]!.reason).toMatch(/unknown field "colour"/i);
    expect(res.body.rejected[1]!.reason).toMatch(/no key/i);
    expect(res.body.rejected[4]!.reason).toMatch(/latencyMs/);
    const usage = await statusCounts(key);
    expect(usage).toEqual({
      totalRequests: 8,
      statusCodes: [
        { status: 200, count: 5 },
        { status: 503, count: 3 },
      ],
    });
  });

  it('counts an event with "count" as that many requests (beyond the contract), and refuses a count out of range', async () => {
    // A service's equal requests of one second travel as one event: its "count" is how many.
    const key = await newKey();
    const at = t.clock.now().getTime();
    const ok = { keyId: key.keyId, status: 200, latencyMs: 5, at, count: 40_000 };
    const unknown = { keyId: '00000000-0000-4000-8000-000000000000', status: 200, count: 7 };
    const res = await report([
      ok,
      ok,
      { keyId: key.keyId, status: 429, count: 3 },
      { keyId: key.keyId, status: 503, latencyMs: 9, count: 1 },
      unknown,
      unknown,
      ...[0, -1, 2.5, '3', null, 100_001].map((count) => ({
        keyId: key.keyId,
        status: 200,
        count,
      })),
    ]);
    expect(res.status).toBe(200);
    // accepted counts requests: 40,000 twice, 3 and 1.
    expect(res.body.accepted).toBe(80_004);
    // An event stands for its requests, but is refused once, by its own index.
    expect(res.body.rejected.map((r) => r.index)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(res.body.rejected[0]!.reason).toMatch(/no key/i);
    for (const r of res.body.rejected.slice(2))
      expect(r.reason).toMatch(/"count" must be .*1 to 100000/);
    expect(await statusCounts(key)).toEqual({
      totalRequests: 80_004,
      statusCodes: [
        { status: 200, count: 80_000 },
        { status: 429, count: 3 },
        { status: 503, count: 1 },
      ],
    });
  });

  it("rejects the events of a deleted team's keys", async () => {
    const key = await newKey();
    await t.gql(`mutation($id: ID!) { deleteTeam(id: $id) }`, { id: key.teamId }, key.owner.token);
    const res = await report([{ keyId: key.keyId, status: 200 }]);
    expect(res.body).toEqual({ accepted: 0, rejected: [{ index: 0, reason: expect.any(String) }] });
  });

  it('takes at most 1,000 events, and answers 400 for a body of another shape', async () => {
    const key = await newKey();
    const full = await report(
      Array.from({ length: 1000 }, () => ({ keyId: key.keyId, status: 204 })),
    );
    expect(full.body).toEqual({ accepted: 1000, rejected: [] });
    expect((await statusCounts(key)).statusCodes).toEqual([{ status: 204, count: 1000 }]);
    const over = await report(
      Array.from({ length: 1001 }, () => ({ keyId: key.keyId, status: 204 })),
    );
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({ error: { message: expect.stringMatching(/at most 1000/) } });
    for (const body of [{}, { events: {} }, [], { events: [], more: 1 }])
      expect((await call('/v1/usage', body)).status).toBe(400);
    expect((await report([])).body).toEqual({ accepted: 0, rejected: [] });
  });
});

// Last: it moves this portal's clock a month ahead.
it('refuses an expired key as EXPIRED with its key and team', async () => {
  const key = await newKey({ expiration: 'DAYS_30' });
  expect((await verify({ key: key.secret })).body).toMatchObject({ valid: true });
  t.clock.advanceMinutes(31 * 24 * 60);
  expect((await verify({ key: key.secret })).body).toEqual({
    valid: false,
    code: 'EXPIRED',
    keyId: key.keyId,
    teamId: key.teamId,
  });
});

describe('SERVICE_TOKENS', () => {
  it('takes comma-separated tokens of at least 32 characters, and refuses a shorter one in one line', () => {
    const base = { DATA_DIR: t.portal.config.dataDir };
    expect(
      loadConfig({ ...base, SERVICE_TOKENS: ` ${TOKEN} ,${OTHER_TOKEN}` }).serviceTokens,
    ).toEqual([TOKEN, OTHER_TOKEN]);
    expect(loadConfig(base).serviceTokens).toEqual([]);
    expect(() => loadConfig({ ...base, SERVICE_TOKENS: `${TOKEN},short` })).toThrow(
      'SERVICE_TOKENS must be comma-separated tokens of at least 32 characters each',
    );
  });
});
