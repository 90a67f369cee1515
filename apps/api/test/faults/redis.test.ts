import { sleep, statusOf, until } from './load';
import { createKey, graphql, runPortal, seedKey, type PortalProcess } from './portal';
import { record } from './record';
import { ownMariaDb, ownRedis, type OwnServer } from './servers';

/**
 * Two processes of one deployment sharing a database and a Redis; Redis stops, then comes back.
 * Readiness says so, limits hold per process, a key revoked in one process is refused by the
 * other within 2 s (the database is polled while pub/sub is down), and the log says "lost" and
 * "back" once per connection.
 */
let db: OwnServer;
let redis: OwnServer;
let a: PortalProcess | undefined;
let b: PortalProcess | undefined;
beforeAll(async () => {
  [db, redis] = await Promise.all([ownMariaDb(), ownRedis()]);
}, 120_000);
afterAll(async () => {
  await Promise.all([a?.kill(), b?.kill()]);
  await Promise.all([db?.remove(), redis?.remove()]);
});

const keyed = (portal: PortalProcess, secret: string) =>
  graphql(portal.base, '{ viewer { __typename } }', {}, { 'x-api-key': secret });

/** Sends `n` keyed requests one after another; answers per status. */
async function burst(portal: PortalProcess, secret: string, n: number) {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const { status } = await keyed(portal, secret);
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

/** Revokes a key in one process; measures until another refuses it, and that it never accepts it again. */
async function revokeAndWatch(
  by: PortalProcess,
  other: PortalProcess,
  token: string,
  keyId: string,
  secret: string,
) {
  // Used once in the other process, so that it has the key cached.
  const warm = (await keyed(other, secret)).status;
  const revoked = await graphql(
    by.base,
    'mutation($id: ID!) { revokeApiKey(id: $id) { id status } }',
    { id: keyId },
    { authorization: `Bearer ${token}` },
  );
  const revokeError = revoked.body?.errors?.[0]?.message;
  const here = (await keyed(by, secret)).status;
  let acceptedAfterRevoke = 0;
  const refusedAfterMs = await until(
    async () => {
      const { status } = await keyed(other, secret);
      if (status === 200) acceptedAfterRevoke++;
      return status === 401;
    },
    10_000,
    20,
  ).catch(() => 'not within 10 s');
  const after = await burst(other, secret, 20);
  return { warm, revokeError, here, refusedAfterMs, acceptedAfterRevoke, after };
}

const redisLines = (portal: PortalProcess) =>
  portal
    .logs()
    .map((l) => l.msg)
    .filter((msg): msg is string => typeof msg === 'string' && /^Redis connection/.test(msg));

it('Redis stopped, then back: readiness, per-process limits, revocations within 2 s, one log line per change', async () => {
  const env = { DATABASE_URL: db.url, REDIS_URL: redis.url };
  a = await runPortal({ env });
  b = await runPortal({ env });
  const seed = await seedKey(a.base, 'redis');
  const limited = await createKey(a.base, seed.token, seed.teamId, 'limited', {
    rateLimitPerMinute: 20,
  });
  const toRevoke = await createKey(a.base, seed.token, seed.teamId, 'revoke-during');
  const toRevokeAfter = await createKey(a.base, seed.token, seed.teamId, 'revoke-after');
  expect([await statusOf(`${a.base}/readyz`), await statusOf(`${b.base}/readyz`)]).toEqual([
    200, 200,
  ]);

  // --- Redis goes away ---
  const downAt = Date.now();
  await redis.stop({ kill: true });
  const notReady = await Promise.all(
    [a, b].map((p) => until(async () => (await statusOf(`${p.base}/readyz`)) === 503, 10_000)),
  );
  const readyz = await (await fetch(`${a.base}/readyz`)).json();
  const healthz = {
    status: await statusOf(`${a.base}/healthz`),
    body: await (await fetch(`${a.base}/healthz`)).json(),
  };

  // Limits keep working, each process on its own count.
  const limitsA = await burst(a, limited.secret, 30);
  const limitsB = await burst(b, limited.secret, 30);
  // Signing in still works (its per-address limit falls back to this process too).
  const logIn = await graphql(a.base, 'mutation($i: LogInInput!) { logIn(input: $i) { token } }', {
    i: { email: seed.email, password: seed.password },
  });
  // A key revoked in A is refused by B through the database poll.
  const during = await revokeAndWatch(a, b, seed.token, toRevoke.keyId, toRevoke.secret);
  await sleep(Math.max(0, 5000 - (Date.now() - downAt)));
  const linesWhileDown = { a: redisLines(a), b: redisLines(b) };

  // --- Redis is back ---
  const upAt = Date.now();
  await redis.start();
  const readyAgain = await Promise.all(
    [a, b].map((p) => until(async () => (await statusOf(`${p.base}/readyz`)) === 200, 15_000)),
  );
  await sleep(1500);
  const after = await revokeAndWatch(a, b, seed.token, toRevokeAfter.keyId, toRevokeAfter.secret);
  const lines = { a: redisLines(a), b: redisLines(b) };

  record(
    'Redis down',
    `readyz 503 after ${notReady.join('/')} ms (A/B), 200 again ${readyAgain.join('/')} ms after Redis was back`,
    {
      readyz,
      healthz,
      limitsPerProcess: { a: limitsA, b: limitsB },
      logInDuringOutage: logIn.status,
      logInError: logIn.body?.errors?.[0],
      revokedDuringOutage: during,
      revokedAfterRecovery: after,
      logLines: lines,
      outageMs: upAt - downAt,
    },
  );

  expect(readyz).toEqual({ status: 'degraded', database: 'up', redis: 'down' });
  expect(healthz).toEqual({
    status: 200,
    body: { status: 'degraded', database: 'up', redis: 'down' },
  });
  expect(limitsA).toEqual({ 200: 20, 429: 10 });
  expect(limitsB).toEqual({ 200: 20, 429: 10 });
  expect(logIn.body?.errors).toBeUndefined();
  expect(during).toMatchObject({ warm: 200, revokeError: undefined, here: 401 });
  expect(during.refusedAfterMs).toBeLessThanOrEqual(2000);
  expect(during.after).toEqual({ 401: 20 });
  expect(after).toMatchObject({ warm: 200, revokeError: undefined, here: 401 });
  expect(after.refusedAfterMs).toBeLessThanOrEqual(1000);
  expect(after.after).toEqual({ 401: 20 });
  // One line when each connection (commands, subscriber) is lost and one when it is back.
  for (const p of ['a', 'b'] as const) {
    expect(linesWhileDown[p].filter((l) => l.startsWith('Redis connection lost'))).toHaveLength(2);
    expect(lines[p].filter((l) => l.startsWith('Redis connection lost'))).toHaveLength(2);
    expect(lines[p].filter((l) => l === 'Redis connection back')).toHaveLength(2);
  }
  expect(a.stderr() + b.stderr()).not.toMatch(/ioredis|Unhandled error/);

  expect(await a.stop()).toBe(0);
  expect(await b.stop()).toBe(0);
  // A clean stop closes the connections without calling it an outage.
  for (const p of [a, b])
    expect(redisLines(p).filter((l) => l.startsWith('Redis connection lost'))).toHaveLength(2);
});
