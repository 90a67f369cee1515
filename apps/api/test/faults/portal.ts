import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { freePort } from '../../src/bench/spawn';

/**
 * dist/main.js: the fault tests run the built portal, as deployed (`pnpm test:security` builds
 * it). PORTAL_MAIN points them at another build.
 */
const MAIN = process.env.PORTAL_MAIN ?? path.join(__dirname, '..', '..', 'dist', 'main.js');

export interface PortalProcess {
  base: string;
  port: number;
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  /** Log lines (pino JSON on stdout) parsed, the others skipped. */
  logs(): Array<{ msg?: string; level?: number; [key: string]: unknown }>;
  /** SIGKILL: no shutdown, no last flush. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<number | null>;
}

export interface RunOptions {
  env: Record<string, string>;
  port?: number;
  /** Node options for the portal process (e.g. a heap limit). */
  nodeArgs?: string[];
  /** Resolve once /healthz answers 200 (default), or as soon as the process has started. */
  waitForHealth?: boolean;
}

/** Runs dist/main.js with NODE_ENV=production on a free port and its own data folder. */
export async function runPortal(options: RunOptions): Promise<PortalProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build the api first (pnpm build)`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pp-fault-'));
  const port = options.port ?? (await freePort());
  // PORTAL_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the portal under a run.
  const nodeArgs = [
    ...(options.nodeArgs ?? []),
    ...(process.env.PORTAL_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
  ];
  const child = spawn(process.execPath, [...nodeArgs, MAIN], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      NODE_ENV: 'production',
      JWT_SECRET: 'a-fault-test-secret-of-at-least-32-characters',
      MAIL_OUTBOX: 'true',
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  void exited.then(() => rmSync(dataDir, { recursive: true, force: true }));
  const base = `http://127.0.0.1:${port}`;
  const handle: PortalProcess = {
    base,
    port,
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    logs: () =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => {
          try {
            return JSON.parse(line) as { msg?: string; level?: number };
          } catch {
            return {};
          }
        }),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  if (options.waitForHealth === false) return handle;
  for (let i = 0; ; i++) {
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return handle;
    if (i > 300 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the portal did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** POSTs a GraphQL operation; never throws on HTTP errors (a refused connection gives status 0). */
export async function graphql(
  base: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; body: GraphQLBody | null }> {
  try {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let body: GraphQLBody | null = null;
    try {
      body = JSON.parse(text) as GraphQLBody;
    } catch {
      body = null;
    }
    return { status: res.status, body };
  } catch {
    return { status: 0, body: null };
  }
}

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string; [key: string]: unknown } }>;
}

/** A person with a team and a development key on a running portal: what keyed load needs. */
export async function seedKey(
  base: string,
  label: string,
  limits: { rateLimitPerMinute?: number } = {},
): Promise<{
  token: string;
  email: string;
  password: string;
  teamId: string;
  keyId: string;
  secret: string;
}> {
  const email = `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const password = 'a fault test password';
  const signUp = await graphql(base, 'mutation($i: SignUpInput!) { signUp(input: $i) { token } }', {
    i: { email, name: 'Fault Test', password },
  });
  const token = (signUp.body?.data?.signUp as { token?: string } | undefined)?.token;
  if (!token) throw new Error(`signUp failed: ${JSON.stringify(signUp.body)}`);
  const auth = { authorization: `Bearer ${token}` };
  const team = await graphql(
    base,
    'mutation($i: CreateTeamInput!) { createTeam(input: $i) { id } }',
    { i: { name: `Faults ${label}` } },
    auth,
  );
  const teamId = (team.body?.data?.createTeam as { id?: string } | undefined)?.id;
  if (!teamId) throw new Error(`createTeam failed: ${JSON.stringify(team.body)}`);
  const { keyId, secret } = await createKey(base, token, teamId, label, limits);
  return { token, email, password, teamId, keyId, secret };
}

export async function createKey(
  base: string,
  token: string,
  teamId: string,
  name: string,
  limits: { rateLimitPerMinute?: number } = {},
): Promise<{ keyId: string; secret: string }> {
  const created = await graphql(
    base,
    `
      mutation ($i: CreateApiKeyInput!) {
        createApiKey(input: $i) {
          secret
          apiKey {
            id
          }
        }
      }
    `,
    {
      i: {
        teamId,
        name: `Fault ${name}`.slice(0, 80),
        environment: 'DEVELOPMENT',
        expiration: 'NEVER',
        ...(limits.rateLimitPerMinute ? { rateLimitPerMinute: limits.rateLimitPerMinute } : {}),
      },
    },
    { authorization: `Bearer ${token}` },
  );
  const result = created.body?.data?.createApiKey as
    { secret: string; apiKey: { id: string } } | undefined;
  if (!result) throw new Error(`createApiKey failed: ${JSON.stringify(created.body)}`);
  return { keyId: result.apiKey.id, secret: result.secret };
}

/** What the usage store holds for a key, read straight from the (test's own) database. */
export async function countedInDatabase(
  databaseUrl: string,
  keyId: string,
): Promise<{ requests: number; byStatus: Record<string, number> }> {
  const connection = await createConnection(databaseUrl);
  try {
    const [rows] = await connection.query(
      'SELECT status, SUM(requests) AS n FROM usage_minutes WHERE apiKeyId = ? GROUP BY status',
      [keyId],
    );
    const byStatus: Record<string, number> = {};
    let requests = 0;
    for (const row of rows as Array<{ status: number; n: string | number }>) {
      byStatus[String(row.status)] = Number(row.n);
      requests += Number(row.n);
    }
    return { requests, byStatus };
  } finally {
    await connection.end();
  }
}
