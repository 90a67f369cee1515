import type { EntitySubscriberInterface } from 'typeorm';
import { signUp, startPortal, type TestPortal } from './harness';
import { createTeam, type Person } from './teams-world';

/**
 * How many statements a request reads from the database, counted on the portal's own data source
 * over real HTTP: the hot queries (a team by a key, by a session) and the web app's dashboards
 * read each thing once, and the number of keys or teams shown does not multiply the reads
 * (request-scoped loaders; the session itself is cached between requests).
 */

const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`;
const TEAM = `query($id: ID!) { team(id: $id) { id name } }`;
/** apps/web's GettingStarted (the team dashboard's checklists). */
const DASHBOARD = `query GettingStarted($teamId: ID!, $since: DateTime!, $until: DateTime!) {
  team(id: $teamId) {
    id name viewerRole guidelines
    members { id role }
    invitations { id }
    usageAlerts { id }
    apiKeys { id environment lastUsedAt secretStoredAt usage(from: $since, to: $until, interval: DAY) { totalRequests } }
  }
}`;
/** apps/web's MyTeams, with each team's role as the team switcher shows it. */
const MY_TEAMS = `query { viewer { memberships { id role team { id name viewerRole } } } }`;

let t: TestPortal;
let counting: string[] | null = null;

beforeAll(async () => {
  t = await startPortal();
  const counter: EntitySubscriberInterface = {
    beforeQuery: (event) => {
      // Reads only: the usage recorder's and activity's writes run on their own schedule.
      if (/^\s*SELECT/i.test(event.query)) counting?.push(event.query);
    },
  };
  t.portal.dataSource.subscribers.push(counter);
  // Without Redis, other processes' usage is polled once a second (foreign-ticks.ts): a read of no
  // request, which CI once caught inside a counted request. Stopped here, so only requests read.
  t.portal.services.foreignTicks?.stop();
});
afterAll(() => t.stop());

/** The SELECTs one request made, after a first request warmed what may be cached across requests. */
async function readsOf<T>(run: () => Promise<T>): Promise<{ result: T; reads: string[] }> {
  await run();
  counting = [];
  const result = await run();
  const reads = counting;
  counting = null;
  return { result, reads };
}

let keyNumber = 0;
async function keysFor(owner: Person, teamId: string, n: number): Promise<string[]> {
  const secrets: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = await t.gql<{ createApiKey: { secret: string } }>(
      CREATE_KEY,
      {
        input: {
          teamId,
          name: `key ${++keyNumber}`,
          environment: 'PRODUCTION',
          expiration: 'NEVER',
          rateLimitPerMinute: 1000,
          monthlyRequestLimit: 100_000,
        },
      },
      owner.token,
    );
    if (!key.data) throw new Error(`createApiKey failed: ${JSON.stringify(key.errors)}`);
    secrets.push(key.data.createApiKey.secret);
  }
  return secrets;
}

const window = () => ({
  since: new Date(Date.now() - 30 * 86_400_000).toISOString(),
  until: new Date(Date.now() + 3_600_000).toISOString(),
});

it('team(id) { id name }: one read with a key (limits and all), one with a session', async () => {
  const owner = await signUp(t);
  const teamId = await createTeam(t, owner);
  const [secret] = await keysFor(owner, teamId, 1);

  const keyed = await readsOf(() => t.post(TEAM, { id: teamId }, { 'x-api-key': secret! }));
  expect(keyed.result.data).toEqual({ team: { id: teamId, name: 'Acme Partners' } });
  expect(keyed.reads).toHaveLength(1);

  const session = await readsOf(() => t.gql(TEAM, { id: teamId }, owner.token));
  expect(session.result.data).toEqual({ team: { id: teamId, name: 'Acme Partners' } });
  expect(session.reads).toHaveLength(1);
  expect(session.reads[0]).toMatch(/memberships/);
});

it('the team dashboard reads as much for 4 keys as for 1, and each key gets its own usage', async () => {
  const owner = await signUp(t);
  const teamId = await createTeam(t, owner);
  const secrets = await keysFor(owner, teamId, 1);
  const one = await readsOf(() => t.gql(DASHBOARD, { teamId, ...window() }, owner.token));
  expect(one.result.errors).toBeUndefined();

  secrets.push(...(await keysFor(owner, teamId, 3)));
  // Requests by the first key 3 times, the third once; then counted into the rollups.
  for (const [i, times] of [
    [0, 3],
    [2, 1],
  ] as const)
    for (let n = 0; n < times; n++)
      expect((await t.post(TEAM, { id: teamId }, { 'x-api-key': secrets[i]! })).status).toBe(200);
  await t.portal.services.usageRecorder.flush();

  const four = await readsOf(() =>
    t.gql<{ team: { apiKeys: Array<{ id: string; usage: { totalRequests: number } }> } }>(
      DASHBOARD,
      { teamId, ...window() },
      owner.token,
    ),
  );
  expect(four.result.errors).toBeUndefined();
  // Newest first: keys 3, 2, 1, 0.
  expect(four.result.data!.team.apiKeys.map((k) => k.usage.totalRequests)).toEqual([0, 1, 0, 3]);
  expect(four.reads).toHaveLength(one.reads.length);
  // Membership, members, invitations, alerts, keys, and every key's usage in one.
  expect(four.reads.length).toBeLessThanOrEqual(6);
  expect(four.reads.filter((sql) => /usage_hours/.test(sql))).toHaveLength(1);
  expect(four.reads.filter((sql) => /FROM "?`?sessions/.test(sql))).toHaveLength(0);
});

it("the viewer's teams with their roles: two reads for 3 teams", async () => {
  const owner = await signUp(t);
  for (const name of ['Alpha', 'Beta', 'Gamma']) await createTeam(t, owner, name);
  const { result, reads } = await readsOf(() =>
    t.gql<{ viewer: { memberships: Array<{ team: { name: string; viewerRole: string } }> } }>(
      MY_TEAMS,
      {},
      owner.token,
    ),
  );
  expect(result.data!.viewer.memberships.map((m) => [m.team.name, m.team.viewerRole])).toEqual([
    ['Alpha', 'OWNER'],
    ['Beta', 'OWNER'],
    ['Gamma', 'OWNER'],
  ]);
  // The person, and their memberships with the teams joined.
  expect(reads).toHaveLength(2);
});
