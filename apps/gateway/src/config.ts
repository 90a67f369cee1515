import path from 'node:path';
import { z } from 'zod';

/** Every setting the gateway reads, validated once at start. Nothing else reads process.env. */
export interface GatewayConfig {
  port: number;
  host: string;
  /** The provider's API: PRODUCTION keys go here. */
  upstreamUrl: URL;
  /** Where DEVELOPMENT keys go; without it they are refused (see README, "Development keys"). */
  sandboxUpstreamUrl: URL | undefined;
  /** Longest wait for the upstream's response headers, and longest silence inside a body. */
  upstreamTimeoutMs: number;
  /** Upper bound on open connections to each upstream (keep-alive); null: no bound. */
  upstreamConnections: number | null;
  /** The portal's database: `sqlite:<path>` or `mysql://…` (the same value as the portal's). */
  databaseUrl: string;
  redisUrl: string | undefined;
  /** Must equal the portal's REDIS_KEY_PREFIX: limits and revocations are shared through it. */
  redisPrefix: string;
  /** Trust one proxy in front: take the client's address from its X-Forwarded-For. */
  trustProxy: boolean;
  /** Longest a shutdown waits for requests in flight before it cuts them off. */
  shutdownTimeoutMs: number;
  logLevel: string;
}

/** Every problem found in the environment, one line each. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

const httpUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash;
    } catch {
      return false;
    }
  },
  {
    message: 'must be an http:// or https:// URL (a path is allowed, a query or #fragment is not)',
  },
);

const oneOf = (protocols: string[], hint: string) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: hint },
  );

const flag = z.enum(['true', 'false']);

const schema = z.object({
  PORT: z.coerce
    .number({ message: 'must be a port number' })
    .int('must be a port number')
    .min(0, 'must be a port number (0 to 65535)')
    .max(65535, 'must be a port number (0 to 65535)')
    .default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  UPSTREAM_URL: httpUrl.optional(),
  SANDBOX_UPSTREAM_URL: httpUrl.optional(),
  UPSTREAM_TIMEOUT_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(100, 'must be at least 100 (milliseconds)')
    .max(3_600_000, 'must be at most 3600000 (one hour)')
    .default(30_000),
  UPSTREAM_CONNECTIONS: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100_000, 'must be at most 100000')
    .optional(),
  DATABASE_URL: oneOf(
    ['sqlite:', 'mysql:', 'mariadb:'],
    'must be sqlite:<file path> or a mysql:// / mariadb:// URL (the portal’s own DATABASE_URL)',
  ).optional(),
  DATA_DIR: z.string().min(1).optional(),
  REDIS_URL: oneOf(
    ['redis:', 'rediss:'],
    'must be a URL starting with redis:// or rediss://',
  ).optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,40}$/, 'must be 1 to 40 letters, digits or _ : . -')
    .default('pp:'),
  TRUST_PROXY: flag.default('false'),
  SHUTDOWN_TIMEOUT_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(0, 'must be 0 or more')
    .max(600_000, 'must be at most 600000')
    .default(25_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/**
 * The portal's own default database when DATABASE_URL is unset: `pnpm start` runs the portal in
 * apps/api with DATA_DIR=./data, so the gateway of the same checkout finds it there.
 */
const PORTAL_DATA_DIR = path.resolve(__dirname, '..', '..', 'api', 'data');

/** Reads and checks the environment; throws a ConfigError listing every problem, one per line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  // Empty strings count as unset, as shells and compose files tend to produce them.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = schema.safeParse(cleaned);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
  if (cleaned.UPSTREAM_URL === undefined)
    problems.push("UPSTREAM_URL is required: the provider's API the gateway stands in front of");
  if (
    parsed.success &&
    parsed.data.UPSTREAM_URL !== undefined &&
    parsed.data.SANDBOX_UPSTREAM_URL !== undefined &&
    sameOrigin(parsed.data.UPSTREAM_URL, parsed.data.SANDBOX_UPSTREAM_URL)
  )
    problems.push(
      'SANDBOX_UPSTREAM_URL must differ from UPSTREAM_URL: DEVELOPMENT keys must never reach the production API',
    );
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);

  const e = parsed.data;
  const databaseUrl =
    e.DATABASE_URL?.replace(/^mariadb:/, 'mysql:') ??
    `sqlite:${path.join(path.resolve(e.DATA_DIR ?? PORTAL_DATA_DIR), 'portal.sqlite')}`;
  return {
    port: e.PORT,
    host: e.HOST,
    upstreamUrl: new URL(e.UPSTREAM_URL!),
    sandboxUpstreamUrl: e.SANDBOX_UPSTREAM_URL ? new URL(e.SANDBOX_UPSTREAM_URL) : undefined,
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
    upstreamConnections: e.UPSTREAM_CONNECTIONS ?? null,
    databaseUrl,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_KEY_PREFIX,
    trustProxy: e.TRUST_PROXY === 'true',
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
  };
}

function sameOrigin(a: string, b: string): boolean {
  const x = new URL(a);
  const y = new URL(b);
  return x.origin === y.origin && x.pathname.replace(/\/+$/, '') === y.pathname.replace(/\/+$/, '');
}
