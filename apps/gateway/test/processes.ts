import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';

/**
 * Real processes for the integration tests: the built portal (apps/api's dist/main.js, as it runs
 * in production) on SQLite in a fresh folder or on a fresh MariaDB database when the run has
 * DATABASE_URL, and the built gateway (dist/main.js) pointed at the same database and Redis.
 */
const PORTAL_MAIN = path.join(
  path.dirname(require.resolve('@partner-portal/api/package.json')),
  'dist',
  'main.js',
);
const GATEWAY_MAIN = path.join(__dirname, '..', 'dist', 'main.js');

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface Proc {
  base: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<number | null>;
}

async function launch(
  main: string,
  env: Record<string, string>,
  healthPath: string,
  label: string,
): Promise<Proc> {
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`pnpm build\` first`);
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const up = await fetch(`${base}${healthPath}`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i > 300 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the ${label} did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    child,
    exited,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** One deployment's shared settings: its database and its Redis (with a prefix of its own). */
export interface Deployment {
  databaseUrl: string;
  redis: Record<string, string>;
  dispose(): Promise<void>;
}

/**
 * A fresh database (a SQLite file in a new folder, or a new MariaDB database when the run's
 * DATABASE_URL names a server) and, when the run has REDIS_URL and `redis` is not false, Redis
 * under a prefix of this deployment's own.
 */
export async function freshDeployment(options: { redis?: boolean } = {}): Promise<Deployment> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pp-gateway-'));
  const redis: Record<string, string> =
    process.env.REDIS_URL && options.redis !== false
      ? {
          REDIS_URL: process.env.REDIS_URL,
          REDIS_KEY_PREFIX: `pp-gw-${randomBytes(4).toString('hex')}:`,
        }
      : {};
  const base = process.env.DATABASE_URL;
  if (!base || base.startsWith('sqlite:')) {
    return {
      databaseUrl: `sqlite:${path.join(dir, 'portal.sqlite')}`,
      redis,
      dispose() {
        rmSync(dir, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  }
  const url = new URL(base.replace(/^mariadb:/, 'mysql:'));
  const name = `pp_gw_${randomBytes(6).toString('hex')}`;
  const connect = () =>
    createConnection({
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    });
  const admin = await connect();
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    redis,
    async dispose() {
      const conn = await connect();
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The built portal on a free port, migrating the deployment's database at start. */
export function startPortalProcess(deployment: Deployment): Promise<Proc> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pp-gateway-portal-'));
  return launch(
    PORTAL_MAIN,
    {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      DATABASE_URL: deployment.databaseUrl,
      JWT_SECRET: 'gateway-tests-secret-of-at-least-32-characters',
      ...deployment.redis,
    },
    '/healthz',
    'portal',
  );
}

/** The built gateway on a free port, in front of `upstream` (and `sandbox`). */
export function startGatewayProcess(
  deployment: Deployment,
  env: Record<string, string>,
): Promise<Proc> {
  return launch(
    GATEWAY_MAIN,
    {
      LOG_LEVEL: 'info',
      DATABASE_URL: deployment.databaseUrl,
      ...deployment.redis,
      ...env,
    },
    '/__gateway/healthz',
    'gateway',
  );
}

/** Any environment for a gateway that must fail at start, with what it printed. */
export async function runGatewayToExit(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [GATEWAY_MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}
