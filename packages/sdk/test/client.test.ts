// verifyKey against the real portal (the built apps/api as a child process), through a small proxy
// that counts what reaches the portal and plays its faults.
import { createPortalClient, PortalError, type PortalClientOptions } from '../src';
import { startProxy, type Proxy } from './support/proxy';
import {
  createKey,
  createOwner,
  freePort,
  revokeKey,
  SERVICE_TOKEN,
  startPortal,
  type Owner,
  type Portal,
  type TestKey,
} from './support/portal';

let portal: Portal;
let proxy: Proxy;
let owner: Owner;
let prod: TestKey;
let dev: TestKey;

beforeAll(async () => {
  portal = await startPortal();
  proxy = await startProxy(portal.url);
  owner = await createOwner(portal.url);
  [prod, dev] = await Promise.all([
    createKey(portal.url, owner, { environment: 'PRODUCTION' }),
    createKey(portal.url, owner, { environment: 'DEVELOPMENT' }),
  ]);
});

afterAll(async () => {
  await proxy?.close();
  await portal?.stop();
});

beforeEach(() => {
  proxy.reset();
  proxy.mode = 'pass';
});

const client = (options: Partial<PortalClientOptions> = {}) =>
  createPortalClient({
    url: proxy.url,
    serviceToken: SERVICE_TOKEN,
    onError: () => {},
    ...options,
  });
const verifies = () => proxy.hits['/v1/keys/verify'] ?? 0;

describe('verifyKey: the contract’s answers', () => {
  it('a valid key: its ids, environment, expiry and limits', async () => {
    await expect(client().verifyKey(prod.secret)).resolves.toEqual({
      valid: true,
      keyId: prod.id,
      teamId: owner.teamId,
      environment: 'PRODUCTION',
      expiresAt: null,
      ratelimit: null,
      monthly: null,
    });
    await expect(
      client().verifyKey(dev.secret, { environment: 'DEVELOPMENT' }),
    ).resolves.toMatchObject({
      valid: true,
      keyId: dev.id,
      environment: 'DEVELOPMENT',
    });
  });

  it('a limited key: where it stands in its windows', async () => {
    const key = await createKey(portal.url, owner, {
      rateLimitPerMinute: 5,
      monthlyRequestLimit: 100,
    });
    const result = await client().verifyKey(key.secret, { count: false });
    expect(result).toMatchObject({
      valid: true,
      ratelimit: { limit: 5, remaining: 4, resetSeconds: expect.any(Number) },
      monthly: { limit: 100, remaining: 99 },
    });
  });

  it('MALFORMED: answered here without a request, or by the portal when the local check is off', async () => {
    const c = client();
    await expect(c.verifyKey('ppk_live_nope')).resolves.toEqual({
      valid: false,
      code: 'MALFORMED',
    });
    expect(verifies()).toBe(0);
    await expect(client({ checkFormat: false }).verifyKey('ppk_live_nope')).resolves.toEqual({
      valid: false,
      code: 'MALFORMED',
    });
    expect(verifies()).toBe(1);
  });

  it('NOT_FOUND for a well-formed key of another portal; that portal, without SERVICE_TOKENS, is SERVICE_DISABLED', async () => {
    // Its own SQLite file even when the tests run on MariaDB: a database of its own.
    const other = await startPortal({ SERVICE_TOKENS: '', DATABASE_URL: '' });
    try {
      const stranger = await createKey(other.url, await createOwner(other.url));
      await expect(client().verifyKey(stranger.secret)).resolves.toEqual({
        valid: false,
        code: 'NOT_FOUND',
      });
      const disabled = createPortalClient({ url: other.url, serviceToken: SERVICE_TOKEN });
      await expect(disabled.verifyKey(stranger.secret)).rejects.toMatchObject({
        code: 'SERVICE_DISABLED',
        status: 404,
        retryable: false,
      });
    } finally {
      await other.stop();
    }
  });

  it('REVOKED, with the key and team', async () => {
    const key = await createKey(portal.url, owner);
    await revokeKey(portal.url, owner, key);
    await expect(client().verifyKey(key.secret)).resolves.toEqual({
      valid: false,
      code: 'REVOKED',
      keyId: key.id,
      teamId: owner.teamId,
    });
  });

  it('WRONG_ENVIRONMENT for a development key where production is served', async () => {
    await expect(client().verifyKey(dev.secret, { environment: 'PRODUCTION' })).resolves.toEqual({
      valid: false,
      code: 'WRONG_ENVIRONMENT',
      keyId: dev.id,
      teamId: owner.teamId,
    });
  });

  it('RATE_LIMITED past the per-minute limit, with retryAfterSeconds', async () => {
    const key = await createKey(portal.url, owner, { rateLimitPerMinute: 1 });
    const c = client();
    await expect(c.verifyKey(key.secret, { count: false })).resolves.toMatchObject({ valid: true });
    const refused = await c.verifyKey(key.secret, { count: false });
    expect(refused).toEqual({
      valid: false,
      code: 'RATE_LIMITED',
      keyId: key.id,
      teamId: owner.teamId,
      retryAfterSeconds: expect.any(Number),
    });
    expect(refused.valid === false && refused.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('QUOTA_EXCEEDED past the monthly limit', async () => {
    const key = await createKey(portal.url, owner, { monthlyRequestLimit: 1 });
    const c = client();
    await expect(c.verifyKey(key.secret, { count: false })).resolves.toMatchObject({ valid: true });
    await expect(c.verifyKey(key.secret, { count: false })).resolves.toMatchObject({
      valid: false,
      code: 'QUOTA_EXCEEDED',
      keyId: key.id,
    });
  });

  // EXPIRED is not produced here: the shortest expiry the API offers is 30 days, and the built
  // portal runs on the real clock. parseVerifyResult takes it (pure.test.ts) and the middleware
  // answers it 401 (pure.test.ts, refusals).
});

describe('the cache', () => {
  it('a valid answer is reused for count:false verifies: one request reaches the portal', async () => {
    const c = client();
    for (let i = 0; i < 5; i++) await c.verifyKey(prod.secret, { count: false });
    expect(verifies()).toBe(1);
    expect(c.stats()).toMatchObject({ portalRequests: 1, localAnswers: 4 });
  });

  it('a counted verify always reaches the portal (it must be counted there)', async () => {
    const c = client();
    await c.verifyKey(prod.secret, { count: false });
    await c.verifyKey(prod.secret);
    await c.verifyKey(prod.secret);
    expect(verifies()).toBe(3);
  });

  it('the environment is part of the answer: cached apart', async () => {
    const c = client();
    await c.verifyKey(dev.secret, { count: false });
    await expect(
      c.verifyKey(dev.secret, { count: false, environment: 'PRODUCTION' }),
    ).resolves.toMatchObject({
      code: 'WRONG_ENVIRONMENT',
    });
    expect(verifies()).toBe(2);
  });

  it('a key with limits is never answered from the cache: each request takes from its limits', async () => {
    const key = await createKey(portal.url, owner, { rateLimitPerMinute: 2 });
    const c = client();
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await c.verifyKey(key.secret, { count: false }));
    expect(verifies()).toBe(3);
    expect(results.map((r) => r.valid)).toEqual([true, true, false]);
  });

  it('a RATE_LIMITED answer is reused no longer than the cache time, with a Retry-After that counts down', async () => {
    const key = await createKey(portal.url, owner, { rateLimitPerMinute: 1 });
    const c = client({ cacheTtlMs: 1500 });
    await c.verifyKey(key.secret, { count: false });
    const first = await c.verifyKey(key.secret, { count: false });
    await new Promise((r) => setTimeout(r, 1100));
    const again = await c.verifyKey(key.secret, { count: false });
    expect(verifies()).toBe(2);
    expect(again).toMatchObject({ code: 'RATE_LIMITED' });
    const after = (r: typeof first) => (r.valid ? 0 : (r.retryAfterSeconds ?? 0));
    expect(after(again)).toBeLessThanOrEqual(after(first));
    await new Promise((r) => setTimeout(r, 500));
    await c.verifyKey(key.secret, { count: false });
    expect(verifies()).toBe(3);
  });

  it('refusals that cannot change soon are reused, even for counted verifies when no key was found', async () => {
    const c = client({ checkFormat: false });
    await c.verifyKey('not-a-key');
    await c.verifyKey('not-a-key');
    expect(verifies()).toBe(1);
  });

  it('entries end after cacheTtlMs: a revoked key passes until then, and not after', async () => {
    const key = await createKey(portal.url, owner);
    const c = client({ cacheTtlMs: 700, negativeCacheTtlMs: 700 });
    await expect(c.verifyKey(key.secret, { count: false })).resolves.toMatchObject({ valid: true });
    await revokeKey(portal.url, owner, key);
    await expect(c.verifyKey(key.secret, { count: false })).resolves.toMatchObject({ valid: true });
    await new Promise((r) => setTimeout(r, 800));
    await expect(c.verifyKey(key.secret, { count: false })).resolves.toMatchObject({
      code: 'REVOKED',
    });
    expect(verifies()).toBe(2);
  });

  it('is bounded: the least recently used entry goes first', async () => {
    const keys = [prod, dev, await createKey(portal.url, owner)];
    const c = client({ cacheMaxEntries: 2 });
    for (const key of keys) await c.verifyKey(key.secret, { count: false });
    expect(c.stats().cacheSize).toBe(2);
    await c.verifyKey(keys[2]!.secret, { count: false });
    expect(verifies()).toBe(3);
    await c.verifyKey(keys[0]!.secret, { count: false });
    expect(verifies()).toBe(4);
  });

  it('when a cached answer runs out under load, the requests in flight share one verify', async () => {
    const c = client({ cacheTtlMs: 300 });
    await c.verifyKey(prod.secret, { count: false });
    await new Promise((r) => setTimeout(r, 400));
    const results = await Promise.all(
      Array.from({ length: 20 }, () => c.verifyKey(prod.secret, { count: false })),
    );
    expect(results.every((r) => r.valid)).toBe(true);
    expect(verifies()).toBe(2);
  });

  it('…but never for a key with limits: concurrent requests each take from them', async () => {
    const key = await createKey(portal.url, owner, { rateLimitPerMinute: 3 });
    const c = client();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => c.verifyKey(key.secret, { count: false })),
    );
    expect(verifies()).toBe(5);
    expect(results.filter((r) => r.valid)).toHaveLength(3);
  });

  it('cacheTtlMs: 0 turns it off', async () => {
    const c = client({ cacheTtlMs: 0 });
    await c.verifyKey(prod.secret, { count: false });
    await c.verifyKey(prod.secret, { count: false });
    expect(verifies()).toBe(2);
  });

  it('clearCache forgets a key', async () => {
    const c = client();
    await c.verifyKey(prod.secret, { count: false });
    // Answered from the cache twice: the key is now the one looked up last.
    await c.verifyKey(prod.secret, { count: false });
    expect(c.verifyKeyLocally(prod.secret, { count: false })).toMatchObject({ valid: true });
    c.clearCache(prod.secret);
    expect(c.verifyKeyLocally(prod.secret, { count: false })).toBeUndefined();
    await c.verifyKey(prod.secret, { count: false });
    expect(verifies()).toBe(2);
    c.clearCache();
    expect(c.verifyKeyLocally(prod.secret, { count: false })).toBeUndefined();
  });

  it('a key evicted right after it was looked up is asked for again', async () => {
    const c = client({ cacheMaxEntries: 1 });
    await c.verifyKey(prod.secret, { count: false });
    await c.verifyKey(prod.secret, { count: false });
    await c.verifyKey(dev.secret, { count: false });
    expect(c.verifyKeyLocally(prod.secret, { count: false })).toBeUndefined();
    await c.verifyKey(prod.secret, { count: false });
    expect(verifies()).toBe(3);
  });
});

describe('transport failures are PortalErrors with a code and status', () => {
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected a PortalError');
      },
      (error: unknown) => error as PortalError,
    );

  it('portal down: PORTAL_UNREACHABLE', async () => {
    proxy.mode = 'down';
    const error = await failure(client().verifyKey(prod.secret));
    expect(error).toBeInstanceOf(PortalError);
    expect(error).toMatchObject({ code: 'PORTAL_UNREACHABLE', status: undefined, retryable: true });
  });

  it('nothing listening: PORTAL_UNREACHABLE', async () => {
    const c = createPortalClient({
      url: `http://127.0.0.1:${await freePort()}`,
      serviceToken: SERVICE_TOKEN,
    });
    await expect(failure(c.verifyKey(prod.secret))).resolves.toMatchObject({
      code: 'PORTAL_UNREACHABLE',
    });
  });

  it('a 5xx: PORTAL_ERROR with the status', async () => {
    proxy.mode = 'error';
    await expect(failure(client().verifyKey(prod.secret))).resolves.toMatchObject({
      code: 'PORTAL_ERROR',
      status: 500,
      retryable: true,
    });
  });

  it('slower than timeoutMs: PORTAL_TIMEOUT', async () => {
    proxy.mode = 'slow';
    proxy.slowMs = 1000;
    const started = Date.now();
    await expect(failure(client({ timeoutMs: 200 }).verifyKey(prod.secret))).resolves.toMatchObject(
      {
        code: 'PORTAL_TIMEOUT',
      },
    );
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('a wrong service token: SERVICE_TOKEN_REJECTED (401), not retryable', async () => {
    const c = createPortalClient({ url: portal.url, serviceToken: 'x'.repeat(40) });
    await expect(failure(c.verifyKey(prod.secret))).resolves.toMatchObject({
      code: 'SERVICE_TOKEN_REJECTED',
      status: 401,
      retryable: false,
    });
  });

  it('a failure is never cached: the next call reaches the portal', async () => {
    const c = client({ cacheTtlMs: 0 });
    proxy.mode = 'error';
    await failure(c.verifyKey(prod.secret, { count: false }));
    proxy.mode = 'pass';
    await expect(c.verifyKey(prod.secret, { count: false })).resolves.toMatchObject({
      valid: true,
    });
  });
});
