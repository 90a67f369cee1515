import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';

export type Dependency = 'up' | 'down';

export interface Health {
  /** ok: all up; degraded: Redis down (the portal works per process); unavailable: no database. */
  status: 'ok' | 'degraded' | 'unavailable';
  database: Dependency;
  redis: Dependency | 'off';
}

export interface HealthAnswer {
  /** GET /healthz: 200 while the process is up and the database answers (the contract). */
  liveness: number;
  /** GET /readyz: 503 when the database or a configured Redis is down, for a load balancer. */
  readiness: number;
  body: Health;
}

const TIMEOUT_MS = 1000;

/**
 * Asks the database (SELECT 1) and, when configured, Redis (PING), each with a short timeout, so
 * a hung dependency answers "down" instead of holding the probe.
 */
export async function checkHealth(deps: {
  dataSource: DataSource;
  redis?: Redis;
  timeoutMs?: number;
}): Promise<HealthAnswer> {
  const timeoutMs = deps.timeoutMs ?? TIMEOUT_MS;
  const [database, redis] = await Promise.all([
    probe(() => deps.dataSource.query('SELECT 1'), timeoutMs),
    deps.redis ? probeRedis(deps.redis, timeoutMs) : Promise.resolve('off' as const),
  ]);
  const status =
    database === 'down' ? 'unavailable' : redis === 'down' ? 'degraded' : ('ok' as const);
  return {
    liveness: database === 'up' ? 200 : 503,
    readiness: status === 'ok' ? 200 : 503,
    body: { status, database, redis },
  };
}

/**
 * `checkHealth` for the /healthz and /readyz routes: logs when the database stops or starts
 * answering (once per change, not once per probe; Redis logs its own changes, see redis.ts).
 */
export function healthCheck(deps: {
  dataSource: DataSource;
  redis?: Redis;
  logger: Logger;
}): () => Promise<HealthAnswer> {
  let database: Dependency = 'up';
  return async () => {
    const answer = await checkHealth(deps);
    if (answer.body.database !== database) {
      database = answer.body.database;
      if (database === 'down') deps.logger.error('health check: the database does not answer');
      else deps.logger.info('health check: the database answers again');
    }
    return answer;
  };
}

function probeRedis(client: Redis, timeoutMs: number): Promise<Dependency> {
  // Not connected: no need to wait for a command to fail.
  if (client.status !== 'ready') return Promise.resolve('down');
  return probe(() => client.ping(), timeoutMs);
}

async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<Dependency> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
