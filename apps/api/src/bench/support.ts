import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import pino from 'pino';
import { createPortal, type Portal } from '../app';
import { loadConfig, type Config } from '../config';
import { spawnPortal, type SpawnedPortal } from './spawn';

/** A portal for a benchmark: the configured database (DATABASE_URL) or a throwaway SQLite file, quiet logs. */
export async function benchPortal(
  env: Record<string, string> = {},
): Promise<{ portal: Portal; url: string; close(): Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pp-bench-'));
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const portal = await createPortal(config, { logger: pino({ level: 'silent' }) });
  const url = await portal.listen();
  return {
    portal,
    url,
    async close() {
      await portal.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function gql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown };
  if (!res.ok || body.errors)
    throw new Error(`request failed (${res.status}): ${JSON.stringify(body.errors)}`);
  return body.data as T;
}

export const median = (values: number[]): number => percentile(values, 50);
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Key limits as `createApiKey` takes them; omitted or null means no limit. */
export interface KeyLimits {
  rateLimitPerMinute?: number | null;
  monthlyRequestLimit?: number | null;
}

/** A signed-up person with a team and a key of it (with the limits given, none by default). */
export async function personWithKey(url: string, limits: KeyLimits = {}) {
  const email = `bench-${Date.now()}-${Math.random().toString(36).slice(2)}@example.test`;
  const password = 'benchmark password';
  const { signUp } = await gql<{ signUp: { token: string } }>(
    url,
    `mutation($i: SignUpInput!) { signUp(input: $i) { token } }`,
    { i: { email, name: 'Bench', password } },
  );
  const auth = { authorization: `Bearer ${signUp.token}` };
  const { createTeam } = await gql<{ createTeam: { id: string } }>(
    url,
    `mutation { createTeam(input: { name: "Bench" }) { id } }`,
    {},
    auth,
  );
  const { createApiKey } = await gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
    url,
    `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret apiKey { id } } }`,
    {
      i: {
        teamId: createTeam.id,
        name: 'bench',
        environment: 'DEVELOPMENT',
        expiration: 'NEVER',
        ...limits,
      },
    },
    auth,
  );
  return {
    email,
    password,
    token: signUp.token,
    teamId: createTeam.id,
    secret: createApiKey.secret,
    keyId: createApiKey.apiKey.id,
  };
}

/** One figure of a bench, as printed and as written to bench-results/*.json. */
export interface Figure {
  id: number;
  figure: string;
  /** Exactly what the value is: what was sent, where it was timed, how it was reduced. */
  measured: string;
  /** null: not measured (see `skipped`). */
  value: number | null;
  unit: string;
  target: string;
  /** null: reported only (no target was set for it), or skipped. */
  pass: boolean | null;
  /** Why the figure was not measured in this run (printed as SKIP, never as PASS). */
  skipped?: string;
  detail: Record<string, unknown>;
}

export const round = (x: number, digits = 0) => Number(x.toFixed(digits));
export const verdict = (f: Figure) =>
  f.skipped !== undefined ? 'SKIP' : f.pass === null ? 'reported' : f.pass ? 'PASS' : 'MISS';
export const show = (f: Figure) =>
  f.value === null
    ? '—'
    : `${f.value.toLocaleString('en-US')}${f.unit === '×' ? '×' : ` ${f.unit}`}`;
export function announce(f: Figure, line: string): Figure {
  console.log(`${f.id}. ${f.figure}: ${show(f)} (target ${f.target}) ${verdict(f)}\n   ${line}`);
  return f;
}

/** The machine a bench ran on; the cores are shared with whatever else runs, hence the load. */
function machine(loadAverageAtStart: number[]) {
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    node: process.version,
    // 1, 5 and 15 minute load averages: the cores are shared with whatever else runs.
    loadAverageAtStart,
    loadAverageAtEnd: os.loadavg().map((x) => round(x, 2)),
  };
}

/**
 * The end of a bench: the table of its figures (value, target, verdict), how long it took, and the
 * same as JSON at `out` (bench-results/ is generated output: prettier skips it), with the machine,
 * the database and Redis it ran on and `fields` (what it ran, how) before the figures.
 */
export function finishBench(
  run: {
    bench: string;
    out: string;
    startedAt: Date;
    /** performance.now() at the start. */
    begun: number;
    loadAverageAtStart: number[];
    database: BenchDatabase['kind'];
  },
  fields: Record<string, unknown>,
  figures: Figure[],
): void {
  const durationSeconds = round((performance.now() - run.begun) / 1000, 1);
  console.log(`\nfigure | value | target | verdict  (database: ${run.database})`);
  for (const f of figures)
    console.log(`${f.id}. ${f.figure}: ${show(f)} | ${f.target} | ${verdict(f)}`);
  console.log(`\nrun took ${durationSeconds} s`);
  const results = {
    bench: run.bench,
    startedAt: run.startedAt.toISOString(),
    durationSeconds,
    machine: machine(run.loadAverageAtStart),
    database: run.database,
    databaseNote:
      run.database === 'sqlite'
        ? 'a fresh SQLite file (DATABASE_URL unset)'
        : 'a fresh database on the MySQL/MariaDB server of DATABASE_URL',
    redis: process.env.REDIS_URL ? 'REDIS_URL' : 'none',
    ...fields,
    figures,
    allPass: figures.every((f) => f.pass !== false),
  };
  mkdirSync(path.dirname(run.out), { recursive: true });
  writeFileSync(run.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`written to ${path.relative(process.cwd(), run.out) || run.out}`);
}

/**
 * CPU time a process has used so far, in ms (utime + stime from Linux /proc, 10 ms ticks), with
 * its children's when asked (a cluster's workers); NaN where /proc cannot be read.
 */
export function cpuMs(pid: number, withChildren = false): number {
  const stat = (p: number | string) => {
    const text = readFileSync(`/proc/${p}/stat`, 'utf8');
    // pid (comm) state ppid …: comm may hold spaces, so read after its closing parenthesis.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  };
  try {
    const own = (fields: string[]) => (Number(fields[11]) + Number(fields[12])) * 10;
    let total = own(stat(pid));
    if (withChildren)
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          const fields = stat(entry);
          if (Number(fields[1]) === pid) total += own(fields);
        } catch {
          // the process ended meanwhile
        }
      }
    return total;
  } catch {
    return NaN;
  }
}

export interface BenchDatabase {
  kind: 'sqlite' | 'mariadb';
  config: Config['database'];
  /** DATABASE_URL for the portal. */
  url: string;
  described: string;
  drop(): Promise<void>;
}

/** A failed figure's error with what the portal wrote to stderr (a crash, a warning). */
export function explained(error: unknown, server: SpawnedPortal): Error {
  const message = error instanceof Error ? error.message : String(error);
  const stderr = server.stderr().trim();
  return new Error(stderr ? `${message}\nportal stderr:\n${stderr.slice(-4000)}` : message, {
    cause: error,
  });
}

/** The portal as it runs in production (dist/main.js, its own process), on the bench's database. */
export function startProductionPortal(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<SpawnedPortal> {
  return spawnPortal({
    DATABASE_URL: databaseUrl,
    NODE_ENV: 'production',
    JWT_SECRET: randomBytes(32).toString('hex'),
    MAIL_OUTBOX: 'true',
    LOG_LEVEL: 'warn',
    ...env,
  });
}

/** A fresh SQLite file, or a fresh database on the MySQL/MariaDB server of DATABASE_URL. */
export async function freshDatabase(): Promise<BenchDatabase> {
  const configured = process.env.DATABASE_URL;
  if (!configured || configured.startsWith('sqlite:')) {
    const dir = mkdtempSync(path.join(tmpdir(), 'pp-bench-db-'));
    const file = path.join(dir, 'bench.sqlite');
    return {
      kind: 'sqlite',
      config: { type: 'sqlite', path: file },
      url: `sqlite:${file}`,
      described: `SQLite, a fresh file (${file}) — the default; set DATABASE_URL=mysql://user@host:port/db to run on MySQL/MariaDB`,
      drop() {
        rmSync(dir, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  }
  const url = new URL(configured.replace(/^mariadb:/, 'mysql:'));
  const name = `pp_bench_${randomBytes(4).toString('hex')}`;
  const options = {
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
  const admin = await createConnection(options).catch((error: Error) => {
    throw new Error(`cannot reach MySQL/MariaDB at ${url.host} (DATABASE_URL): ${error.message}`);
  });
  const [version] = (await admin.query('SELECT VERSION() AS v')) as unknown as [
    Array<{ v: string }>,
  ];
  await admin.query(`CREATE DATABASE \`${name}\``);
  await admin.end();
  url.pathname = `/${name}`;
  const server = `${url.hostname}:${options.port}`;
  return {
    kind: 'mariadb',
    config: { type: 'mysql', url: url.toString() },
    url: url.toString(),
    described: `MySQL/MariaDB ${version[0]?.v ?? ''} at ${server} (DATABASE_URL), a fresh database ${name}, dropped afterwards`,
    async drop() {
      const conn = await createConnection(options);
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}
