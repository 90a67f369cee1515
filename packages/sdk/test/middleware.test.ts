// The middleware in a plain node:http server, an Express app and a Fastify app, against the real
// portal (the built apps/api as a child process) through a proxy that counts what reaches it.
import { createPortalClient, type AuthOptions, type PortalClient, type PortalError } from '../src';
import { startApp, type App, type Framework } from './support/apps';
import { wellFormedKey } from './support/keys';
import {
  createKey,
  createOwner,
  expectUsage,
  keyUsage,
  revokeKey,
  SERVICE_TOKEN,
  startPortal,
  type Owner,
  type Portal,
  type TestKey,
} from './support/portal';
import { expand, startProxy, type Proxy } from './support/proxy';

let portal: Portal;
let proxy: Proxy;
let owner: Owner;

beforeAll(async () => {
  portal = await startPortal();
  proxy = await startProxy(portal.url);
  owner = await createOwner(portal.url);
});

afterAll(async () => {
  await proxy?.close();
  await portal?.stop();
});

const SERVES: AuthOptions = { environment: 'PRODUCTION' };

interface Answer {
  status: number;
  headers: Headers;
  body: { partner?: unknown; error?: { code: string; message: string } };
}

async function call(app: App, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(app.url + path, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Answer['body'] };
}

const bearer = (key: TestKey | string) => ({
  authorization: `Bearer ${typeof key === 'string' ? key : key.secret}`,
});

describe.each<Framework>(['http', 'express', 'fastify'])('%s', (framework) => {
  let client: PortalClient;
  let app: App;
  let errors: PortalError[];
  let prod: TestKey;
  let dev: TestKey;

  beforeAll(async () => {
    errors = [];
    client = createPortalClient({
      url: proxy.url,
      serviceToken: SERVICE_TOKEN,
      onError: (e) => errors.push(e),
    });
    app = await startApp(framework, client, { ...SERVES, onError: (e) => errors.push(e) });
    [prod, dev] = await Promise.all([
      createKey(portal.url, owner),
      createKey(portal.url, owner, { environment: 'DEVELOPMENT' }),
    ]);
  });

  afterAll(async () => {
    await app?.close();
    await client?.close();
  });

  beforeEach(() => {
    proxy.mode = 'pass';
    proxy.reset();
  });

  it('a valid key passes with req.partner set, by Bearer or X-API-Key', async () => {
    const partner = { teamId: owner.teamId, keyId: prod.id, environment: 'PRODUCTION' };
    await expect(call(app, '/hello', bearer(prod))).resolves.toMatchObject({
      status: 200,
      body: { partner },
    });
    await expect(call(app, '/hello', { 'x-api-key': prod.secret })).resolves.toMatchObject({
      status: 200,
      body: { partner },
    });
  });

  it('the second request with the same key does not reach the portal (warm cache)', async () => {
    client.clearCache();
    for (let i = 0; i < 4; i++) expect((await call(app, '/hello', bearer(prod))).status).toBe(200);
    expect(proxy.hits['/v1/keys/verify']).toBe(1);
  });

  const expectRefusal = (answer: Answer, status: number, code: string) => {
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body).toEqual({ error: { code, message: expect.any(String) } });
    expect(answer.body.partner).toBeUndefined();
  };

  it('no key: 401 UNAUTHENTICATED with WWW-Authenticate, and no request to the portal', async () => {
    const answer = await call(app, '/hello');
    expectRefusal(answer, 401, 'UNAUTHENTICATED');
    expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    expect(answer.body.error?.message).toMatch(/Authorization: Bearer/);
    expectRefusal(
      await call(app, '/hello', { authorization: 'Basic dXNlcjpwYXNz' }),
      401,
      'UNAUTHENTICATED',
    );
    expect(proxy.hits['/v1/keys/verify']).toBeUndefined();
  });

  it('two different keys in one request: 401, not a guess between them', async () => {
    const answer = await call(app, '/hello', { ...bearer(prod), 'x-api-key': dev.secret });
    expectRefusal(answer, 401, 'UNAUTHENTICATED');
    expect(proxy.hits['/v1/keys/verify']).toBeUndefined();
  });

  it('a malformed key: 401 without a request to the portal', async () => {
    expectRefusal(await call(app, '/hello', bearer('ppk_live_typo')), 401, 'UNAUTHENTICATED');
    expect(proxy.hits['/v1/keys/verify']).toBeUndefined();
  });

  it('an unknown key: 401', async () => {
    const answer = await call(app, '/hello', bearer(wellFormedKey()));
    expectRefusal(answer, 401, 'UNAUTHENTICATED');
    expect(answer.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('a revoked key: 401 saying so', async () => {
    const key = await createKey(portal.url, owner);
    await revokeKey(portal.url, owner, key);
    const answer = await call(app, '/hello', bearer(key));
    expectRefusal(answer, 401, 'UNAUTHENTICATED');
    expect(answer.body.error?.message).toMatch(/revoked/);
  });

  it('a development key where production is served: 403 FORBIDDEN', async () => {
    expectRefusal(await call(app, '/hello', bearer(dev)), 403, 'FORBIDDEN');
  });

  it('a limited key: RateLimit-* on each answer, then 429 with Retry-After', async () => {
    const key = await createKey(portal.url, owner, { rateLimitPerMinute: 2 });
    const first = await call(app, '/hello', bearer(key));
    const second = await call(app, '/hello', bearer(key));
    const third = await call(app, '/hello', bearer(key));
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.headers.get('ratelimit-limit')).toBe('2');
    expect([
      first.headers.get('ratelimit-remaining'),
      second.headers.get('ratelimit-remaining'),
    ]).toEqual(['1', '0']);
    expect(Number(first.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    expectRefusal(third, 429, 'RATE_LIMITED');
    const retryAfter = Number(third.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(third.headers.get('ratelimit-remaining')).toBe('0');
    expect(third.headers.get('ratelimit-reset')).toBe(String(retryAfter));
  });

  it('a key past its monthly limit: 429 RATE_LIMITED', async () => {
    const key = await createKey(portal.url, owner, { monthlyRequestLimit: 1 });
    expect((await call(app, '/hello', bearer(key))).headers.get('ratelimit-limit')).toBe('1');
    const answer = await call(app, '/hello', bearer(key));
    expectRefusal(answer, 429, 'RATE_LIMITED');
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('the portal down: 503 (fail closed), and the error is reported', async () => {
    client.clearCache();
    proxy.mode = 'down';
    errors.length = 0;
    const answer = await call(app, '/hello', bearer(prod));
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(answer.body).toEqual({
      error: {
        code: 'INTERNAL_SERVER_ERROR',
        message: expect.any(String),
        reason: 'KEYS_UNAVAILABLE',
      },
    });
    expect(errors.map((e) => e.code)).toContain('PORTAL_UNREACHABLE');
  });

  it('failOpen: the portal down lets the request through without req.partner', async () => {
    const openClient = createPortalClient({
      url: proxy.url,
      serviceToken: SERVICE_TOKEN,
      onError: () => {},
    });
    const open = await startApp(framework, openClient, {
      ...SERVES,
      failOpen: true,
      onError: () => {},
    });
    try {
      proxy.mode = 'error';
      await expect(call(open, '/hello', bearer(prod))).resolves.toMatchObject({
        status: 200,
        body: { partner: null },
      });
      // A refusal is still a refusal: failOpen is only about the portal being unable to answer.
      proxy.mode = 'pass';
      expect((await call(open, '/hello', bearer(dev))).status).toBe(403);
    } finally {
      await open.close();
      await openClient.close();
    }
  });

  it('reports every keyed request with the status its client got: the portal’s counts equal the requests made', async () => {
    const counted = await createKey(portal.url, owner);
    const limited = await createKey(portal.url, owner, { rateLimitPerMinute: 2 });
    const revoked = await createKey(portal.url, owner);
    const wrongEnv = await createKey(portal.url, owner, { environment: 'DEVELOPMENT' });
    await revokeKey(portal.url, owner, revoked);

    const paths = ['/hello', '/hello', '/hello', '/created', '/created', '/boom', '/slow'];
    for (const path of paths) await call(app, path, bearer(counted));
    for (let i = 0; i < 4; i++) await call(app, '/hello', bearer(limited));
    for (let i = 0; i < 2; i++) await call(app, '/hello', bearer(revoked));
    await call(app, '/hello', bearer(wrongEnv));

    // No flush, no close: the reporter sends on its own every second.
    const expected = [
      [counted, { 200: 4, 201: 2, 500: 1 }],
      [limited, { 200: 2, 429: 2 }],
      [revoked, { 401: 2 }],
      [wrongEnv, { 403: 1 }],
    ] as const;
    for (const [key, counts] of expected)
      expect(await expectUsage(portal.url, owner, key, counts, { settleMs: 0 })).toEqual(counts);
    // A moment later, still the same: nothing was counted twice or late.
    await new Promise((r) => setTimeout(r, 1500));
    for (const [key, counts] of expected)
      expect((await keyUsage(portal.url, owner, key)).byStatus).toEqual(counts);

    // And the real time taken: /slow waits 120 ms.
    const slow = expand(proxy.events).filter((e) => e.keyId === counted.id);
    expect(slow).toHaveLength(paths.length);
    expect(Math.max(...slow.map((e) => e.latencyMs ?? 0))).toBeGreaterThanOrEqual(110);
    expect(errors.filter((e) => e.code.startsWith('USAGE_'))).toEqual([]);
  });

  it('close() sends what is buffered: nothing reaches the portal before it', async () => {
    const key = await createKey(portal.url, owner);
    const lazy = createPortalClient({
      url: proxy.url,
      serviceToken: SERVICE_TOKEN,
      usage: { flushIntervalMs: 60_000 },
    });
    const lazyApp = await startApp(framework, lazy, SERVES);
    for (let i = 0; i < 3; i++) await call(lazyApp, '/hello', bearer(key));
    await lazyApp.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(proxy.hits['/v1/usage']).toBeUndefined();
    await lazy.close();
    expect(proxy.hits['/v1/usage']).toBe(1);
    expect(await expectUsage(portal.url, owner, key, { 200: 3 })).toEqual({ 200: 3 });
  });
});
