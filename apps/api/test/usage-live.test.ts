import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { signUp, startPortal, type TestPortal } from './harness';
import { createTeam } from './teams-world';

const TICKS = `subscription($team: ID!, $key: ID) { usageTicks(teamId: $team, apiKeyId: $key) { apiKeyId at requests errors statusCodes { status count } } }`;
type Tick = {
  apiKeyId: string;
  at: string;
  requests: number;
  errors: number;
  statusCodes: Array<{ status: number; count: number }>;
};

let t: TestPortal;
beforeAll(async () => {
  t = await startPortal();
});
afterAll(() => t.stop());

const clients: Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.dispose();
});

function connect(authorization: string): Client {
  const client = createClient({
    url: `${t.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization },
    retryAttempts: 0,
  });
  clients.push(client);
  return client;
}

/** Collects what a subscription sends; `until` resolves once the predicate holds. */
function collect(client: Client, variables: Record<string, unknown>) {
  const ticks: Tick[] = [];
  const errors: unknown[] = [];
  let notify = () => undefined as void;
  client.subscribe<{ usageTicks: Tick }>(
    { query: TICKS, variables },
    {
      next: (value) => {
        if (value.errors) errors.push(...value.errors);
        if (value.data) ticks.push(value.data.usageTicks);
        notify();
      },
      error: (error) => {
        errors.push(error);
        notify();
      },
      complete: () => notify(),
    },
  );
  const until = (predicate: () => boolean, timeoutMs = 5000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `timed out after ${ticks.length} ticks; errors: ${JSON.stringify(errors).slice(0, 500)}`,
            ),
          ),
        timeoutMs,
      );
      notify = () => {
        if (predicate()) {
          clearTimeout(timer);
          resolve();
        }
      };
      notify();
    });
  return { ticks, errors, until };
}

async function teamWithKey() {
  const owner = await signUp(t);
  const teamId = await createTeam(t, owner);
  const make = async (name: string) => {
    const res = await t.gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
      `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`,
      { input: { teamId, name, environment: 'DEVELOPMENT', expiration: 'NEVER' } },
      owner.token,
    );
    return res.data!.createApiKey;
  };
  return { owner, teamId, make };
}

it('pushes ticks (deltas) to a member for requests made after subscribing', async () => {
  const { owner, teamId, make } = await teamWithKey();
  const key = await make('live');
  const sub = collect(connect(`Bearer ${owner.token}`), { team: teamId });
  await new Promise((r) => setTimeout(r, 200)); // let the subscription start
  for (let i = 0; i < 3; i++)
    await t.post(`{ viewer { __typename } }`, {}, { 'x-api-key': key.secret });
  await t.post(`{ nope }`, {}, { 'x-api-key': key.secret });
  await sub.until(() => sub.ticks.reduce((n, tick) => n + tick.requests, 0) >= 4);
  const sum = (f: (tick: Tick) => number) => sub.ticks.reduce((n, tick) => n + f(tick), 0);
  expect(sum((tick) => tick.requests)).toBe(4);
  expect(sum((tick) => tick.errors)).toBe(1);
  expect(sub.ticks.every((tick) => tick.apiKeyId === key.apiKey.id)).toBe(true);
  expect(sub.ticks.flatMap((tick) => tick.statusCodes).filter((c) => c.status === 400)).toEqual([
    { status: 400, count: 1 },
  ]);
});

it("filters to one key when asked, and lets the team's own key subscribe", async () => {
  const { teamId, make } = await teamWithKey();
  const a = await make('a');
  const b = await make('b');
  const sub = collect(connect(`Bearer ${a.secret}`), { team: teamId, key: b.apiKey.id });
  await new Promise((r) => setTimeout(r, 200));
  await t.post(`{ viewer { __typename } }`, {}, { 'x-api-key': a.secret });
  await t.post(`{ viewer { __typename } }`, {}, { 'x-api-key': b.secret });
  await sub.until(() => sub.ticks.length >= 1);
  await new Promise((r) => setTimeout(r, 1200));
  expect(sub.ticks.map((tick) => tick.apiKeyId)).toEqual([b.apiKey.id]);
});

it('refuses a subscription to another team', async () => {
  const mine = await teamWithKey();
  const theirs = await teamWithKey();
  const sub = collect(connect(`Bearer ${mine.owner.token}`), { team: theirs.teamId });
  await sub.until(() => sub.errors.length > 0);
  expect(JSON.stringify(sub.errors)).toContain('NOT_FOUND');
  expect(sub.ticks).toEqual([]);
});

it('survives a subscriber that stops reading while traffic flows', async () => {
  const { owner, teamId, make } = await teamWithKey();
  const key = await make('flood');

  // A raw graphql-ws client that subscribes, then stops reading its socket.
  const stalled = new WebSocket(`${t.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
  await new Promise((resolve) => stalled.once('open', resolve));
  stalled.send(
    JSON.stringify({
      type: 'connection_init',
      payload: { authorization: `Bearer ${owner.token}` },
    }),
  );
  await new Promise((resolve) => stalled.once('message', resolve));
  stalled.send(
    JSON.stringify({
      id: '1',
      type: 'subscribe',
      payload: { query: TICKS, variables: { team: teamId } },
    }),
  );
  await new Promise((r) => setTimeout(r, 200));
  (stalled as unknown as { _socket: { pause(): void } })._socket.pause();

  const healthy = collect(connect(`Bearer ${owner.token}`), { team: teamId });
  await new Promise((r) => setTimeout(r, 200));

  // 3,000 ticks straight into the live channel (far past yoga's 1,024-event overflow), plus real traffic.
  const tick = {
    apiKeyId: key.apiKey.id,
    teamId,
    at: new Date(),
    requests: 1,
    errors: 0,
    statusCodes: [{ status: 200, count: 1 }],
  };
  for (let i = 0; i < 3_000; i++) t.portal.services.usage.publish(tick);
  for (let i = 0; i < 5; i++)
    await t.post(`{ viewer { __typename } }`, {}, { 'x-api-key': key.secret });

  // Every subscriber keeps only its newest ticks when it falls behind, so the healthy one still
  // gets the real traffic's tick after the flood, and the server stays up.
  const floodAt = tick.at.toISOString();
  const real = () =>
    healthy.ticks.filter((x) => x.at !== floodAt).reduce((n, x) => n + x.requests, 0);
  await healthy.until(() => real() >= 5, 20_000);
  expect(real()).toBe(5);
  expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  expect((await t.post(`{ viewer { __typename } }`, {}, { 'x-api-key': key.secret })).status).toBe(
    200,
  );
  stalled.terminate();
}, 30_000);
