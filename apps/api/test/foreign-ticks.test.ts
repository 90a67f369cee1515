import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { databaseUrlOf, signUp, startPortal, type TestPortal } from './harness';
import { createTeam } from './teams-world';

/**
 * Without Redis, a process cannot hear another's ticks (a gateway, or a second portal process on
 * the same database): the portal reads the recent rollups instead. A subscriber sees the other
 * process's requests within about two seconds, and its own process's requests exactly once.
 */
let a: TestPortal;
let b: TestPortal;
beforeAll(async () => {
  const JWT_SECRET = 'a-shared-secret-of-at-least-32-characters';
  // REDIS_URL empty: no Redis even in CI's MariaDB + Redis run.
  a = await startPortal({ JWT_SECRET, REDIS_URL: '' });
  b = await startPortal({ JWT_SECRET, REDIS_URL: '', DATABASE_URL: databaseUrlOf(a) });
});
afterAll(async () => {
  await b.stop();
  await a.stop();
});

it("delivers another process's usage live, and this process's own once", async () => {
  const owner = await signUp(a);
  const teamId = await createTeam(a, owner);
  const res = await a.gql<{ createApiKey: { secret: string } }>(
    `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
    { input: { teamId, name: 'k', environment: 'PRODUCTION', expiration: 'NEVER' } },
    owner.token,
  );
  const secret = res.data!.createApiKey.secret;

  const ticks: Array<{ requests: number; at: number }> = [];
  const client = createClient({
    url: `${a.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${owner.token}` },
    retryAttempts: 0,
  });
  client.subscribe(
    {
      query: `subscription($t: ID!) { usageTicks(teamId: $t) { requests } }`,
      variables: { t: teamId },
    },
    {
      next: (value) => {
        const tick = (value.data as { usageTicks?: { requests: number } } | null)?.usageTicks;
        if (tick) ticks.push({ requests: tick.requests, at: performance.now() });
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  try {
    await new Promise((r) => setTimeout(r, 1500)); // subscribed, and the reader primed
    const sentAt = performance.now();
    for (let i = 0; i < 5; i++)
      expect((await b.post(`{ viewer { __typename } }`, {}, { 'x-api-key': secret })).status).toBe(
        200,
      );
    for (let i = 0; i < 3; i++)
      expect((await a.post(`{ viewer { __typename } }`, {}, { 'x-api-key': secret })).status).toBe(
        200,
      );

    const total = () => ticks.reduce((n, tick) => n + tick.requests, 0);
    const deadline = Date.now() + 8000;
    while (total() < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(total()).toBe(8);
    const last = Math.max(...ticks.map((tick) => tick.at));
    console.log(
      `foreign ticks: 8 requests seen ${Math.round(last - sentAt)} ms after the first was sent`,
    );
    expect(last - sentAt).toBeLessThan(4000);
    // Nothing more arrives: the own three were not counted a second time by the reader.
    await new Promise((r) => setTimeout(r, 2500));
    expect(total()).toBe(8);
  } finally {
    await client.dispose();
  }
});
