import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freshDatabase, startPortal } from './harness';

/**
 * SIGTERM under load, on the real built server (dist/main.js): every response a client received
 * is in the usage counts afterwards, because shutdown finishes requests in flight and then flushes.
 */
const MAIN = path.resolve(__dirname, '..', 'dist', 'main.js');

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

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
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      REDIS_KEY_PREFIX: `pp-shutdown-${port}:`,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  try {
    for (let i = 0; ; i++) {
      if (i > 150) throw new Error(`the portal did not start: ${stderr}`);
      if (
        await fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const signUp = await post(base, `mutation($i: SignUpInput!) { signUp(input: $i) { token } }`, {
      i: { email: `shutdown-${port}@example.test`, name: 'S', password: 'shutdown password' },
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
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
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
    if (child.exitCode === null) child.kill('SIGKILL');
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 60_000);
