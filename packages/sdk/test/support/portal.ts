/**
 * The real portal for the SDK's tests: the built apps/api (dist/main.js) as a child process on a
 * free port, with SERVICE_TOKENS set, its own data folder (SQLite), or DATABASE_URL when given;
 * and the GraphQL calls that set up what a test needs (a person, a team, keys) and read usage back.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * apps/api/dist/main.js, from test/support under jest or from dist-bench/test/support in the bench;
 * PORTAL_MAIN names another build of it (one that a concurrent rebuild of the checkout cannot touch).
 */
const MAIN = [
  process.env.PORTAL_MAIN ?? '',
  path.resolve(__dirname, '..', '..', '..', '..', 'apps', 'api', 'dist', 'main.js'),
  path.resolve(__dirname, '..', '..', '..', '..', '..', 'apps', 'api', 'dist', 'main.js'),
].find((p) => existsSync(p))!;

export const SERVICE_TOKEN = `sdk-test-${randomBytes(24).toString('hex')}`;

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface Portal {
  url: string;
  /** The portal process's id (the bench reads its CPU time). */
  pid: number;
  stop(): Promise<void>;
  stderr(): string;
}

export async function startPortal(env: Record<string, string> = {}): Promise<Portal> {
  if (!MAIN)
    throw new Error(
      'apps/api/dist/main.js is missing: run `npx -y pnpm@10.34.9 build` at the root first',
    );
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pp-sdk-'));
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      SERVICE_TOKENS: SERVICE_TOKEN,
      // A test makes a few teams and keys quickly, from one address.
      TEAMS_PER_HOUR: '1000',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const up = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i > 300 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the portal did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function gql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (!body.data || body.errors?.length)
    throw new Error(`GraphQL failed (${res.status}): ${JSON.stringify(body.errors)}`);
  return body.data;
}

export interface Owner {
  token: string;
  teamId: string;
}

/** A new person (unique address, so MariaDB runs can repeat) with a team of their own. */
export async function createOwner(url: string): Promise<Owner> {
  const email = `sdk-${Date.now()}-${randomBytes(4).toString('hex')}@example.com`;
  const { signUp } = await gql<{ signUp: { token: string } }>(
    url,
    `mutation($input: SignUpInput!) { signUp(input: $input) { token } }`,
    { input: { email, name: 'SDK Test', password: 'correct horse battery' } },
  );
  const { createTeam } = await gql<{ createTeam: { id: string } }>(
    url,
    `mutation($input: CreateTeamInput!) { createTeam(input: $input) { id } }`,
    { input: { name: 'SDK Team' } },
    signUp.token,
  );
  return { token: signUp.token, teamId: createTeam.id };
}

export interface TestKey {
  id: string;
  secret: string;
}

export async function createKey(
  url: string,
  owner: Owner,
  options: {
    environment?: 'DEVELOPMENT' | 'PRODUCTION';
    rateLimitPerMinute?: number;
    monthlyRequestLimit?: number;
  } = {},
): Promise<TestKey> {
  const { createApiKey } = await gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
    url,
    `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`,
    {
      input: {
        teamId: owner.teamId,
        name: `sdk key ${randomBytes(3).toString('hex')}`,
        environment: options.environment ?? 'PRODUCTION',
        expiration: 'NEVER',
        rateLimitPerMinute: options.rateLimitPerMinute ?? null,
        monthlyRequestLimit: options.monthlyRequestLimit ?? null,
      },
    },
    owner.token,
  );
  return { id: createApiKey.apiKey.id, secret: createApiKey.secret };
}

export async function revokeKey(url: string, owner: Owner, key: TestKey): Promise<void> {
  await gql(
    url,
    `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`,
    { id: key.id },
    owner.token,
  );
}

/** The key's usage today as the owner reads it: total and count per status. */
export async function keyUsage(
  url: string,
  owner: Owner,
  key: TestKey,
): Promise<{ total: number; byStatus: Record<number, number> }> {
  const now = Date.now();
  const { apiKey } = await gql<{
    apiKey: {
      usage: { totalRequests: number; statusCodes: { status: number; count: number }[] };
    };
  }>(
    url,
    `query($id: ID!, $from: DateTime!, $to: DateTime!) {
      apiKey(id: $id) {
        usage(from: $from, to: $to, interval: HOUR) { totalRequests statusCodes { status count } }
      }
    }`,
    {
      id: key.id,
      from: new Date(now - 2 * 3600_000).toISOString(),
      to: new Date(now + 3600_000).toISOString(),
    },
    owner.token,
  );
  return {
    total: apiKey.usage.totalRequests,
    byStatus: Object.fromEntries(apiKey.usage.statusCodes.map((s) => [s.status, s.count])),
  };
}

/**
 * Polls the key's usage until it equals `expected` (the portal writes counts about once a second),
 * then once more `settleMs` later, so a count that goes on growing past it fails too.
 */
export async function expectUsage(
  url: string,
  owner: Owner,
  key: TestKey,
  expected: Record<number, number>,
  { timeoutMs = 6000, settleMs = 1500 }: { timeoutMs?: number; settleMs?: number } = {},
): Promise<Record<number, number>> {
  const deadline = Date.now() + timeoutMs;
  let last: Record<number, number> = {};
  const same = (a: Record<number, number>) =>
    JSON.stringify(sorted(a)) === JSON.stringify(sorted(expected));
  while (Date.now() < deadline) {
    last = (await keyUsage(url, owner, key)).byStatus;
    if (same(last)) {
      if (settleMs === 0) return last;
      await new Promise((r) => setTimeout(r, settleMs));
      return (await keyUsage(url, owner, key)).byStatus;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return last;
}

const sorted = (o: Record<number, number>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => Number(a) - Number(b)));
