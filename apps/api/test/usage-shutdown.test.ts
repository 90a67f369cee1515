import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnPortal } from '../src/bench/spawn';
import { freshDatabase, startPortal } from './harness';

/**
 * SIGTERM under load, on the real built server (dist/main.js): every response a client received
 * is in the usage counts afterwards, because shutdown finishes requests in flight and then flushes.
 */
async function post(
  base: string,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { data?: Record<string, { [k: string]: unknown }> },
  };
}

it('counts every answered request when stopped with SIGTERM under load', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pp-shutdown-'));
  const database = await freshDatabase();
  const databaseUrl = database?.url ?? `sqlite:${path.join(dataDir, 'portal.sqlite')}`;
  // As deployed (NODE_ENV=production): Apollo's own signal handling used to race ours there.
  const child = await spawnPortal({
    NODE_ENV: 'production',
    JWT_SECRET: 'a-production-secret-of-at-least-32-chars!',
    MAIL_OUTBOX: 'true',
    DATABASE_URL: databaseUrl,
    REDIS_KEY_PREFIX: `pp-shutdown-${Date.now()}:`,
  });
  const base = child.base;
  try {
    const signUp = await post(base, `mutation($i: SignUpInput!) { signUp(input: $i) { token } }`, {
      i: { email: `shutdown-${Date.now()}@example.test`, name: 'S', password: 'shutdown password' },
    });
    const auth = { authorization: `Bearer ${signUp.body.data!.signUp!.token as string}` };
    const team = await post(
      base,
      `mutation { createTeam(input: { name: "Load" }) { id } }`,
      {},
      auth,
    );
    const key = await post(
      base,
      `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret apiKey { id } } }`,
      {
        i: {
          teamId: team.body.data!.createTeam!.id,
          name: 'load',
          environment: 'DEVELOPMENT',
          expiration: 'NEVER',
        },
      },
      auth,
    );
    const { secret, apiKey } = key.body.data!.createApiKey as {
      secret: string;
      apiKey: { id: string };
    };

    let answered = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        try {
          await post(base, `{ viewer { __typename } }`, {}, { 'x-api-key': secret });
          answered++;
        } catch {
          return; // the server stopped taking connections
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await new Promise((r) => setTimeout(r, 700));
    expect(await child.stop()).toBe(0);
    stop = true;
    await Promise.all(workers);
    expect(answered).toBeGreaterThan(50);

    const reader = await startPortal({ DATABASE_URL: databaseUrl });
    try {
      const rows: Array<{ n: number | string }> = await reader.portal.dataSource.query(
        'SELECT SUM(requests) AS n FROM usage_minutes WHERE apiKeyId = ?',
        [apiKey.id],
      );
      expect(Number(rows[0]!.n)).toBe(answered);
      console.log(`SIGTERM under load: ${answered} responses, ${Number(rows[0]!.n)} counted`);
    } finally {
      await reader.stop();
    }
  } finally {
    await child.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 60_000);
