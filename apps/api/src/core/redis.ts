import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

/** Redis did not answer at start: the portal stops with this one line, like an unreachable database. */
export class RedisUnavailable extends Error {
  constructor(url: string, reason: string) {
    super(`Redis at ${redactUrl(url)} does not answer: ${reason}`);
    this.name = 'RedisUnavailable';
  }
}

/** The URL without its password, fit for a log line or an error message. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return 'the configured URL';
  }
}

export interface RedisConnectOptions {
  /** Names the connection in log lines ("commands", "subscriber"). */
  name: string;
  logger: Logger;
  /**
   * A subscriber keeps its (un)subscribe commands queued while it reconnects and subscribes
   * again once back. A command client fails its commands at once while Redis is away, so the
   * callers' fallbacks (in-memory limits, the revocation poller) take over without waiting.
   */
  subscriber?: boolean;
  /** How long the first connection may take before the start is refused. */
  connectTimeoutMs?: number;
}

/** Reconnect soon after a loss, then once a second: recovery is quick and the retries are cheap. */
const retryStrategy = (times: number) => Math.min(times * 100, 1000);

/**
 * A connected Redis client, or a RedisUnavailable naming the URL and the reason. Once connected,
 * it reconnects on its own for ever; the log says once that the connection was lost and once that
 * it is back, never a line per retry.
 */
export async function connectRedis(url: string, options: RedisConnectOptions): Promise<Redis> {
  const { name, logger, subscriber = false, connectTimeoutMs = 3000 } = options;
  const settings: RedisOptions = subscriber
    ? { lazyConnect: true, maxRetriesPerRequest: null, enableOfflineQueue: true }
    : {
        lazyConnect: true,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        commandTimeout: 2000,
      };
  const client = new Redis(url, {
    ...settings,
    connectTimeout: connectTimeoutMs,
    // A dropped connection waits this long for its socket to close (a timer that would otherwise
    // hold the process for 2 s after a refused start).
    disconnectTimeout: 500,
    retryStrategy,
    // The first connection is made (or refused) below, once; no retries before it succeeded.
  });
  let lastError: Error | undefined;
  const remember = (error: Error) => (lastError = error);
  client.on('error', remember);
  try {
    await withTimeout(client.connect(), connectTimeoutMs + 500);
  } catch (error) {
    client.disconnect();
    const reason = lastError?.message ?? (error instanceof Error ? error.message : String(error));
    throw new RedisUnavailable(url, reason);
  } finally {
    client.off('error', remember);
  }
  watchConnection(client, name, logger);
  return client;
}

/** Logs the transitions of a connected client (lost, back) once each; swallows per-retry errors. */
function watchConnection(client: Redis, name: string, logger: Logger): void {
  let lost = false;
  let reason: string | undefined;
  client.on('error', (error: Error) => {
    // Every failed reconnect emits an error: keep only the first reason of an outage.
    reason ??= error.message;
  });
  client.on('close', () => {
    // 'close' comes before the 'error' that explains it, and before the 'end' of a quit: decide
    // on the next tick whether this is an outage.
    setImmediate(() => {
      if (lost || client.status === 'end') return;
      lost = true;
      logger.warn(
        { redis: name, reason: reason ?? 'connection closed' },
        'Redis connection lost; reconnecting (falling back to this process meanwhile)',
      );
    });
  });
  client.on('ready', () => {
    if (!lost) return;
    lost = false;
    reason = undefined;
    logger.info({ redis: name }, 'Redis connection back');
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The two connections a deployment with Redis needs (a subscribed connection can do nothing
 * else), both answering, or a RedisUnavailable with neither left open.
 */
export async function connectRedisPair(
  url: string,
  logger: Logger,
): Promise<{ commands: Redis; subscriber: Redis }> {
  const commands = await connectRedis(url, { name: 'commands', logger });
  try {
    const subscriber = await connectRedis(url, { name: 'subscriber', logger, subscriber: true });
    return { commands, subscriber };
  } catch (error) {
    commands.disconnect();
    throw error;
  }
}

/** Quits a client politely, or drops it when it cannot (Redis away, already closed). */
export async function closeRedis(client: Redis | undefined): Promise<void> {
  if (!client || client.status === 'end') return;
  if (client.status !== 'ready') return client.disconnect();
  await withTimeout(client.quit(), 2000).catch(() => client.disconnect());
}

/**
 * Kept for callers not yet moved to connectRedis: a client that connects in the background.
 * Prefer connectRedis, which refuses to start without Redis and logs its state changes once.
 */
export function createRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
}

/** A client's state for GET /metrics: ready, on its way back after a loss (or first connect), or ended. */
export function redisState(client: Redis): 'connected' | 'reconnecting' | 'down' {
  switch (client.status) {
    case 'ready':
      return 'connected';
    case 'connecting':
    case 'connect':
    case 'reconnecting':
      return 'reconnecting';
    default:
      return 'down';
  }
}
