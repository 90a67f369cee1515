import { BetterSqlite, type Sqlite } from './test-support/sqlite';
import { generateApiKey } from './format';
import type { Clock, Logger } from './ports';
import { REJECTED_ADDRESSES_KEPT, SqlRefusalSink, toSqlDate, type SqlClient } from './sql';
import { KeyVerifier, sha256Hex } from './verifier';

/**
 * Refused attempts with revoked keys (issue 10): the verifier tells its RefusalSink on the REVOKED
 * outcome only, and SqlRefusalSink counts them onto the key's incidents in a real SQLite database
 * with the portal's tables.
 */

const SCHEMA = `
  CREATE TABLE api_keys (id varchar(36) PRIMARY KEY, teamId varchar(36) NOT NULL, environment varchar(12) NOT NULL,
    keyHash varchar(64) NOT NULL UNIQUE, expiresAt datetime(3) NULL, revokedAt datetime(3) NULL, lastUsedAt datetime(3) NULL,
    rateLimitPerMinute integer NULL, monthlyRequestLimit bigint NULL);
  CREATE TABLE key_incidents (id varchar(36) PRIMARY KEY, apiKeyId varchar(36) NOT NULL,
    rejectedAttempts bigint NOT NULL DEFAULT 0, lastRejectedAt datetime(3) NULL);
  CREATE TABLE key_incident_addresses (incidentId varchar(36) NOT NULL, address varchar(64) NOT NULL,
    attempts bigint NOT NULL DEFAULT 0, lastSeenAt datetime(3) NOT NULL, PRIMARY KEY (incidentId, address));
`;

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let db: Sqlite;
let sql: SqlClient;
let statements: string[];
let clock: Clock & { offsetMs: number };

beforeEach(() => {
  db = new BetterSqlite(':memory:');
  db.exec(SCHEMA);
  statements = [];
  const query = (text: string, params: unknown[] = []) => {
    statements.push(text);
    const statement = db.prepare(text);
    return Promise.resolve(statement.reader ? statement.all(...params) : statement.run(...params));
  };
  sql = { dialect: 'sqlite', query, transaction: (work) => work(query) };
  const c = { offsetMs: 0, now: () => new Date(Date.now() + c.offsetMs) };
  clock = c;
});
afterEach(() => db.close());

let ids = 0;
function insertKey(revoked: boolean): { id: string; secret: string } {
  const id = `key-${++ids}`;
  const { secret } = generateApiKey('PRODUCTION');
  db.prepare(
    'INSERT INTO api_keys (id, teamId, environment, keyHash, revokedAt) VALUES (?, ?, ?, ?, ?)',
  ).run(id, 'team-1', 'PRODUCTION', sha256Hex(secret), revoked ? toSqlDate(new Date()) : null);
  return { id, secret };
}
const addIncident = (apiKeyId: string, id = `incident-${++ids}`) => {
  db.prepare('INSERT INTO key_incidents (id, apiKeyId) VALUES (?, ?)').run(id, apiKeyId);
  return id;
};
const incident = (id: string) =>
  db
    .prepare('SELECT rejectedAttempts, lastRejectedAt FROM key_incidents WHERE id = ?')
    .all(id)[0] as {
    rejectedAttempts: number;
    lastRejectedAt: string | null;
  };
const addresses = (id: string) =>
  db
    .prepare(
      'SELECT address, attempts FROM key_incident_addresses WHERE incidentId = ? ORDER BY lastSeenAt DESC',
    )
    .all(id) as Array<{ address: string; attempts: number }>;

function verifierWith(sink: SqlRefusalSink) {
  return new KeyVerifier({
    store: {
      findByHash: (hash) => {
        const row = db
          .prepare('SELECT id, teamId, environment, revokedAt FROM api_keys WHERE keyHash = ?')
          .all(hash)[0] as { id: string; teamId: string; revokedAt: string | null } | undefined;
        return Promise.resolve(
          row
            ? {
                id: row.id,
                teamId: row.teamId,
                environment: 'PRODUCTION' as const,
                expiresAt: null,
                revokedAt: row.revokedAt ? new Date(`${row.revokedAt.replace(' ', 'T')}Z`) : null,
                rateLimitPerMinute: null,
                monthlyRequestLimit: null,
              }
            : null,
        );
      },
      teamsOf: () => Promise.resolve(new Map()),
      revokedSince: () => Promise.resolve([]),
      writeLastUsed: () => Promise.resolve(),
    },
    clock,
    logger: silent,
    refusals: sink,
  });
}

it('counts refusals of a revoked key onto each of its incidents, never a valid key', async () => {
  const sink = new SqlRefusalSink(sql, { logger: silent });
  const verifier = verifierWith(sink);
  const revoked = insertKey(true);
  const valid = insertKey(false);
  const first = addIncident(revoked.id);
  const second = addIncident(revoked.id);

  for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.1'])
    expect((await verifier.verify(revoked.secret, { address })).valid).toBe(false);
  // Without an address, the origin is asked (only now that the key is refused).
  let asked = 0;
  await verifier.verify(revoked.secret, { origin: () => (asked++, '192.0.2.9') });
  expect(asked).toBe(1);
  for (let i = 0; i < 5; i++)
    await verifier.verify(valid.secret, {
      address: '10.9.9.9',
      origin: () => {
        throw new Error('never asked for a valid key');
      },
    });

  await sink.flush();
  for (const id of [first, second]) {
    expect(incident(id).rejectedAttempts).toBe(4);
    expect(incident(id).lastRejectedAt).not.toBeNull();
    expect(Object.fromEntries(addresses(id).map((a) => [a.address, a.attempts]))).toEqual({
      '10.0.0.1': 2,
      '10.0.0.2': 1,
      '192.0.2.9': 1,
    });
  }
  // Nothing gathered: nothing written.
  statements = [];
  await sink.flush();
  expect(statements).toEqual([]);
});

it('keeps the most recent addresses of each incident, and what could not be written for the next write', async () => {
  const sink = new SqlRefusalSink(sql, { logger: silent });
  const key = insertKey(true);
  const id = addIncident(key.id);
  const start = Date.now();
  for (let i = 1; i <= 30; i++) sink.refused(key.id, `172.16.0.${i}`, new Date(start + i * 1000));
  await sink.flush();
  expect(addresses(id).map((a) => a.address)).toEqual(
    Array.from({ length: REJECTED_ADDRESSES_KEPT }, (_, i) => `172.16.0.${30 - i}`),
  );
  expect(incident(id).rejectedAttempts).toBe(30);

  // The table is away: the counts wait in memory and land with the next write.
  db.exec('ALTER TABLE key_incidents RENAME TO key_incidents_away');
  sink.refused(key.id, '172.16.0.99', new Date(start + 99_000));
  await sink.flush();
  db.exec('ALTER TABLE key_incidents_away RENAME TO key_incidents');
  sink.refused(key.id, '172.16.0.99', new Date(start + 100_000));
  await sink.stop();
  expect(incident(id).rejectedAttempts).toBe(32);
  expect(addresses(id)[0]).toEqual({ address: '172.16.0.99', attempts: 2 });
});
