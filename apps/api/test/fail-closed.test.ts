import { createPool } from 'mysql2/promise';
import pino from 'pino';
import { QueryFailedError } from 'typeorm';
import { freePort } from '../src/bench/spawn';
import { createDataSource } from '../src/core/db/data-source';
import { Database } from '../src/core/db/database';
import { checkHealth } from '../src/core/health';
import { isDatabaseUnavailable } from '../src/core/errors';
import { connectRedis, RedisUnavailable } from '../src/core/redis';
import { RevocationPoller } from '../src/core/revocation-poller';
import type { Revocation } from '../src/core/revocations';
import { UsageRecorder } from '../src/modules/usage/usage.recorder';
import { SqlUsageStore } from '../src/modules/usage/usage-store';
import { signUp, startPortal, type TestPortal } from './harness';

/**
 * The pieces that make faults fail closed, each against real collaborators (the database of the
 * run, a closed port, a real driver's errors). The whole story against real processes is in
 * test/faults (pnpm test:security).
 */
let t: TestPortal;
beforeAll(async () => {
  t = await startPortal();
});
afterAll(() => t.stop());

const silent = pino({ level: 'silent' });

async function teamWithKeys(token: string, n: number) {
  const team = await t.gql<{ createTeam: { id: string } }>(
    'mutation($i: CreateTeamInput!) { createTeam(input: $i) { id } }',
    { i: { name: 'Fail closed' } },
    token,
  );
  const teamId = team.data!.createTeam.id;
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = await t.gql<{ createApiKey: { apiKey: { id: string } } }>(
      'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { apiKey { id } } }',
      { i: { teamId, name: `k${i}`, environment: 'DEVELOPMENT', expiration: 'NEVER' } },
      token,
    );
    ids.push(key.data!.createApiKey.apiKey.id);
  }
  return ids;
}

const revoke = (token: string, id: string) =>
  t.gql('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id }, token);

describe('RevocationPoller', () => {
  it('delivers keys and sessions revoked while pub/sub is down, each once, and stops one poll after it is back', async () => {
    const owner = await signUp(t);
    const other = await signUp(t);
    const [during, duringToo, atReturn, afterReturn] = await teamWithKeys(owner.token, 4);
    const delivered: Revocation[] = [];
    let up = true;
    const poller = new RevocationPoller({
      dataSource: t.portal.dataSource,
      deliver: (r) => delivered.push(r),
      pubSubUp: () => up,
      clock: t.clock,
      logger: silent,
    });

    await poller.tick(); // pub/sub up: nothing polled
    up = false;
    await revoke(owner.token, during!);
    await t.gql('mutation { logOut }', {}, other.token);
    await poller.tick();
    await revoke(owner.token, duringToo!);
    await poller.tick();
    await poller.tick(); // the overlap finds them again: still delivered once

    up = true;
    await revoke(owner.token, atReturn!);
    await poller.tick(); // the one poll after pub/sub is back
    await revoke(owner.token, afterReturn!);
    await poller.tick(); // pub/sub carries it: not polled

    const [session] = await t.portal.dataSource.query<Array<{ id: string }>>(
      'SELECT id FROM sessions WHERE userId = ? AND revokedAt IS NOT NULL',
      [other.id],
    );
    expect(delivered).toEqual([
      { kind: 'apiKey', keyId: during },
      { kind: 'session', sessionId: session!.id },
      { kind: 'apiKey', keyId: duringToo },
      { kind: 'apiKey', keyId: atReturn },
    ]);
  });

  it('keeps its place while the database is away too, and finds what was revoked meanwhile', async () => {
    const owner = await signUp(t);
    const [key] = await teamWithKeys(owner.token, 1);
    const dataSource = createDataSource(t.portal.config.database);
    await dataSource.initialize();
    const delivered: Revocation[] = [];
    const poller = new RevocationPoller({
      dataSource,
      deliver: (r) => delivered.push(r),
      pubSubUp: () => false,
      clock: t.clock,
      logger: silent,
    });
    t.clock.advanceMinutes(1); // far beyond the overlap: only the kept cursor reaches back
    await dataSource.destroy();
    await revoke(owner.token, key!);
    t.clock.advanceMinutes(1);
    expect(await poller.poll()).toBe(0); // the database is away
    await dataSource.initialize();
    await poller.poll();
    await dataSource.destroy();
    expect(delivered).toContainEqual({ kind: 'apiKey', keyId: key });
  });
});

describe('usage counts while writes fail', () => {
  it('keeps them in a bounded buffer, counts what it drops, and writes the rest once writes work', async () => {
    // A data source of its own, closed while the writes should fail and opened again after.
    const dataSource = createDataSource(t.portal.config.database);
    await dataSource.initialize();
    const store = new SqlUsageStore(new Database(dataSource));
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const recorder = new UsageRecorder({
      store,
      clock: t.clock,
      logger,
      minuteRetentionDays: 14,
      maxPendingCells: 2,
    });
    const owner = await signUp(t);
    const [keyId] = await teamWithKeys(owner.token, 1);
    const request = (status: number) => ({
      apiKeyId: keyId!,
      teamId: 'team',
      status,
      failed: status >= 400,
      latencyMs: 1,
    });
    await dataSource.destroy();
    for (let i = 0; i < 5; i++) recorder.record(request(200));
    recorder.record(request(503));
    recorder.record(request(500)); // a third cell: beyond the bound
    for (let f = 0; f < 3; f++) await recorder.flush();
    recorder.record(request(200)); // joins a waiting cell: never dropped
    recorder.record(request(404)); // a new cell: dropped
    expect(recorder.pendingCells).toBe(2);
    expect(recorder.dropped).toBe(2);
    expect(recorder.unwrittenFor(keyId!)).toBe(7);

    await dataSource.initialize();
    await recorder.flush();
    await dataSource.destroy();
    const rows = await t.portal.dataSource.query<
      Array<{ status: number; requests: number | string }>
    >('SELECT status, requests FROM usage_minutes WHERE apiKeyId = ? ORDER BY status', [keyId]);
    expect(rows.map((r) => [Number(r.status), Number(r.requests)])).toEqual([
      [200, 6],
      [503, 1],
    ]);
    expect(recorder.unwrittenFor(keyId!)).toBe(0);
    const messages = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    // Said once each: failing, full, and working again (not once per flush).
    expect(messages).toEqual([
      'usage buffer full: new counts are dropped (and counted) until writes succeed',
      'usage counts cannot be written; keeping them in memory and retrying every flush',
      'usage counts written again after failed writes',
    ]);
  });
});

describe('database unavailable', () => {
  it("tells a database that cannot be reached from a query it refused, on the driver's real errors", async () => {
    const port = await freePort();
    const pool = createPool({ uri: `mysql://root@127.0.0.1:${port}/none`, connectTimeout: 2000 });
    const refused = await pool.query('SELECT 1').catch((e: unknown) => e);
    await pool.end();
    expect(isDatabaseUnavailable(refused)).toBe(true);
    const bad = await t.portal.dataSource
      .query('SELECT * FROM no_such_table')
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(QueryFailedError);
    expect(isDatabaseUnavailable(bad)).toBe(false);
    // A mail server refusing has the same socket code, but is not the database.
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      ),
    ).toBe(false);
  });
});

describe('health', () => {
  it('reports the database and Redis apart: healthz stays 200 without Redis, readyz does not', async () => {
    expect(await checkHealth({ dataSource: t.portal.dataSource })).toEqual({
      liveness: 200,
      readiness: 200,
      body: { status: 'ok', database: 'up', redis: 'off' },
    });
    if (!process.env.REDIS_URL) return;
    const redis = await connectRedis(process.env.REDIS_URL, { name: 'health', logger: silent });
    expect((await checkHealth({ dataSource: t.portal.dataSource, redis })).body.redis).toBe('up');
    redis.disconnect();
    expect(await checkHealth({ dataSource: t.portal.dataSource, redis })).toEqual({
      liveness: 200,
      readiness: 503,
      body: { status: 'degraded', database: 'up', redis: 'down' },
    });
  });
});

describe('connectRedis', () => {
  it('refuses at once with one line naming the URL (without its password) and the reason', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await connectRedis(`redis://:hunter2-secret@127.0.0.1:${port}`, {
      name: 'commands',
      logger: silent,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisUnavailable);
    expect((error as Error).message).toBe(
      `Redis at redis://:***@127.0.0.1:${port} does not answer: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
