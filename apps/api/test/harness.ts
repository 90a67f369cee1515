import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { createPortal, type Portal } from '../src/app';
import { loadConfig, type Config } from '../src/config';
import type { Clock } from '../src/core/clock';
import { createLogger } from '../src/core/logger';

/** A clock the test can move forward (expiry of tokens and sessions) without waiting. */
export class TestClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advanceMinutes(minutes: number): void {
    this.offsetMs += minutes * 60_000;
  }
  advanceDays(days: number): void {
    this.advanceMinutes(days * 24 * 60);
  }
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: Array<{ message: string; extensions: { code: string; [key: string]: unknown } }>;
}

export interface TestPortal {
  portal: Portal;
  url: string;
  clock: TestClock;
  /** Captured log lines (JSON), for asserting what was and was not logged. */
  logs: string[];
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse<T>>;
  /** The same, with any headers (e.g. X-API-Key). */
  post<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown>,
    headers: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

/**
 * The real server on an ephemeral port over real HTTP: SQLite in a fresh folder by default; when
 * DATABASE_URL names a MySQL/MariaDB server, a fresh database there, dropped afterwards.
 */
export async function startPortal(
  env: Record<string, string> = {},
  /** `clock`: one clock shared by several processes of a deployment (scheduled jobs). */
  options: { clock?: TestClock } = {},
): Promise<TestPortal> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pp-test-'));
  // A second process of the same deployment passes the first one's DATABASE_URL (and Redis prefix).
  const database = env.DATABASE_URL ? undefined : await freshDatabase();
  const config: Config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    PUBLIC_URL: 'http://portal.test',
    // Scheduled jobs tick only where a test asks (JOBS_INTERVAL_SECONDS) or calls runDueJobs().
    JOBS_INTERVAL_SECONDS: '0',
    ...(database ? { DATABASE_URL: database.url } : {}),
    // Redis when the run has one (CI's MariaDB run), with keys of this test file's own.
    ...(process.env.REDIS_URL
      ? {
          REDIS_URL: process.env.REDIS_URL,
          REDIS_KEY_PREFIX: `pp-test-${randomBytes(4).toString('hex')}:`,
        }
      : {}),
    ...env,
  });
  const logs: string[] = [];
  // The production logger's own settings (redaction included), writing into memory.
  const logger = createLogger('info', { write: (line: string) => void logs.push(line) });
  const clock = options.clock ?? new TestClock();
  const portal = await createPortal(config, { clock, logger });
  const url = await portal.listen();
  const post: TestPortal['post'] = async (query, variables, headers) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as Omit<GraphQLResponse, 'status' | 'headers'>;
    return { status: res.status, headers: res.headers, ...body } as GraphQLResponse<never>;
  };
  return {
    portal,
    url,
    clock,
    logs,
    gql(query, variables, token) {
      return post(query, variables ?? {}, token ? { authorization: `Bearer ${token}` } : {});
    },
    post,
    async stop() {
      await portal.stop();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The DATABASE_URL of a running test portal, so another process of the same deployment can share it. */
export function databaseUrlOf(t: TestPortal): string {
  const db = t.portal.config.database;
  return db.type === 'mysql' ? db.url : `sqlite:${db.path}`;
}

export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const base = process.env.DATABASE_URL;
  if (!base || base.startsWith('sqlite:')) return undefined;
  const url = new URL(base.replace(/^mariadb:/, 'mysql:'));
  const name = `pp_test_${randomBytes(6).toString('hex')}`;
  const admin = await createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const conn = await createConnection({
        host: url.hostname,
        port: Number(url.port || 3306),
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
      });
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}

let counter = 0;
/** A unique, valid email for this test run. */
export const uniqueEmail = (label = 'user'): string =>
  `${label}-${Date.now().toString(36)}-${++counter}@example.test`;

export const SIGN_UP = /* GraphQL */ `
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      token
      user {
        id
        email
        name
        createdAt
      }
    }
  }
`;
export const LOG_IN = /* GraphQL */ `
  mutation LogIn($input: LogInInput!) {
    logIn(input: $input) {
      token
      user {
        id
        email
      }
    }
  }
`;
export const VIEWER = /* GraphQL */ `
  query {
    viewer {
      user {
        id
        email
        name
      }
    }
  }
`;

/** Signs up a new person and returns their token and id. */
export async function signUp(
  t: TestPortal,
  overrides: Partial<{ email: string; name: string; password: string }> = {},
) {
  const input = {
    email: uniqueEmail(),
    name: 'Test Person',
    password: 'correct horse battery',
    ...overrides,
  };
  const res = await t.gql<{ signUp: { token: string; user: { id: string; email: string } } }>(
    SIGN_UP,
    { input },
  );
  if (!res.data?.signUp) throw new Error(`signUp failed: ${JSON.stringify(res.errors)}`);
  return {
    ...input,
    token: res.data.signUp.token,
    id: res.data.signUp.user.id,
    email: res.data.signUp.user.email,
  };
}
