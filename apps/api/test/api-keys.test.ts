import { signUp, startPortal, type TestPortal } from './harness';
import { startMailPortal, stopMailPortal } from './mail-portal';
import type { TestSmtpServer } from './smtp';
import { makeWorld } from './teams-world';

const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) {
  secret apiKey { id name description environment start status expiresAt revokedAt monthlyRequestLimit rateLimitPerMinute createdBy { email } } } }`;
const ROTATE = `mutation($input: RotateApiKeyInput!) { rotateApiKey(input: $input) { secret apiKey { id name environment status expiresAt monthlyRequestLimit rateLimitPerMinute replaces { id } } } }`;
const REVOKE = `mutation($id: ID!) { revokeApiKey(id: $id) { id status revokedAt } }`;
const KEY = `query($id: ID!) { apiKey(id: $id) { id name status lastUsedAt replacedBy { id } replaces { id } } }`;
const TEAM_AS_KEY = `query($id: ID!) { team(id: $id) { id name viewerRole members { role user { email } } apiKeys { name start status } auditLog(first: 3) { edges { node { action } } } } }`;

type Created = {
  createApiKey: {
    secret: string;
    apiKey: {
      id: string;
      name: string;
      start: string;
      status: string;
      expiresAt: string | null;
      revokedAt: string | null;
    };
  };
};

let t: TestPortal;
let smtp: TestSmtpServer;
let world: Awaited<ReturnType<typeof makeWorld>>;
let teamId: string;

beforeAll(async () => {
  // Last uses are written only when a test says so (flushLastUsed), never by the timer mid-test.
  ({ t, smtp } = await startMailPortal({ KEY_LAST_USED_WRITE_SECONDS: '3600' }));
  world = await makeWorld(t, smtp);
  teamId = (await world.makeTeam()).teamId;
}, 60_000);
afterAll(() => stopMailPortal(t, smtp));

let n = 0;
const createKey = async (
  overrides: Record<string, unknown> = {},
  token = world.owner.token,
  team = teamId,
) => {
  const res = await t.gql<Created>(
    CREATE,
    {
      input: {
        teamId: team,
        name: `key ${++n}`,
        environment: 'DEVELOPMENT',
        expiration: 'DAYS_30',
        ...overrides,
      },
    },
    token,
  );
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.createApiKey;
};
/** After the clock jumps past the session lifetime, everyone logs in again. */
async function logInAgain() {
  for (const person of [world.owner, world.admin, world.member, world.outsider]) {
    const res = await t.gql<{ logIn: { token: string } }>(
      `mutation($i: LogInInput!) { logIn(input: $i) { token } }`,
      { i: { email: person.email, password: person.password } },
    );
    person.token = res.data!.logIn.token;
  }
}
const asKey = (
  secret: string,
  query = TEAM_AS_KEY,
  variables: Record<string, unknown> = { id: teamId },
) => t.post(query, variables, { authorization: `Bearer ${secret}` });

describe('creating keys', () => {
  it('returns the secret once, in the documented format, with metadata', async () => {
    const before = Date.now();
    const created = await createKey({
      name: 'CI pipeline',
      description: 'Used by our CI',
      environment: 'PRODUCTION',
      expiration: 'DAYS_90',
      monthlyRequestLimit: 5_000_000_000,
      rateLimitPerMinute: 600,
    });
    expect(created.secret).toMatch(/^ppk_live_[0-9A-Za-z]{38}$/);
    expect(created.apiKey).toMatchObject({
      name: 'CI pipeline',
      description: 'Used by our CI',
      environment: 'PRODUCTION',
      status: 'ACTIVE',
      monthlyRequestLimit: 5_000_000_000,
      rateLimitPerMinute: 600,
      createdBy: { email: world.owner.email },
    });
    expect(created.secret.startsWith(created.apiKey.start)).toBe(true);
    expect(created.apiKey.start.length).toBeLessThan(created.secret.length / 2);
    const days = (new Date(created.apiKey.expiresAt!).getTime() - before) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThan(90.1);
    expect((await createKey({ expiration: 'NEVER' })).apiKey.expiresAt).toBeNull();
  });

  it('lets OWNER and ADMIN create; MEMBER reads metadata only; outsiders see nothing', async () => {
    await createKey({}, world.admin.token);
    expect(
      (
        await t.gql(
          CREATE,
          { input: { teamId, name: 'nope', environment: 'DEVELOPMENT', expiration: 'NEVER' } },
          world.member.token,
        )
      ).errors?.[0]?.extensions.code,
    ).toBe('FORBIDDEN');
    expect(
      (
        await t.gql(
          CREATE,
          { input: { teamId, name: 'nope', environment: 'DEVELOPMENT', expiration: 'NEVER' } },
          world.outsider.token,
        )
      ).errors?.[0]?.extensions.code,
    ).toBe('NOT_FOUND');
    const { apiKey } = await createKey();
    const asMember = await t.gql<{ apiKey: { id: string } }>(
      KEY,
      { id: apiKey.id },
      world.member.token,
    );
    expect(asMember.data?.apiKey.id).toBe(apiKey.id);
    expect(
      (await t.gql(KEY, { id: apiKey.id }, world.outsider.token)).errors?.[0]?.extensions.code,
    ).toBe('NOT_FOUND');
    expect(
      (await t.gql(REVOKE, { id: apiKey.id }, world.member.token)).errors?.[0]?.extensions.code,
    ).toBe('FORBIDDEN');
    expect(
      (await t.gql(REVOKE, { id: apiKey.id }, world.outsider.token)).errors?.[0]?.extensions.code,
    ).toBe('NOT_FOUND');
  });

  it('keeps names unique among active keys, and checks every field', async () => {
    await createKey({ name: 'Unique' });
    const dup = await t.gql(
      CREATE,
      { input: { teamId, name: ' Unique ', environment: 'PRODUCTION', expiration: 'NEVER' } },
      world.owner.token,
    );
    expect(dup.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      fields: { name: expect.any(String) },
    });
    const bad = await t.gql(
      CREATE,
      {
        input: {
          teamId,
          name: ' ',
          description: 'x'.repeat(501),
          environment: 'DEVELOPMENT',
          expiration: 'NEVER',
          monthlyRequestLimit: 0,
          rateLimitPerMinute: 2_000_000,
        },
      },
      world.owner.token,
    );
    expect(Object.keys(bad.errors?.[0]?.extensions.fields as object).sort()).toEqual([
      'description',
      'monthlyRequestLimit',
      'name',
      'rateLimitPerMinute',
    ]);
    const wrongEnum = await t.gql(
      CREATE,
      { input: { teamId, name: 'x', environment: 'STAGING', expiration: 'NEVER' } },
      world.owner.token,
    );
    expect(wrongEnum.status).toBe(400);
    expect(wrongEnum.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('lists keys with status and environment filters', async () => {
    const live = await createKey({ environment: 'PRODUCTION' });
    await t.gql(REVOKE, { id: live.apiKey.id }, world.owner.token);
    const res = await t.gql<{
      team: { apiKeys: Array<{ id: string; environment: string; status: string }> };
    }>(
      `query($id: ID!) { team(id: $id) { apiKeys(status: REVOKED, environment: PRODUCTION) { id environment status } } }`,
      { id: teamId },
      world.member.token,
    );
    expect(res.data?.team.apiKeys.map((k) => k.id)).toContain(live.apiKey.id);
    expect(
      res.data?.team.apiKeys.every((k) => k.status === 'REVOKED' && k.environment === 'PRODUCTION'),
    ).toBe(true);
  });
});

describe('authenticating with a key', () => {
  it('reads its own team (members, keys, audit log) with Bearer or X-API-Key; viewerRole and viewer are null', async () => {
    const { secret } = await createKey();
    for (const headers of [{ authorization: `Bearer ${secret}` }, { 'x-api-key': secret }] as Array<
      Record<string, string>
    >) {
      const res = await t.post<{
        team: { id: string; viewerRole: null; members: unknown[]; apiKeys: unknown[] };
      }>(TEAM_AS_KEY, { id: teamId }, headers);
      expect(res.errors).toBeUndefined();
      expect(res.data?.team).toMatchObject({ id: teamId, viewerRole: null });
      expect(res.data!.team.members.length).toBe(3);
    }
    expect((await asKey(secret, '{ viewer { user { id } } }', {})).data).toEqual({ viewer: null });
  });

  it('sees nothing of other teams, nor invitations, and every mutation is FORBIDDEN', async () => {
    const { secret } = await createKey();
    expect(
      (await asKey(secret, TEAM_AS_KEY, { id: world.outsiderTeam })).errors?.[0]?.extensions.code,
    ).toBe('NOT_FOUND');
    const other = await t.gql<Created>(
      CREATE,
      {
        input: {
          teamId: world.outsiderTeam,
          name: 'theirs',
          environment: 'DEVELOPMENT',
          expiration: 'NEVER',
        },
      },
      world.outsider.token,
    );
    expect(
      (await asKey(secret, KEY, { id: other.data!.createApiKey.apiKey.id })).errors?.[0]?.extensions
        .code,
    ).toBe('NOT_FOUND');
    expect(
      (await asKey(secret, `query($id: ID!) { team(id: $id) { invitations { email } } }`))
        .errors?.[0]?.extensions.code,
    ).toBe('FORBIDDEN');
    for (const [query, variables] of [
      ['mutation { createTeam(input: { name: "x" }) { id } }', {}],
      ['mutation($id: ID!) { deleteTeam(id: $id) }', { id: teamId }],
      [
        CREATE,
        { input: { teamId, name: 'by key', environment: 'DEVELOPMENT', expiration: 'NEVER' } },
      ],
      ['mutation { logOut }', {}],
    ] as const) {
      const res = await asKey(secret, query, variables);
      expect(res.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    }
  });

  it('refuses malformed, mistyped and unknown keys with 401', async () => {
    const { secret } = await createKey();
    const flipped = secret.slice(0, 12) + (secret[12] === 'a' ? 'b' : 'a') + secret.slice(13);
    const unknownButWellFormed = (await createKey()).secret;
    // Delete the row behind a valid key: well-formed, checksum right, unknown to the server.
    await t.portal.dataSource.query('DELETE FROM api_keys WHERE start = ?', [
      unknownButWellFormed.slice(0, 13),
    ]);
    for (const [value, message] of [
      ['ppk_test_short', /copied whole/],
      [flipped, /copied whole/],
      [unknownButWellFormed, /not valid/],
    ] as const) {
      for (const headers of [{ authorization: `Bearer ${value}` }, { 'x-api-key': value }] as Array<
        Record<string, string>
      >) {
        const res = await t.post(TEAM_AS_KEY, { id: teamId }, headers);
        expect(res.status).toBe(401);
        expect(res.errors?.[0]).toMatchObject({
          extensions: { code: 'UNAUTHENTICATED' },
          message: expect.stringMatching(message),
        });
      }
    }
    const both = await t.post(
      TEAM_AS_KEY,
      { id: teamId },
      { authorization: `Bearer ${world.owner.token}`, 'x-api-key': secret },
    );
    expect(both.status).toBe(401);
  });

  it('stops a revoked key on the very next request, though it was cached; revoking again is a no-op', async () => {
    const { secret, apiKey } = await createKey();
    expect((await asKey(secret)).status).toBe(200);
    const revoked = await t.gql<{ revokeApiKey: { status: string; revokedAt: string } }>(
      REVOKE,
      { id: apiKey.id },
      world.admin.token,
    );
    expect(revoked.data?.revokeApiKey.status).toBe('REVOKED');
    const after = await asKey(secret);
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.message).toMatch(/revoked/);
    const again = await t.gql<{ revokeApiKey: { revokedAt: string } }>(
      REVOKE,
      { id: apiKey.id },
      world.owner.token,
    );
    expect(again.data?.revokeApiKey.revokedAt).toBe(revoked.data?.revokeApiKey.revokedAt);
  });

  it('stops an expired key from the instant it expires (controlled clock)', async () => {
    const { secret, apiKey } = await createKey({ expiration: 'DAYS_30' });
    expect((await asKey(secret)).status).toBe(200);
    t.clock.advanceMinutes(30 * 24 * 60 + 1);
    const res = await asKey(secret);
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.message).toMatch(/expired/);
    await logInAgain(); // sessions last 7 days: the clock just moved 30
    expect(
      (await t.gql<{ apiKey: { status: string } }>(KEY, { id: apiKey.id }, world.owner.token)).data
        ?.apiKey.status,
    ).toBe('EXPIRED');
  });

  it('keeps lastUsedAt without writing on every request, and writes it in batches', async () => {
    const { secret, apiKey } = await createKey({ expiration: 'NEVER' });
    const stored = async () => {
      const rows: Array<{ lastUsedAt: unknown }> = await t.portal.dataSource.query(
        'SELECT lastUsedAt FROM api_keys WHERE id = ?',
        [apiKey.id],
      );
      return rows[0]!.lastUsedAt;
    };
    await asKey(secret);
    await asKey(secret);
    expect(await stored()).toBeNull();
    const shown = await t.gql<{ apiKey: { lastUsedAt: string } }>(
      KEY,
      { id: apiKey.id },
      world.owner.token,
    );
    expect(shown.data?.apiKey.lastUsedAt).not.toBeNull();
    await t.portal.services.apiKeyAuth.flushLastUsed();
    expect(await stored()).not.toBeNull();
  });
});

describe('rotating keys', () => {
  it('makes a linked replacement with the same settings; the old key works through the grace period only', async () => {
    const old = await createKey({
      name: 'rotating',
      environment: 'PRODUCTION',
      expiration: 'DAYS_180',
      monthlyRequestLimit: 1000,
      rateLimitPerMinute: 10,
    });
    const rotated = await t.gql<{
      rotateApiKey: {
        secret: string;
        apiKey: {
          id: string;
          name: string;
          environment: string;
          expiresAt: string;
          monthlyRequestLimit: number;
          rateLimitPerMinute: number;
          replaces: { id: string };
        };
      };
    }>(ROTATE, { input: { id: old.apiKey.id, gracePeriodHours: 1 } }, world.admin.token);
    const fresh = rotated.data!.rotateApiKey;
    expect(fresh.secret).toMatch(/^ppk_live_/);
    expect(fresh.apiKey).toMatchObject({
      name: 'rotating',
      environment: 'PRODUCTION',
      monthlyRequestLimit: 1000,
      rateLimitPerMinute: 10,
      replaces: { id: old.apiKey.id },
    });
    expect(
      (new Date(fresh.apiKey.expiresAt).getTime() - t.clock.now().getTime()) / 86_400_000,
    ).toBeCloseTo(180, 1);
    const oldNow = await t.gql<{ apiKey: { replacedBy: { id: string }; status: string } }>(
      KEY,
      { id: old.apiKey.id },
      world.member.token,
    );
    expect(oldNow.data?.apiKey).toMatchObject({
      status: 'ACTIVE',
      replacedBy: { id: fresh.apiKey.id },
    });

    expect((await asKey(old.secret)).status).toBe(200);
    expect((await asKey(fresh.secret)).status).toBe(200);
    t.clock.advanceMinutes(61);
    expect((await asKey(old.secret)).status).toBe(401);
    expect((await asKey(fresh.secret)).status).toBe(200);

    const twice = await t.gql(ROTATE, { input: { id: old.apiKey.id } }, world.owner.token);
    expect(twice.errors?.[0]?.extensions.code).toBe('CONFLICT');
  });

  it('revokes the old key at once with a zero grace period', async () => {
    const old = await createKey();
    expect((await asKey(old.secret)).status).toBe(200);
    const rotated = await t.gql<{ rotateApiKey: { secret: string } }>(
      ROTATE,
      { input: { id: old.apiKey.id, gracePeriodHours: 0 } },
      world.owner.token,
    );
    expect((await asKey(old.secret)).status).toBe(401);
    expect((await asKey(rotated.data!.rotateApiKey.secret)).status).toBe(200);
    expect(
      (
        await t.gql(
          ROTATE,
          { input: { id: old.apiKey.id, gracePeriodHours: -1 } },
          world.owner.token,
        )
      ).errors?.[0]?.extensions.code,
    ).toBe('BAD_USER_INPUT');
  });
});

describe('audit and secrecy', () => {
  it('audits create, rotate and revoke, and the secret is in no table and no log line', async () => {
    const created = await createKey({ name: 'secret keeper' });
    const rotated = await t.gql<{ rotateApiKey: { secret: string; apiKey: { id: string } } }>(
      ROTATE,
      { input: { id: created.apiKey.id, gracePeriodHours: 0 } },
      world.owner.token,
    );
    await t.gql(REVOKE, { id: rotated.data!.rotateApiKey.apiKey.id }, world.owner.token);
    await asKey(created.secret); // refused: logged, perhaps
    await asKey(rotated.data!.rotateApiKey.secret, TEAM_AS_KEY, { id: world.outsiderTeam });
    await t.portal.services.apiKeyAuth.flushLastUsed();

    const log = await t.gql<{
      team: { auditLog: { edges: Array<{ node: { action: string; details: string } }> } };
    }>(
      `query($id: ID!) { team(id: $id) { auditLog(first: 3) { edges { node { action details } } } } }`,
      { id: teamId },
      world.owner.token,
    );
    expect(log.data?.team.auditLog.edges.map((e) => e.node.action)).toEqual([
      'api_key.revoked',
      'api_key.rotated',
      'api_key.created',
    ]);

    const secrets = [created.secret, rotated.data!.rotateApiKey.secret];
    const everything: string[] = [];
    const tables: Array<{ name: string }> =
      t.portal.config.database.type === 'sqlite'
        ? await t.portal.dataSource.query("SELECT name FROM sqlite_master WHERE type = 'table'")
        : await t.portal.dataSource.query(
            'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()',
          );
    expect(tables.map((r) => r.name)).toEqual(
      expect.arrayContaining(['api_keys', 'audit_events', 'users']),
    );
    for (const { name } of tables)
      everything.push(JSON.stringify(await t.portal.dataSource.query(`SELECT * FROM ${name}`)));
    const dump = everything.join('\n') + t.logs.join('\n');
    for (const secret of secrets) {
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(secret.slice(13, 40)); // nor its random part
    }
  });

  it('deleting the team revokes its keys at once', async () => {
    const { teamId: doomed } = await world.makeTeam('Doomed keys');
    const { secret } = await createKey({}, world.owner.token, doomed);
    expect((await asKey(secret, TEAM_AS_KEY, { id: doomed })).status).toBe(200);
    await t.gql(`mutation($id: ID!) { deleteTeam(id: $id) }`, { id: doomed }, world.owner.token);
    expect((await asKey(secret, TEAM_AS_KEY, { id: doomed })).status).toBe(401);
  });
});

describe('refusing before any look-up', () => {
  it('answers malformed keys with 401 even when the database is gone', async () => {
    const lone = await startPortal();
    const person = await signUp(lone);
    void person;
    await lone.portal.dataSource.destroy();
    const res = await lone.post(
      '{ viewer { user { id } } }',
      {},
      { 'x-api-key': 'ppk_live_' + 'A'.repeat(38) },
    );
    expect(res.status).toBe(401);
    await lone.stop();
  });
});
