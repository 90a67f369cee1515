import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { databaseUrlOf, type TestPortal } from './harness';
import { startMailPortal, stopMailPortal } from './mail-portal';
import type { TestSmtpServer } from './smtp';
import { makeWorld } from './teams-world';

/**
 * Compromised keys (issue 10): reportCompromisedKey with REVOKE and ROTATE, over real HTTP on the
 * run's database, mails in a real SMTP server; then the refused attempts made with the reported
 * key, counted on every path that refuses it: the portal's GraphQL over HTTP and graphql-ws,
 * /v1/keys/verify, and a real gateway process on the same database.
 */

const SERVICE_TOKEN = 'service-token-of-the-provider-0123456789abcdef';
const SUPPORT = 'support@provider.test';

const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id name } } }`;
const ROTATE = `mutation($input: RotateApiKeyInput!) { rotateApiKey(input: $input) { secret apiKey { id } } }`;
const REVOKE = `mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`;
const REPORT = `mutation($input: ReportCompromisedKeyInput!) { reportCompromisedKey(input: $input) {
  incident { id source action details foundAt createdAt rejectedAttempts lastRejectedAt
    reportedBy { email } apiKey { id status revokedAt replacedBy { id } } }
  replacement { secret apiKey { id name environment status expiresAt monthlyRequestLimit rateLimitPerMinute description replaces { id } } } } }`;
const KEY = `query($id: ID!) { apiKey(id: $id) { id status revokedAt secretStoredAt
  incidents { id source action rejectedAttempts lastRejectedAt rejectedAddresses { address attempts lastSeenAt } } } }`;
const TEAM_INCIDENTS = `query($id: ID!) { team(id: $id) { incidents { id apiKey { id } source } } }`;
const AUDIT = `query($id: ID!) { team(id: $id) { auditLog(first: 20) { edges { node { action targetId details } } } } }`;
const ACK = `mutation($id: ID!) { acknowledgeApiKeySecretStored(id: $id) { id secretStoredAt } }`;

type Reported = {
  reportCompromisedKey: {
    incident: {
      id: string;
      source: string;
      action: string;
      details: string | null;
      apiKey: {
        id: string;
        status: string;
        revokedAt: string | null;
        replacedBy: { id: string } | null;
      };
    };
    replacement: { secret: string; apiKey: { id: string } } | null;
  };
};
type AuditNode = { action: string; targetId: string; details: string };

type Incident = {
  id: string;
  rejectedAttempts: number;
  lastRejectedAt: string | null;
  rejectedAddresses: Array<{ address: string; attempts: number; lastSeenAt: string }>;
};

let t: TestPortal;
let smtp: TestSmtpServer;
let world: Awaited<ReturnType<typeof makeWorld>>;
let teamId: string;

beforeAll(async () => {
  ({ t, smtp } = await startMailPortal({
    SUPPORT_EMAIL: SUPPORT,
    SERVICE_TOKENS: SERVICE_TOKEN,
    TRUST_PROXY: 'true',
  }));
  world = await makeWorld(t, smtp);
  teamId = (await world.makeTeam('Incident Partners')).teamId;
}, 60_000);
afterAll(() => stopMailPortal(t, smtp));

let n = 0;
async function createKey(overrides: Record<string, unknown> = {}) {
  const res = await t.gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
    CREATE,
    {
      input: {
        teamId,
        name: `incident key ${++n}`,
        environment: 'PRODUCTION',
        expiration: 'DAYS_90',
        ...overrides,
      },
    },
    world.owner.token,
  );
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return { secret: res.data.createApiKey.secret, id: res.data.createApiKey.apiKey.id };
}

const report = (
  apiKeyId: string,
  action: 'REVOKE' | 'ROTATE',
  details: string | null = 'Pasted in a public chat',
  token = world.admin.token,
) => t.gql<Reported>(REPORT, { input: { apiKeyId, action, details } }, token);

const asKey = (secret: string, from?: string) =>
  t.post(
    `query($id: ID!) { team(id: $id) { id } }`,
    { id: teamId },
    {
      'x-api-key': secret,
      ...(from ? { 'x-forwarded-for': from } : {}),
    },
  );

const keyIncidents = async (id: string): Promise<Incident[]> => {
  const res = await t.gql<{ apiKey: { incidents: Incident[] } }>(KEY, { id }, world.member.token);
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.apiKey.incidents;
};

/** Refused attempts are written about once a second: write them now. */
const flush = () => t.portal.services.apiKeyAuth.flushRefusals();

async function audit(): Promise<AuditNode[]> {
  const res = await t.gql<{ team: { auditLog: { edges: Array<{ node: AuditNode }> } } }>(
    AUDIT,
    { id: teamId },
    world.owner.token,
  );
  return res.data!.team.auditLog.edges.map((e) => e.node);
}

// First, while the test clock is still the gateway's (a revocation instant in its future would
// not have happened yet for it).
describe('a gateway process refusing a reported key', () => {
  let upstream: Server;
  let gateway: ChildProcess | undefined;
  let output = '';

  afterAll(async () => {
    if (gateway && gateway.exitCode === null) {
      const exited = new Promise((r) => gateway!.once('exit', r));
      gateway.kill('SIGTERM');
      await exited;
    }
    await new Promise<void>((r) => (upstream ? upstream.close(() => r()) : r()));
  });

  it('counts its refusals onto the incident in the shared database', async () => {
    upstream = createServer((_req, res) => res.end('upstream'));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const main = path.join(__dirname, '..', '..', 'gateway', 'dist', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`pnpm build\` first`);
    gateway = spawn(process.execPath, [main], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        UPSTREAM_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
        DATABASE_URL: databaseUrlOf(t),
        ...(t.portal.config.redisUrl
          ? { REDIS_URL: t.portal.config.redisUrl, REDIS_KEY_PREFIX: t.portal.config.redisPrefix }
          : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    gateway.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    gateway.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      const up = await fetch(`${base}/__gateway/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (i > 300 || gateway.exitCode !== null)
        throw new Error(`gateway did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const key = await createKey();
    const call = () =>
      fetch(`${base}/anything`, { headers: { 'x-api-key': key.secret } }).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      });
    expect(await call()).toBe(200);
    await report(key.id, 'REVOKE');
    // Refused by the gateway within the revocation bound, then three more refusals.
    const deadline = Date.now() + 5_000;
    let refusals = 0;
    while ((await call()) !== 401)
      if (Date.now() > deadline) throw new Error(`the gateway still takes the key:\n${output}`);
    refusals++;
    for (let i = 0; i < 3; i++) {
      expect(await call()).toBe(401);
      refusals++;
    }
    // The gateway writes its counts about once a second.
    let incident: Incident | undefined;
    for (const until = Date.now() + 5_000; Date.now() < until;) {
      [incident] = await keyIncidents(key.id);
      if (incident!.rejectedAttempts >= refusals) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (incident!.rejectedAttempts !== refusals) console.log(output);
    expect(incident!.rejectedAttempts).toBe(refusals);
    expect(incident!.rejectedAddresses).toEqual([
      expect.objectContaining({ address: '127.0.0.1', attempts: refusals }),
    ]);
    await smtp.take(world.owner.email);
    await smtp.take(SUPPORT);
  });
});

describe('reportCompromisedKey', () => {
  it('REVOKE: the key stops at once, the incident is recorded and audited, owners and support are mailed', async () => {
    const key = await createKey();
    expect((await asKey(key.secret)).data).toEqual({ team: { id: teamId } });

    const res = await report(key.id, 'REVOKE');
    expect(res.errors).toBeUndefined();
    const { incident, replacement } = res.data!.reportCompromisedKey;
    expect(replacement).toBeNull();
    expect(incident).toMatchObject({
      source: 'PERSON',
      action: 'REVOKE',
      details: 'Pasted in a public chat',
      foundAt: null,
      rejectedAttempts: 0,
      lastRejectedAt: null,
      reportedBy: { email: world.admin.email },
      apiKey: { id: key.id, status: 'REVOKED' },
    });

    const refused = await asKey(key.secret);
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');

    const events = await audit();
    const compromised = events.find((e) => e.action === 'api_key.compromised');
    expect(compromised?.targetId).toBe(key.id);
    expect(JSON.parse(compromised!.details)).toMatchObject({
      incidentId: incident.id,
      source: 'PERSON',
      action: 'REVOKE',
      revoked: true,
    });
    expect(events.some((e) => e.action === 'api_key.revoked' && e.targetId === key.id)).toBe(true);

    const link = `http://portal.test/teams/${teamId}/keys/${key.id}`;
    const toOwner = await smtp.take(world.owner.email);
    expect(toOwner.subject).toContain('reported as compromised');
    expect(toOwner.text).toContain(link);
    expect(toOwner.text).toContain('Pasted in a public chat');
    expect(toOwner.text).toContain(world.admin.email);
    const toSupport = await smtp.take(SUPPORT);
    expect(toSupport.text).toContain(link);
    expect(toSupport.text).toContain(teamId);
    // Owners only: the admin and the member of the team get no report mail.
    await new Promise((r) => setTimeout(r, 300));
    const subjects = smtp.messages.filter((m) => m.subject?.includes('compromised'));
    expect(subjects).toHaveLength(0);
  });

  it('ROTATE: a replacement with the same settings, shown once; the old key stops even inside a rotation grace period', async () => {
    const key = await createKey({
      environment: 'DEVELOPMENT',
      monthlyRequestLimit: 12345,
      rateLimitPerMinute: 77,
      description: 'Mobile app',
    });
    const res = await report(key.id, 'ROTATE', null, world.owner.token);
    expect(res.errors).toBeUndefined();
    const { incident, replacement: made } = res.data!.reportCompromisedKey;
    expect(made).not.toBeNull();
    const replacement = made!;
    expect(incident).toMatchObject({ action: 'ROTATE', details: null });
    expect(incident.apiKey).toMatchObject({
      status: 'REVOKED',
      replacedBy: { id: replacement.apiKey.id },
    });
    expect(replacement.secret).toMatch(/^ppk_test_/);
    expect(replacement.apiKey).toMatchObject({
      environment: 'DEVELOPMENT',
      status: 'ACTIVE',
      monthlyRequestLimit: 12345,
      rateLimitPerMinute: 77,
      description: 'Mobile app',
      replaces: { id: key.id },
    });
    expect((await asKey(key.secret)).status).toBe(401);
    expect((await asKey(replacement.secret)).data).toEqual({ team: { id: teamId } });
    await smtp.take(world.owner.email);
    await smtp.take(SUPPORT);

    // A key in the grace period of an ordinary rotation still works until it is reported.
    const graced = await createKey();
    const rotated = await t.gql<{ rotateApiKey: { secret: string } }>(
      ROTATE,
      { input: { id: graced.id, gracePeriodHours: 24 } },
      world.owner.token,
    );
    expect((await asKey(graced.secret)).data).toEqual({ team: { id: teamId } });
    const again = await report(graced.id, 'ROTATE');
    expect(again.errors).toBeUndefined();
    // Its rotation's replacement stands (another secret): no second replacement.
    expect(again.data!.reportCompromisedKey.replacement).toBeNull();
    expect((await asKey(graced.secret)).status).toBe(401);
    expect((await asKey(rotated.data!.rotateApiKey.secret)).data).toEqual({ team: { id: teamId } });
    await smtp.take(world.owner.email);
    await smtp.take(SUPPORT);
  });

  it('records a late report of an already-revoked key without revoking it twice', async () => {
    const key = await createKey();
    const revoked = await t.gql<{ revokeApiKey: { revokedAt: string } }>(
      REVOKE,
      { id: key.id },
      world.owner.token,
    );
    const revokedAt = revoked.data!.revokeApiKey.revokedAt;
    t.clock.advanceMinutes(5);
    const res = await report(key.id, 'REVOKE', 'Found it in an old backup');
    expect(res.errors).toBeUndefined();
    expect(res.data!.reportCompromisedKey.incident.apiKey.revokedAt).toBe(revokedAt);
    const events = (await audit()).filter((e) => e.targetId === key.id);
    expect(events.filter((e) => e.action === 'api_key.revoked')).toHaveLength(1);
    expect(
      JSON.parse(events.find((e) => e.action === 'api_key.compromised')!.details),
    ).toMatchObject({ revoked: false });
    await smtp.take(world.owner.email);
    await smtp.take(SUPPORT);
  });

  it('lists incidents per team and per key, newest first; MEMBER reads, cannot report; outsiders see nothing', async () => {
    const key = await createKey();
    const first = (await report(key.id, 'REVOKE', 'first')).data!.reportCompromisedKey.incident.id;
    t.clock.advanceMinutes(1);
    const second = (await report(key.id, 'REVOKE', 'second')).data!.reportCompromisedKey.incident
      .id;
    expect((await keyIncidents(key.id)).map((i) => i.id)).toEqual([second, first]);
    const team = await t.gql<{
      team: { incidents: Array<{ id: string; apiKey: { id: string } }> };
    }>(TEAM_INCIDENTS, { id: teamId }, world.member.token);
    expect(team.data!.team.incidents.slice(0, 2).map((i) => i.id)).toEqual([second, first]);
    // A key reads its own team's incidents.
    const other = await createKey();
    const asOwnKey = await t.post(TEAM_INCIDENTS, { id: teamId }, { 'x-api-key': other.secret });
    expect(
      (asOwnKey.data as { team: { incidents: Array<{ id: string }> } }).team.incidents[0]!.id,
    ).toBe(second);

    expect(
      (await report(other.id, 'REVOKE', null, world.member.token)).errors?.[0]?.extensions.code,
    ).toBe('FORBIDDEN');
    expect(
      (await report(other.id, 'REVOKE', null, world.outsider.token)).errors?.[0]?.extensions.code,
    ).toBe('NOT_FOUND');
    const outsider = await t.gql(TEAM_INCIDENTS, { id: teamId }, world.outsider.token);
    expect(outsider.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    const long = await report(other.id, 'REVOKE', 'x'.repeat(2001));
    expect(long.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    // Nothing changed for the refused ones.
    expect((await asKey(other.secret)).data).toEqual({ team: { id: teamId } });
    for (let i = 0; i < 2; i++) {
      await smtp.take(world.owner.email);
      await smtp.take(SUPPORT);
    }
  });
});

describe('refused attempts after a report', () => {
  it('counts refusals over GraphQL HTTP and ws and /v1/keys/verify, with their client addresses', async () => {
    const key = await createKey();
    await report(key.id, 'REVOKE');
    // Over HTTP, from three addresses (as the trusted proxy says).
    for (const from of ['203.0.113.5', '203.0.113.5', '198.51.100.7']) {
      expect((await asKey(key.secret, from)).status).toBe(401);
    }
    // Over graphql-ws: the connection is refused.
    const closed = await new Promise<number>((resolve) => {
      const client = createClient({
        url: `${t.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${key.secret}` },
        retryAttempts: 0,
        lazy: false,
        // The refusal is expected: graphql-ws would print it.
        onNonLazyError: () => undefined,
        on: { closed: (event) => resolve((event as { code: number }).code) },
      });
      client.on('closed', () => void client.dispose());
    });
    expect(closed).toBeGreaterThanOrEqual(4400);
    // The provider's service asks /v1/keys/verify.
    const verify = await fetch(`${t.url}/v1/keys/verify`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${SERVICE_TOKEN}`,
        'content-type': 'application/json',
        'x-forwarded-for': '192.0.2.44',
      },
      body: JSON.stringify({ key: key.secret }),
    });
    expect(await verify.json()).toMatchObject({ valid: false, code: 'REVOKED', keyId: key.id });

    await flush();
    const [incident] = await keyIncidents(key.id);
    expect(incident!.rejectedAttempts).toBe(5);
    expect(incident!.lastRejectedAt).not.toBeNull();
    const byAddress = Object.fromEntries(
      incident!.rejectedAddresses.map((a) => [a.address, a.attempts]),
    );
    expect(byAddress['203.0.113.5']).toBe(2);
    expect(byAddress['198.51.100.7']).toBe(1);
    expect(byAddress['192.0.2.44']).toBe(1);
    // The websocket's connection came straight from the test (loopback).
    expect(Object.keys(byAddress).some((a) => a.includes('127.0.0.1') || a === '::1')).toBe(true);
  });

  it('keeps the 20 most recent addresses per incident, and counts nothing for valid keys or keys never reported', async () => {
    const key = await createKey();
    await report(key.id, 'REVOKE');
    for (let i = 1; i <= 25; i++) {
      await asKey(key.secret, `198.18.0.${i}`);
      // Distinct instants, so "most recent" is well defined.
      t.clock.advanceMinutes(1);
      if (i % 5 === 0) await flush();
    }
    await flush();
    const [incident] = await keyIncidents(key.id);
    expect(incident!.rejectedAttempts).toBe(25);
    expect(incident!.rejectedAddresses.map((a) => a.address)).toEqual(
      Array.from({ length: 20 }, (_, i) => `198.18.0.${25 - i}`),
    );

    // A revoked key with no incident, and a valid key: no incident rows change.
    const plain = await createKey();
    await t.gql(REVOKE, { id: plain.id }, world.owner.token);
    const valid = await createKey();
    await asKey(plain.secret);
    await asKey(valid.secret);
    await flush();
    expect(await keyIncidents(plain.id)).toEqual([]);
    expect(await keyIncidents(valid.id)).toEqual([]);
    const [unchanged] = await keyIncidents(key.id);
    expect(unchanged!.rejectedAttempts).toBe(25);
    await smtp.take(world.owner.email);
    await smtp.take(SUPPORT);
  });
});

describe('acknowledgeApiKeySecretStored', () => {
  it('is recorded once, audited once, by OWNER or ADMIN only', async () => {
    const key = await createKey();
    expect(
      (await t.gql(ACK, { id: key.id }, world.member.token)).errors?.[0]?.extensions.code,
    ).toBe('FORBIDDEN');
    expect(
      (await t.gql(ACK, { id: key.id }, world.outsider.token)).errors?.[0]?.extensions.code,
    ).toBe('NOT_FOUND');
    const first = await t.gql<{ acknowledgeApiKeySecretStored: { secretStoredAt: string } }>(
      ACK,
      { id: key.id },
      world.admin.token,
    );
    const at = first.data!.acknowledgeApiKeySecretStored.secretStoredAt;
    expect(at).not.toBeNull();
    t.clock.advanceMinutes(3);
    const second = await t.gql<{ acknowledgeApiKeySecretStored: { secretStoredAt: string } }>(
      ACK,
      { id: key.id },
      world.owner.token,
    );
    expect(second.data!.acknowledgeApiKeySecretStored.secretStoredAt).toBe(at);
    const read = await t.gql<{ apiKey: { secretStoredAt: string } }>(
      KEY,
      { id: key.id },
      world.member.token,
    );
    expect(read.data!.apiKey.secretStoredAt).toBe(at);
    const stored = (await audit()).filter(
      (e) => e.action === 'api_key.secret_stored' && e.targetId === key.id,
    );
    expect(stored).toHaveLength(1);
  });
});
