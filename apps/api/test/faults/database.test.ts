import { KeyedLoad, sleep, statusOf, until } from './load';
import { countedInDatabase, graphql, runPortal, seedKey } from './portal';
import { record } from './record';
import { ownMariaDb, type OwnServer } from './servers';

/** The database under a running portal: a crash of the portal, then the database going away. */
let db: OwnServer;
beforeAll(async () => {
  db = await ownMariaDb();
}, 120_000);
afterAll(() => db?.remove());

const VIEWER = { query: '{ viewer { __typename } }' };

it('kill -9 under keyed load loses at most one flush interval of counts and double-counts nothing', async () => {
  const portal = await runPortal({ env: { DATABASE_URL: db.url } });
  const seed = await seedKey(portal.base, 'kill');
  const load = new KeyedLoad(() => portal.base, seed.secret, [VIEWER], 4);
  load.start();
  await sleep(2600);
  const killedAt = Date.now();
  await portal.kill();
  await load.stop();

  // Restarted on the same database: what the killed process had written is all there is.
  const again = await runPortal({ env: { DATABASE_URL: db.url } });
  const counted = await countedInDatabase(db.url, seed.keyId);
  expect(await again.stop()).toBe(0);

  const received = load.answers.length;
  const lost = received - counted.requests;
  // A flush runs every second; a kill during one also loses that flush's batch (a few ms more).
  const lastInterval = load.answers.filter((a) => a.at >= killedAt - 1_250).length;
  record('kill -9', `received ${received} answers, counted ${counted.requests}, lost ${lost}`, {
    byStatus: load.byStatus(),
    answersInLastFlushInterval: lastInterval,
  });
  expect(load.byStatus()).toEqual({ 200: received });
  expect(received).toBeGreaterThan(100);
  // Nothing double-counted: at most the answers the server finished but the client never read.
  expect(counted.requests).toBeLessThanOrEqual(received + 4);
  expect(lost).toBeLessThanOrEqual(lastInterval);
});

it('MariaDB stopped for 10 s under load: 503s (never 500), recovery on its own, buffered counts written after', async () => {
  const portal = await runPortal({ env: { DATABASE_URL: db.url } });
  const seed = await seedKey(portal.base, 'outage');
  const auth = { authorization: `Bearer ${seed.token}` };
  const TEAM = {
    query: 'query($id: ID!) { team(id: $id) { id name } }',
    variables: { id: seed.teamId },
  };
  // Half the operations need the database (the team), half do not (a cached key's viewer).
  const load = new KeyedLoad(() => portal.base, seed.secret, [VIEWER, TEAM], 3);
  load.start();
  await sleep(1500);

  const downAt = Date.now();
  await db.stop();
  await sleep(1000);
  const during = {
    healthz: await statusOf(`${portal.base}/healthz`),
    readyz: await statusOf(`${portal.base}/readyz`),
    // A session token is checked against the database before any GraphQL runs.
    session: await graphql(portal.base, '{ viewer { user { id } } }', {}, auth),
  };
  await sleep(10_000 - (Date.now() - downAt));
  await db.start();
  const upAt = Date.now();
  // The probe's own keyed requests count too.
  const probes: Record<string, number> = {};
  const recoveryMs = await until(async () => {
    const { status, body } = await graphql(portal.base, TEAM.query, TEAM.variables, {
      'x-api-key': seed.secret,
    });
    probes[status] = (probes[status] ?? 0) + 1;
    return status === 200 && !body?.errors;
  }, 30_000);
  const recoveredAt = Date.now();
  await sleep(3000);
  await load.stop();
  const afterRecovery = load.byStatus(recoveredAt + 500);
  const outage = load.byStatus(downAt + 200, upAt);
  const outage503 = load.answers.filter((a) => a.at >= downAt && a.at < upAt && a.status === 503);

  // A clean stop writes what is still buffered; then the store must hold every answer.
  expect(await portal.stop()).toBe(0);
  const counted = await countedInDatabase(db.url, seed.keyId);
  const received = load.byStatus();
  for (const [status, n] of Object.entries(probes)) received[status] = (received[status] ?? 0) + n;
  record(
    'MariaDB down 10 s',
    `outage answers ${JSON.stringify(outage)}, recovered ${recoveryMs} ms after the database was back; received ${Object.values(received).reduce((a, b) => a + b, 0)}, counted ${counted.requests}`,
    {
      during: {
        healthz: during.healthz,
        readyz: during.readyz,
        session: during.session.status,
        sessionError: during.session.body?.errors?.[0],
      },
      afterRecovery,
      received,
      counted: counted.byStatus,
      exampleOutageAnswer: outage503[0],
    },
  );

  const masked = load.answers.filter(
    (a) =>
      a.at >= downAt && a.code === 'INTERNAL_SERVER_ERROR' && a.reason !== 'DATABASE_UNAVAILABLE',
  );
  expect(masked).toEqual([]);
  expect(outage[500]).toBeUndefined();
  expect(outage[503]).toBeGreaterThan(10);
  expect(outage503[0]).toMatchObject({
    code: 'INTERNAL_SERVER_ERROR',
    reason: 'DATABASE_UNAVAILABLE',
    message: 'The database is unavailable; try again in a moment.',
  });
  expect(during.healthz).toBe(503);
  expect(during.readyz).toBe(503);
  expect(during.session.status).toBe(503);
  expect(during.session.body?.errors?.[0]?.extensions?.reason).toBe('DATABASE_UNAVAILABLE');
  expect(Object.keys(afterRecovery)).toEqual(['200']);
  expect(recoveryMs).toBeLessThan(10_000);
  // Every answer counted once, the outage's included (they waited in the buffer).
  expect(counted.byStatus).toEqual(received);
  // The recorder says once that writes fail and once that they work again, not every second.
  const usageLines = portal
    .logs()
    .map((l) => l.msg)
    .filter((msg) => typeof msg === 'string' && msg.startsWith('usage counts'));
  expect(usageLines).toEqual([
    expect.stringMatching(/^usage counts cannot be written/),
    'usage counts written again after failed writes',
  ]);
});
