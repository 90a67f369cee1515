import { BetterSqlite, type Sqlite } from './test-support/sqlite';
import { generateApiKey } from './format';
import { KeyLimits } from './limits';
import { RevokedKeyPoller } from './live';
import type { Clock, Logger } from './ports';
import { UsageRecorder, type UsageDelta } from './recorder';
import { SqlKeyStore, SqlUsageWriter, toSqlDate, type SqlClient } from './sql';
import { KeyVerifier, sha256Hex, statusOf } from './verifier';

/** The portal's tables, as its migrations make them on SQLite (the columns the core reads and writes). */
const SCHEMA = `
  CREATE TABLE teams (id varchar(36) PRIMARY KEY, deletedAt datetime(3) NULL);
  CREATE TABLE api_keys (id varchar(36) PRIMARY KEY, teamId varchar(36) NOT NULL, environment varchar(12) NOT NULL,
    keyHash varchar(64) NOT NULL UNIQUE, expiresAt datetime(3) NULL, revokedAt datetime(3) NULL, lastUsedAt datetime(3) NULL,
    rateLimitPerMinute integer NULL, monthlyRequestLimit bigint NULL);
  CREATE TABLE usage_minutes (apiKeyId varchar(36), minute integer, status integer, teamId varchar(36),
    requests integer, errors integer, latencyMs integer, PRIMARY KEY (apiKeyId, minute, status));
  CREATE TABLE usage_hours (apiKeyId varchar(36), hour integer, status integer, teamId varchar(36),
    requests integer, errors integer, latencyMs integer, PRIMARY KEY (apiKeyId, hour, status));
`;

class TestClock implements Clock {
  offsetMs = 0;
  now = () => new Date(Date.now() + this.offsetMs);
}

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let db: Sqlite;
let sql: SqlClient;
let queries: string[];
let clock: TestClock;

beforeEach(() => {
  db = new BetterSqlite(':memory:');
  db.exec(SCHEMA);
  queries = [];
  const query = (text: string, params: unknown[] = []) => {
    queries.push(text);
    const statement = db.prepare(text);
    return Promise.resolve(statement.reader ? statement.all(...params) : statement.run(...params));
  };
  sql = { dialect: 'sqlite', query, transaction: (work) => work(query) };
  clock = new TestClock();
});
afterEach(() => db.close());

let ids = 0;
function insertKey(
  options: {
    environment?: 'DEVELOPMENT' | 'PRODUCTION';
    expiresAt?: Date;
    revokedAt?: Date;
    rateLimitPerMinute?: number;
    monthlyRequestLimit?: number;
    teamId?: string;
  } = {},
) {
  const environment = options.environment ?? 'PRODUCTION';
  const { secret } = generateApiKey(environment);
  const id = `key-${++ids}`;
  const teamId = options.teamId ?? `team-${ids}`;
  db.prepare('INSERT OR IGNORE INTO teams (id) VALUES (?)').run(teamId);
  db.prepare(
    'INSERT INTO api_keys (id, teamId, environment, keyHash, expiresAt, revokedAt, rateLimitPerMinute, monthlyRequestLimit) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(
    id,
    teamId,
    environment,
    sha256Hex(secret),
    options.expiresAt ? toSqlDate(options.expiresAt) : null,
    options.revokedAt ? toSqlDate(options.revokedAt) : null,
    options.rateLimitPerMinute ?? null,
    options.monthlyRequestLimit ?? null,
  );
  return { id, teamId, secret };
}

/** A key's per-minute rollup rows, by status. */
const minuteRows = (keyId: string) =>
  db
    .prepare(
      'SELECT status, requests, errors, latencyMs FROM usage_minutes WHERE apiKeyId = ? ORDER BY status',
    )
    .all(keyId);

function build(ticks: UsageDelta[] = []) {
  const writer = new SqlUsageWriter(sql);
  const recorder = new UsageRecorder({
    store: writer,
    clock,
    logger: silent,
    onTick: (delta) => ticks.push(delta),
  });
  const limits = new KeyLimits({ prefix: 'test:', clock, store: writer, recorder });
  const listeners: Array<(ended: { keyId: string } | { teamId: string }) => void> = [];
  const verifier = new KeyVerifier({
    store: new SqlKeyStore(sql),
    clock,
    logger: silent,
    limits,
    recorder,
    invalidation: { subscribe: (l) => (listeners.push(l), () => undefined) },
  });
  const end = (ended: { keyId: string } | { teamId: string }) => listeners.forEach((l) => l(ended));
  return { verifier, recorder, writer, end };
}

const lookups = () => queries.filter((q) => q.includes('WHERE keyHash')).length;

describe('KeyVerifier', () => {
  it('answers a valid key with its record, caches it, and records its last use in one batch', async () => {
    const key = insertKey({ environment: 'DEVELOPMENT' });
    const { verifier } = build();
    for (let i = 0; i < 3; i++) {
      const outcome = await verifier.verify(key.secret);
      expect(outcome).toMatchObject({
        valid: true,
        key: { id: key.id, teamId: key.teamId, environment: 'DEVELOPMENT', expiresAt: null },
        limits: { perMinute: null, monthly: null, headers: {} },
      });
      expect(statusOf(outcome)).toBe(200);
    }
    expect(lookups()).toBe(1);
    expect(verifier.lastUsedOf(key.id)).toBeInstanceOf(Date);
    await verifier.flushLastUsed();
    const row = db.prepare('SELECT lastUsedAt FROM api_keys WHERE id = ?').all(key.id)[0] as {
      lastUsedAt: string;
    };
    expect(row.lastUsedAt).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    expect(verifier.lastUsedOf(key.id)).toBeUndefined();
  });

  it('refuses a malformed key before any look-up, and looks an unknown one up once', async () => {
    const { verifier } = build();
    const good = generateApiKey('PRODUCTION').secret;
    const bad = good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A');
    expect(await verifier.verify(bad)).toEqual({ valid: false, code: 'MALFORMED' });
    expect(await verifier.verify('nope')).toEqual({ valid: false, code: 'MALFORMED' });
    expect(lookups()).toBe(0);
    for (let i = 0; i < 3; i++)
      expect(await verifier.verify(good)).toEqual({ valid: false, code: 'NOT_FOUND' });
    expect(lookups()).toBe(1);
  });

  it('checks revocation, expiry (against the clock, cached or not) and the environment', async () => {
    const { verifier } = build();
    const revoked = insertKey({ revokedAt: new Date(Date.now() - 1000) });
    expect(await verifier.verify(revoked.secret)).toMatchObject({
      valid: false,
      code: 'REVOKED',
      key: { id: revoked.id },
    });
    const expiring = insertKey({ expiresAt: new Date(Date.now() + 60_000) });
    expect((await verifier.verify(expiring.secret)).valid).toBe(true);
    clock.offsetMs = 61_000;
    const expired = await verifier.verify(expiring.secret);
    expect(expired).toMatchObject({ valid: false, code: 'EXPIRED', key: { id: expiring.id } });
    expect(statusOf(expired)).toBe(401);
    const dev = insertKey({ environment: 'DEVELOPMENT' });
    expect(await verifier.verify(dev.secret, { environment: 'PRODUCTION' })).toMatchObject({
      valid: false,
      code: 'WRONG_ENVIRONMENT',
      key: { id: dev.id },
    });
  });

  it('takes one request per verify from the per-minute and monthly limits, with headers', async () => {
    const { verifier } = build();
    const perMinute = insertKey({ rateLimitPerMinute: 2 });
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(await verifier.verify(perMinute.secret));
    expect(outcomes.map(statusOf)).toEqual([200, 200, 429]);
    expect(outcomes[0]).toMatchObject({
      limits: {
        perMinute: { limit: 2, remaining: 1 },
        headers: { 'RateLimit-Limit': '2', 'RateLimit-Remaining': '1' },
      },
    });
    expect(outcomes[2]).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: expect.any(Number),
      limits: { headers: { 'Retry-After': expect.any(String) } },
    });
    // limit: false checks without taking a request.
    const recheck = insertKey({ rateLimitPerMinute: 1 });
    for (let i = 0; i < 3; i++)
      expect((await verifier.verify(recheck.secret, { limit: false })).valid).toBe(true);
    expect((await verifier.verify(recheck.secret)).valid).toBe(true);

    const monthly = insertKey({ monthlyRequestLimit: 5 });
    // What the rollups already hold this month counts: 4 requests earlier today.
    db.prepare(
      'INSERT INTO usage_minutes (apiKeyId, minute, status, teamId, requests, errors, latencyMs) VALUES (?, ?, 200, ?, 4, 0, 0)',
    ).run(monthly.id, Math.floor(Date.now() / 60_000) - 1, monthly.teamId);
    db.prepare(
      'INSERT INTO usage_hours (apiKeyId, hour, status, teamId, requests, errors, latencyMs) VALUES (?, ?, 200, ?, 4, 0, 0)',
    ).run(monthly.id, Math.floor(Date.now() / 3_600_000), monthly.teamId);
    expect(await verifier.verify(monthly.secret)).toMatchObject({
      valid: true,
      limits: { monthly: { limit: 5, remaining: 0 } },
    });
    expect(await verifier.verify(monthly.secret)).toMatchObject({
      valid: false,
      code: 'QUOTA_EXCEEDED',
    });
  });

  it('counts n identical requests at once as n requests: their errors and latencies too', async () => {
    const { recorder } = build();
    const key = insertKey();
    const at = clock.now();
    const request = { apiKeyId: key.id, teamId: key.teamId, latencyMs: 7, at };
    recorder.record({ ...request, status: 200, failed: false }, 5);
    recorder.record({ ...request, status: 200, failed: false });
    recorder.record({ ...request, status: 503, failed: true }, 3);
    expect(recorder.unwrittenFor(key.id)).toBe(9);
    await recorder.flush();
    expect(minuteRows(key.id)).toEqual([
      { status: 200, requests: 6, errors: 0, latencyMs: 42 },
      { status: 503, requests: 3, errors: 3, latencyMs: 21 },
    ]);
    expect(recorder.unwrittenFor(key.id)).toBe(0);
  });

  it('counts each request in its own cell, whatever came before it and across flushes', async () => {
    const { recorder } = build();
    const [one, two] = [insertKey(), insertKey()];
    const minute = Math.floor(clock.now().getTime() / 60_000) * 60_000;
    const at = (offsetMs: number) => new Date(minute + offsetMs);
    const count = (key: { id: string; teamId: string }, status: number, atMs: number) =>
      recorder.record({
        apiKeyId: key.id,
        teamId: key.teamId,
        status,
        failed: status >= 400,
        latencyMs: 10,
        at: at(atMs),
      });
    // Runs of the same cell, broken by another key, another status and the next minute.
    for (const [key, status, atMs] of [
      [one, 200, 0],
      [one, 200, 1],
      [two, 200, 2],
      [one, 200, 3],
      [one, 500, 4],
      [one, 200, 60_000],
      [one, 200, 5],
    ] as const)
      count(key, status, atMs);
    await recorder.flush();
    // The cell the last request went to is written: the next one of the same cell starts anew.
    count(one, 200, 6);
    count(one, 200, 7);
    await recorder.flush();
    const cells = (keyId: string) =>
      db
        .prepare(
          'SELECT minute, status, SUM(requests) AS requests, SUM(errors) AS errors FROM usage_minutes WHERE apiKeyId = ? GROUP BY minute, status ORDER BY minute, status',
        )
        .all(keyId);
    const first = minute / 60_000;
    expect(cells(one.id)).toEqual([
      { minute: first, status: 200, requests: 6, errors: 0 },
      { minute: first, status: 500, requests: 1, errors: 1 },
      { minute: first + 1, status: 200, requests: 1, errors: 0 },
    ]);
    expect(cells(two.id)).toEqual([{ minute: first, status: 200, requests: 1, errors: 0 }]);
    expect(recorder.unwrittenFor(one.id)).toBe(0);
  });

  it('counts requests into both rollups in one batch and sends one tick per key', async () => {
    const ticks: UsageDelta[] = [];
    const { verifier, recorder } = build(ticks);
    const key = insertKey();
    const outcome = await verifier.verify(key.secret);
    if (!outcome.key) throw new Error('no key');
    verifier.count(outcome.key, 200, 12);
    verifier.count(outcome.key, 200, 8);
    verifier.count(outcome.key, 502, 30);
    await recorder.flush();
    expect(minuteRows(key.id)).toEqual([
      { status: 200, requests: 2, errors: 0, latencyMs: 20 },
      { status: 502, requests: 1, errors: 1, latencyMs: 30 },
    ]);
    expect(
      db.prepare('SELECT SUM(requests) AS n FROM usage_hours WHERE apiKeyId = ?').all(key.id),
    ).toEqual([{ n: 3 }]);
    expect(ticks).toEqual([
      expect.objectContaining({
        apiKeyId: key.id,
        teamId: key.teamId,
        requests: 3,
        errors: 1,
        statusCodes: [
          { status: 200, count: 2 },
          { status: 502, count: 1 },
        ],
      }),
    ]);
    expect(await new SqlUsageWriter(sql).requestsSince(key.id, 0)).toBe(3);
  });

  it('drops a cached key when it is revoked elsewhere, and every key of a deleted team', async () => {
    const { verifier, end } = build();
    const key = insertKey({ teamId: 'team-x' });
    const sibling = insertKey({ teamId: 'team-x' });
    expect((await verifier.verify(key.secret)).valid).toBe(true);
    expect((await verifier.verify(sibling.secret)).valid).toBe(true);
    db.prepare('UPDATE api_keys SET revokedAt = ?').run(toSqlDate(new Date(Date.now() - 1)));
    // Cached: still valid until told.
    expect((await verifier.verify(key.secret)).valid).toBe(true);
    end({ keyId: key.id });
    expect((await verifier.verify(key.secret)) as unknown).toMatchObject({ code: 'REVOKED' });
    expect((await verifier.verify(sibling.secret)).valid).toBe(true);
    end({ teamId: 'team-x' });
    expect((await verifier.verify(sibling.secret)) as unknown).toMatchObject({ code: 'REVOKED' });
  });

  it('limits unknown keys per address when given a limiter and an address', async () => {
    let hits = 0;
    const verifier = new KeyVerifier({
      store: new SqlKeyStore(sql),
      clock,
      logger: silent,
      unknownKeys: {
        blockedFor: () => Promise.resolve(hits >= 2 ? 30 : 0),
        hit: () => Promise.resolve(++hits > 2 ? 30 : 0),
      },
    });
    const known = insertKey();
    expect((await verifier.verify(known.secret, { address: '1.2.3.4' })).valid).toBe(true);
    const invented = () => generateApiKey('PRODUCTION').secret;
    expect(await verifier.verify(invented(), { address: '1.2.3.4' })).toEqual({
      valid: false,
      code: 'NOT_FOUND',
    });
    expect(await verifier.verify(invented(), { address: '1.2.3.4' })).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await verifier.verify(invented(), { address: '1.2.3.4' })).toEqual({
      valid: false,
      code: 'RATE_LIMITED',
      retryAfterSeconds: 30,
    });
    // A known (cached) key still passes; without an address there is no limit.
    expect((await verifier.verify(known.secret, { address: '1.2.3.4' })).valid).toBe(true);
    expect(await verifier.verify(invented())).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('SqlKeyStore', () => {
  it('finds teams of keys of live teams only, and keys revoked since an instant', async () => {
    const store = new SqlKeyStore(sql);
    const live = insertKey();
    const gone = insertKey();
    db.prepare('UPDATE teams SET deletedAt = ? WHERE id = ?').run(
      toSqlDate(new Date()),
      gone.teamId,
    );
    expect(await store.teamsOf([live.id, gone.id, 'nope'])).toEqual(
      new Map([[live.id, live.teamId]]),
    );
    const at = new Date(Date.now() - 500);
    const revoked = insertKey({ revokedAt: at });
    insertKey({ revokedAt: new Date(Date.now() - 60_000) });
    expect(await store.revokedSince(new Date(Date.now() - 1000))).toEqual([
      { id: revoked.id, revokedAt: at },
    ]);
  });

  it('moves the last use forward, never back', async () => {
    const store = new SqlKeyStore(sql);
    const key = insertKey();
    const later = new Date('2030-01-01T00:00:00.123Z');
    await store.writeLastUsed([[key.id, later]]);
    await store.writeLastUsed([[key.id, new Date('2029-01-01T00:00:00Z')]]);
    expect(db.prepare('SELECT lastUsedAt FROM api_keys').all()).toEqual([
      { lastUsedAt: '2030-01-01 00:00:00.123' },
    ]);
  });
});

describe('RevokedKeyPoller', () => {
  it('delivers each key revoked while active once, and nothing while inactive', async () => {
    let active = true;
    const poller = new RevokedKeyPoller({
      store: new SqlKeyStore(sql),
      clock,
      logger: silent,
      active: () => active,
    });
    const heard: string[] = [];
    poller.subscribe((ended) => heard.push(ended.keyId));
    const key = insertKey({ revokedAt: new Date() });
    await poller.tick();
    await poller.tick();
    expect(heard).toEqual([key.id]);
    active = false;
    await poller.tick(); // the catch-up poll after pub/sub came back
    insertKey({ revokedAt: new Date() });
    await poller.tick();
    expect(heard).toEqual([key.id]);
  });
});
