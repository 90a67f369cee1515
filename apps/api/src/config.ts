import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { loadScanningKeys, type ScanningKey } from './v1/secret-scanning';

/** Every setting the portal reads, validated once at start. Nothing else reads process.env. */
export interface Config {
  nodeEnv: 'development' | 'test' | 'production';
  port: number;
  host: string;
  dataDir: string;
  database: { type: 'sqlite'; path: string } | { type: 'mysql'; url: string };
  redisUrl: string | undefined;
  /** Prefix of every Redis key, so deployments (or test runs) can share one Redis. */
  redisPrefix: string;
  smtpUrl: string | undefined;
  /** Without SMTP, mails are written to DATA_DIR/outbox; production must ask for that explicitly. */
  mailOutbox: boolean;
  mailFrom: string;
  publicUrl: string;
  /** Where partners call the provider's API with their keys (the gateway), shown on each key's page. */
  gatewayPublicUrl: string | null;
  jwtSecret: Uint8Array;
  sessionTtlHours: number;
  invitationsPerHour: number;
  invitationsPerInviterPerHour: number;
  teamsPerHour: number;
  usageMinuteRetentionDays: number;
  /** KEY_LAST_USED_WRITE_SECONDS: how often each process writes its API keys' last use to the database. */
  keyLastUsedWriteSeconds: number;
  /** JOBS_INTERVAL_SECONDS: how often each process runs the scheduled jobs (reminders, digests, alert checks); 0: never. */
  jobsIntervalSeconds: number;
  /** Secrets of the provider's own services for the /v1/ endpoints; empty: /v1/ answers 404. */
  serviceTokens: string[];
  /** SUPPORT_EMAIL: the provider's support, mailed every compromised key report; null: owners only. */
  supportEmail: string | null;
  /** SECRET_SCANNING_KEYS: code hosts' keys for /v1/secret-scanning/verify; empty: it answers 404. */
  secretScanningKeys: ScanningKey[];

  logLevel: string;
  trustProxy: boolean;
  /** WEB_CONCURRENCY: worker processes behind the one port (cluster.ts); 1: this process serves. */
  webConcurrency: number;
  webDist: string;
  limits: {
    bodyBytes: number;
    queryDepth: number;
    aliases: number;
    cost: number;
    tokens: number;
    /** Operations that cost this much or more draw from a per-caller budget … */
    heavyCost: number;
    /** … of this much cost per minute. */
    heavyBudgetPerMinute: number;
  };
}

export class ConfigError extends Error {}

const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    {
      message: `must be a URL starting with ${protocols.map((p) => (p === 'sqlite:' ? 'sqlite:<file path>' : `${p}//`)).join(' or ')}`,
    },
  );

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: url(['mysql:', 'mariadb:', 'sqlite:']).optional(),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,40}$/, 'must be 1 to 40 letters, digits or _ : . -')
    .default('pp:'),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_OUTBOX: z.enum(['true', 'false']).default('false'),
  MAIL_FROM: z.string().min(3).default('Partner Portal <no-reply@localhost>'),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  GATEWAY_PUBLIC_URL: url(['http:', 'https:']).optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  USAGE_MINUTE_RETENTION_DAYS: z.coerce.number().int().min(1).max(366).default(14),
  JOBS_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  KEY_LAST_USED_WRITE_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  INVITATIONS_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(50),
  INVITATIONS_PER_INVITER_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(100),
  TEAMS_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(20),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 7),
  SERVICE_TOKENS: z
    .string()
    .transform((value) => value.split(',').map((token) => token.trim()))
    .refine((tokens) => tokens.every((token) => token.length >= 32), {
      message: 'must be comma-separated tokens of at least 32 characters each',
    })
    .optional(),
  SUPPORT_EMAIL: z.email('must be an email address').max(254).optional(),
  SECRET_SCANNING_KEYS: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  WEB_DIST: z.string().min(1).optional(),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(50).default(10),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(0).max(1000).default(15),
  GRAPHQL_MAX_COST: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  GRAPHQL_HEAVY_COST: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  GRAPHQL_HEAVY_BUDGET_PER_MINUTE: z.coerce.number().int().min(1).max(100_000_000).default(20_000),
});

/**
 * zod's own words for numbers speak of the coerced value ("received NaN"): say what the setting
 * must be and what was given instead.
 */
function describeIssue(issue: z.core.$ZodIssue, given: string | undefined): string {
  const received = given === undefined ? '' : ` (received "${given}")`;
  if (issue.code === 'invalid_type' && (issue.expected === 'number' || issue.expected === 'int')) {
    return `must be a whole number${received}`;
  }
  if (issue.code === 'too_big' && issue.origin === 'number') {
    return `must be at most ${String(issue.maximum)}${received}`;
  }
  if (issue.code === 'too_small' && issue.origin === 'number') {
    return `must be at least ${String(issue.minimum)}${received}`;
  }
  return issue.message;
}

/** Reads and checks the environment; throws a ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, as shells and compose files tend to produce them.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = issue.path.join('.');
    throw new ConfigError(`${name} ${describeIssue(issue, cleaned[name])}`);
  }
  const e = parsed.data;
  // Each process would keep its own limits, and a key revoked in one would stay accepted by the
  // others until their caches expire: several processes share these only through Redis.
  if (e.WEB_CONCURRENCY > 1 && !e.REDIS_URL) {
    throw new ConfigError(
      `WEB_CONCURRENCY=${e.WEB_CONCURRENCY} needs REDIS_URL: the processes share rate limits, usage ticks and key revocations through Redis (without it, use WEB_CONCURRENCY=1)`,
    );
  }
  const dataDir = path.resolve(e.DATA_DIR);
  if (e.NODE_ENV === 'production' && !e.JWT_SECRET) {
    throw new ConfigError(
      'JWT_SECRET is required when NODE_ENV=production (at least 32 characters)',
    );
  }
  // Reset and invitation links written to a folder nobody reads would fail silently.
  if (e.NODE_ENV === 'production' && !e.SMTP_URL && e.MAIL_OUTBOX !== 'true') {
    throw new ConfigError(
      'SMTP_URL is required when NODE_ENV=production (or set MAIL_OUTBOX=true to write mails to DATA_DIR/outbox)',
    );
  }
  const scanning = e.SECRET_SCANNING_KEYS
    ? loadScanningKeys(e.SECRET_SCANNING_KEYS)
    : { keys: [], problems: [] };
  if (scanning.problems.length > 0) throw new ConfigError(scanning.problems.join('\n'));
  const database: Config['database'] =
    e.DATABASE_URL === undefined
      ? { type: 'sqlite', path: path.join(dataDir, 'portal.sqlite') }
      : e.DATABASE_URL.startsWith('sqlite:')
        ? { type: 'sqlite', path: path.resolve(e.DATABASE_URL.slice('sqlite:'.length)) }
        : { type: 'mysql', url: e.DATABASE_URL.replace(/^mariadb:/, 'mysql:') };
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_KEY_PREFIX,
    smtpUrl: e.SMTP_URL,
    mailOutbox: !e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    gatewayPublicUrl: e.GATEWAY_PUBLIC_URL?.replace(/\/+$/, '') ?? null,
    jwtSecret: new TextEncoder().encode(e.JWT_SECRET ?? developmentSecret(dataDir)),
    sessionTtlHours: e.SESSION_TTL_HOURS,
    invitationsPerHour: e.INVITATIONS_PER_HOUR,
    invitationsPerInviterPerHour: e.INVITATIONS_PER_INVITER_PER_HOUR,
    teamsPerHour: e.TEAMS_PER_HOUR,
    usageMinuteRetentionDays: e.USAGE_MINUTE_RETENTION_DAYS,
    jobsIntervalSeconds: e.JOBS_INTERVAL_SECONDS,
    keyLastUsedWriteSeconds: e.KEY_LAST_USED_WRITE_SECONDS,
    serviceTokens: e.SERVICE_TOKENS ?? [],
    supportEmail: e.SUPPORT_EMAIL ?? null,
    secretScanningKeys: scanning.keys,

    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY === 'true',
    webConcurrency: e.WEB_CONCURRENCY,
    webDist: path.resolve(e.WEB_DIST ?? path.join(__dirname, '..', '..', 'web', 'dist')),
    limits: {
      bodyBytes: 100 * 1024,
      queryDepth: e.GRAPHQL_MAX_DEPTH,
      aliases: e.GRAPHQL_MAX_ALIASES,
      cost: e.GRAPHQL_MAX_COST,
      heavyCost: e.GRAPHQL_HEAVY_COST,
      heavyBudgetPerMinute: e.GRAPHQL_HEAVY_BUDGET_PER_MINUTE,
      tokens: 2000,
    },
  };
}

/** Outside production a secret is generated once and kept in the data folder, so sessions survive restarts. */
function developmentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
