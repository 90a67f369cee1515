import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { databaseUrlOf, signUp, startPortal, type TestPortal } from './harness';
import { createTeam } from './teams-world';

/**
 * Two API processes of one deployment (one database, one Redis): they share each key's limits,
 * and a subscriber on one sees ticks for requests the other served. Needs Redis (CI's MariaDB run
 * sets REDIS_URL).
 */
(process.env.REDIS_URL ? describe : describe.skip)('two processes sharing Redis', () => {
  let a: TestPortal;
  let b: TestPortal;
  beforeAll(async () => {
    // One deployment: one database, one Redis, one JWT secret.
    const JWT_SECRET = 'a-shared-secret-of-at-least-32-characters';
    a = await startPortal({ JWT_SECRET });
    b = await startPortal({
      JWT_SECRET,
      DATABASE_URL: databaseUrlOf(a),
      REDIS_KEY_PREFIX: a.portal.config.redisPrefix,
    });
  });
  afterAll(async () => {
    await b.stop();
    await a.stop();
  });

  async function key(limits: Record<string, number> = {}) {
    const owner = await signUp(a);
    const teamId = await createTeam(a, owner);
    const res = await a.gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
      `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`,
      {
        input: {
          teamId,
          name: 'shared',
          environment: 'PRODUCTION',
          expiration: 'NEVER',
          ...limits,
        },
      },
      owner.token,
    );
    return { owner, teamId, ...res.data!.createApiKey };
  }

  it('share one per-minute limit', async () => {
    const { secret } = await key({ rateLimitPerMinute: 4 });
    const call = (p: TestPortal) =>
      p.post(`{ viewer { __typename } }`, {}, { 'x-api-key': secret });
    const statuses = [];
    for (const p of [a, b, a, b, a, b]) statuses.push((await call(p)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('deliver ticks to a subscriber on one process for requests served by the other', async () => {
    const { owner, teamId, secret } = await key();
    const client = createClient({
      url: `${b.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${owner.token}` },
      retryAttempts: 0,
    });
    let received = 0;
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${received} requests seen`)), 10_000);
      client.subscribe<{ usageTicks: { requests: number } }>(
        {
          query: `subscription($t: ID!) { usageTicks(teamId: $t) { requests } }`,
          variables: { t: teamId },
        },
        {
          next: (v) => {
            received += v.data?.usageTicks.requests ?? 0;
            if (received >= 3) {
              clearTimeout(timer);
              resolve();
            }
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 3; i++)
      await a.post(`{ viewer { __typename } }`, {}, { 'x-api-key': secret });
    await done;
    expect(received).toBe(3);
    await client.dispose();
  });
});
