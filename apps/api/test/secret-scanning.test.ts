import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateApiKey } from '@partner-portal/keys';
import { loadConfig } from '../src/config';
import { startPortal, type TestPortal } from './harness';
import { TestSmtpServer } from './smtp';
import { makeWorld } from './teams-world';

/**
 * POST /v1/secret-scanning/verify (issue 10) with a real ECDSA P-256 key pair made here: the code
 * host's signed report of tokens found in public code. A real key is revoked at once and becomes
 * an incident mailed to the owners and support; anything else changes nothing.
 */

const SUPPORT = 'security@provider.test';
const KEY_ID = 'e7f2c0a1b9d84c3f9a6e5d4c3b2a19080706050403020100ffeeddccbbaa9988';

const pair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const host = pair();
const stranger = pair();
const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();

const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`;
const KEY = `query($id: ID!) { apiKey(id: $id) { status revokedAt incidents { source action foundAt reportedBy { id } details } } }`;
const AUDIT = `query($id: ID!) { team(id: $id) { auditLog(first: 30) { edges { node { action targetId actor { id } } } } } }`;

let t: TestPortal;
let smtp: TestSmtpServer;
let world: Awaited<ReturnType<typeof makeWorld>>;
let teamId: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pp-scanning-'));
  // As GitHub serves them (https://api.github.com/meta/public_keys/secret_scanning), from a file.
  const file = path.join(dir, 'secret-scanning-keys.json');
  writeFileSync(
    file,
    JSON.stringify({
      public_keys: [
        { key_identifier: KEY_ID, key: pem(host.publicKey), is_current: true },
        { key_identifier: 'older', key: pem(pair().publicKey), is_current: false },
      ],
    }),
  );
  smtp = new TestSmtpServer();
  t = await startPortal({
    SMTP_URL: await smtp.start(),
    SUPPORT_EMAIL: SUPPORT,
    SECRET_SCANNING_KEYS: file,
  });
  world = await makeWorld(t, smtp);
  teamId = (await world.makeTeam('Leaky Partners')).teamId;
}, 60_000);
afterAll(async () => {
  await t.stop();
  await smtp.stop();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
async function createKey(environment = 'PRODUCTION') {
  const res = await t.gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
    CREATE,
    { input: { teamId, name: `scanned ${++n}`, environment, expiration: 'NEVER' } },
    world.owner.token,
  );
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return { secret: res.data.createApiKey.secret, id: res.data.createApiKey.apiKey.id };
}

/** The endpoint's answer: the labels, or an error. */
type Answer = Array<{ token_hash: string; token_type: string; label: string; url: string }> & {
  error: { code: string };
};
type KeyRead = {
  status: string;
  revokedAt: string | null;
  incidents: Array<{
    source: string;
    action: string;
    foundAt: string | null;
    reportedBy: { id: string } | null;
    details: string | null;
  }>;
};
type AuditNode = { action: string; targetId: string; actor: { id: string } | null };

interface Finding {
  token: string;
  type: string;
  url: string;
  source: string;
}
const finding = (
  token: string,
  url = 'https://github.com/octo/app/blob/abc123/.env#L3',
): Finding => ({
  token,
  type: 'partner_portal_api_key',
  url,
  source: 'content',
});

async function post(
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: Answer }> {
  const res = await fetch(`${t.url}/v1/secret-scanning/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as Answer };
}

/** Signed as the code host signs: ECDSA P-256 over the raw body, SHA-256, DER, base64. */
function signed(findings: unknown, by: KeyObject = host.privateKey, keyId = KEY_ID) {
  const body = JSON.stringify(findings);
  const signature = sign('sha256', Buffer.from(body), by).toString('base64');
  return post(body, {
    'github-public-key-identifier': keyId,
    'github-public-key-signature': signature,
  });
}

const keyOf = async (id: string) =>
  (await t.gql<{ apiKey: KeyRead }>(KEY, { id }, world.member.token)).data!.apiKey;
const asKey = (secret: string) =>
  t.post(`query($id: ID!) { team(id: $id) { id } }`, { id: teamId }, { 'x-api-key': secret });
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('POST /v1/secret-scanning/verify', () => {
  it('revokes a real key at once, records where it was found, and mails the owners and support', async () => {
    const key = await createKey();
    expect((await asKey(key.secret)).status).toBe(200);
    const url = 'https://github.com/octo/app/blob/abc123/config.js#L10';
    const res = await signed([finding(key.secret, url)]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      {
        token_hash: sha(key.secret),
        token_type: 'partner_portal_api_key',
        label: 'true_positive',
        url,
      },
    ]);
    expect((await asKey(key.secret)).status).toBe(401);
    const after = await keyOf(key.id);
    expect(after.status).toBe('REVOKED');
    expect(after.incidents).toEqual([
      {
        source: 'SECRET_SCANNING',
        action: 'REVOKE',
        foundAt: url,
        reportedBy: null,
        details: null,
      },
    ]);
    const audit = await t.gql<{ team: { auditLog: { edges: Array<{ node: AuditNode }> } } }>(
      AUDIT,
      { id: teamId },
      world.owner.token,
    );
    const events = audit
      .data!.team.auditLog.edges.map((e) => e.node)
      .filter((e) => e.targetId === key.id);
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['api_key.compromised', 'api_key.revoked']),
    );
    expect(events.find((e) => e.action === 'api_key.compromised')!.actor).toBeNull();

    const toOwner = await smtp.take(world.owner.email);
    expect(toOwner.text).toContain(url);
    expect(toOwner.text).toContain(`http://portal.test/teams/${teamId}/keys/${key.id}`);
    const toSupport = await smtp.take(SUPPORT);
    expect(toSupport.subject).toContain('SECRET_SCANNING');
    expect(toSupport.text).toContain(url);
  });

  it('answers 401 and changes nothing for a bad signature, a missing one, or an unknown key id', async () => {
    const key = await createKey();
    const body = JSON.stringify([finding(key.secret)]);
    const good = sign('sha256', Buffer.from(body), host.privateKey).toString('base64');
    const tampered = JSON.stringify([finding(key.secret, 'https://example.test/other')]);
    const cases: Array<[string, Record<string, string>]> = [
      [
        body,
        {
          'github-public-key-identifier': KEY_ID,
          'github-public-key-signature': sign(
            'sha256',
            Buffer.from(body),
            stranger.privateKey,
          ).toString('base64'),
        },
      ],
      [tampered, { 'github-public-key-identifier': KEY_ID, 'github-public-key-signature': good }],
      [body, { 'github-public-key-identifier': KEY_ID }],
      [
        body,
        { 'github-public-key-identifier': 'not-a-known-key', 'github-public-key-signature': good },
      ],
      [body, { 'github-public-key-identifier': 'older', 'github-public-key-signature': good }],
      [
        body,
        {
          'github-public-key-identifier': KEY_ID,
          'github-public-key-signature': 'bm90IGEgc2lnbmF0dXJl',
        },
      ],
      [body, {}],
    ];
    for (const [text, headers] of cases) {
      const res = await post(text, headers);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    }
    expect((await asKey(key.secret)).status).toBe(200);
    expect(await keyOf(key.id)).toMatchObject({ status: 'ACTIVE', revokedAt: null, incidents: [] });
  });

  it('labels anything that is not a live key of ours false_positive and changes nothing', async () => {
    const key = await createKey();
    const unknown = generateApiKey('PRODUCTION').secret; // well formed, checksum right, never issued
    const badChecksum = `${key.secret.slice(0, -1)}${key.secret.endsWith('A') ? 'B' : 'A'}`;
    const tokens = [
      unknown,
      badChecksum,
      'ppk_live_short',
      'AKIAIOSFODNN7EXAMPLE',
      'x'.repeat(300),
    ];
    const res = await signed(tokens.map((token) => finding(token)));
    expect(res.status).toBe(200);
    expect(res.body.map((r: { label: string }) => r.label)).toEqual(
      tokens.map(() => 'false_positive'),
    );
    expect(res.body.map((r: { token_hash: string }) => r.token_hash)).toEqual(tokens.map(sha));
    expect((await asKey(key.secret)).status).toBe(200);
    expect((await keyOf(key.id)).incidents).toEqual([]);
  });

  it('an already-revoked key is a true positive, never revoked twice; a new place is a new incident, the same place is not', async () => {
    const key = await createKey('DEVELOPMENT');
    await t.gql(
      `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`,
      { id: key.id },
      world.owner.token,
    );
    const revokedAt = (await keyOf(key.id)).revokedAt;
    const first = await signed([finding(key.secret, 'https://gist.github.com/a/1')]);
    expect(first.body[0]!.label).toBe('true_positive');
    // The same find reported again (scanners retry), and twice in one report: one incident.
    const again = await signed([
      finding(key.secret, 'https://gist.github.com/a/1'),
      finding(key.secret, 'https://gist.github.com/a/1'),
    ]);
    expect(again.body.map((r: { label: string }) => r.label)).toEqual([
      'true_positive',
      'true_positive',
    ]);
    const after = await keyOf(key.id);
    expect(after.revokedAt).toBe(revokedAt);
    expect(after.incidents.map((i) => i.foundAt)).toEqual(['https://gist.github.com/a/1']);
    await smtp.take(world.owner.email);
    await smtp.take(SUPPORT);
    // Found somewhere else: recorded and mailed again, still not revoked twice.
    await signed([finding(key.secret, 'https://gist.github.com/b/2')]);
    expect((await keyOf(key.id)).incidents.map((i) => i.foundAt)).toEqual([
      'https://gist.github.com/b/2',
      'https://gist.github.com/a/1',
    ]);
    expect((await smtp.take(world.owner.email)).text).toContain('https://gist.github.com/b/2');
    await smtp.take(SUPPORT);
    const audit = await t.gql<{ team: { auditLog: { edges: Array<{ node: AuditNode }> } } }>(
      AUDIT,
      { id: teamId },
      world.owner.token,
    );
    const revokes = audit
      .data!.team.auditLog.edges.map((e) => e.node)
      .filter((e) => e.targetId === key.id && e.action === 'api_key.revoked');
    expect(revokes).toHaveLength(1);
  });

  it('refuses bodies that are not a bounded list of findings (after the signature)', async () => {
    expect((await signed({ token: 'x' })).status).toBe(400);
    expect((await signed([{ type: 'no token' }])).status).toBe(400);
    const many = Array.from({ length: 1001 }, () => finding('ppk_live_x'));
    expect((await signed(many)).status).toBe(400);
    const huge = 'x'.repeat(1024 * 1024 + 10);
    expect(
      (
        await post(huge, {
          'github-public-key-identifier': KEY_ID,
          'github-public-key-signature': 'AA==',
        })
      ).status,
    ).toBe(413);
    expect((await fetch(`${t.url}/v1/secret-scanning/verify`)).status).toBe(405);
  });
});

describe('SECRET_SCANNING_KEYS', () => {
  const base = { NODE_ENV: 'test', DATA_DIR: tmpdir() };
  it('says what is wrong, one line per problem', () => {
    const bad = JSON.stringify({
      public_keys: [
        { key_identifier: '', key: pem(host.publicKey), is_current: true },
        {
          key_identifier: 'rsa',
          key: pem(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey),
        },
        { key_identifier: 'junk', key: 'not a key', is_current: 'yes' },
      ],
    });
    let message = '';
    try {
      loadConfig({ ...base, SECRET_SCANNING_KEYS: bad });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'SECRET_SCANNING_KEYS: public_keys[0].key_identifier must be a string of 1 to 256 characters',
      'SECRET_SCANNING_KEYS: public_keys[1].key must be an ECDSA P-256 public key',
      'SECRET_SCANNING_KEYS: public_keys[2].is_current must be true or false',
      'SECRET_SCANNING_KEYS: public_keys[2].key is not a PEM public key',
    ]);
    expect(() => loadConfig({ ...base, SECRET_SCANNING_KEYS: '/no/such/file.json' })).toThrow(
      'SECRET_SCANNING_KEYS: no file at /no/such/file.json',
    );
    expect(() => loadConfig({ ...base, SECRET_SCANNING_KEYS: '{"public_keys": []}' })).toThrow(
      'with at least one key',
    );
    expect(() => loadConfig({ ...base, SUPPORT_EMAIL: 'not an address' })).toThrow('SUPPORT_EMAIL');
  });

  it('answers 404 when no keys are configured', async () => {
    const plain = await startPortal();
    try {
      const res = await fetch(`${plain.url}/v1/secret-scanning/verify`, {
        method: 'POST',
        body: '[]',
      });
      expect(res.status).toBe(404);
    } finally {
      await plain.stop();
    }
  });
});
