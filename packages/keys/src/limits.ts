import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Clock, UsageCounts } from './ports';

export interface LimitedKey {
  id: string;
  rateLimitPerMinute: number | null;
  monthlyRequestLimit: number | null;
}

/** Where a key stands in one of its windows, after this request. */
export interface WindowState {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

export interface LimitVerdict {
  allowed: boolean;
  /** Which limit refused: per minute (RATE_LIMITED) or per month (QUOTA_EXCEEDED). */
  code?: 'RATE_LIMITED' | 'QUOTA_EXCEEDED';
  /** RateLimit-* response headers (and Retry-After when refused). */
  headers: Record<string, string>;
  /** The per-minute window (when the key has that limit and it was reached in the check). */
  perMinute?: WindowState;
  /** The calendar month (when the key has that limit). */
  monthly?: WindowState;
  message?: string;
  retryAfterSeconds?: number;
}

interface Batch {
  waiters: Array<{
    resolve(res: { consumedPoints: number; msBeforeNext: number }): void;
    reject(error: unknown): void;
  }>;
}

const MONTH_TTL_SECONDS = 32 * 24 * 60 * 60;

/** The first instant of the next calendar month, UTC. */
export function nextMonthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

/**
 * A key's own limits, checked on every keyed request: requests per minute (fixed one-minute
 * windows) and per calendar month (UTC). The counters live in the process, or in Redis so that
 * several API processes share one limit. A month's counter starts from what the usage store
 * already holds, so a restart does not reset it.
 */
export class KeyLimits {
  private readonly perMinute: RateLimiterAbstract;
  private readonly monthly: RateLimiterAbstract;
  private readonly seeded = new Set<string>();
  /** With Redis: requests of one key in the same turn of the event loop, taken in one command. */
  private readonly batches = new Map<string, Batch>();
  private readonly batched: boolean;
  private readonly monthTtl: number;

  private readonly clock: Clock;
  private readonly store: UsageCounts;
  private readonly recorder: { unwrittenFor(apiKeyId: string): number };

  /**
   * `store`: what the rollups hold; `recorder`: what this process counted and has not written.
   * Every process sharing one Redis and prefix shares the counters.
   */
  constructor(options: {
    redis?: Redis | undefined;
    prefix: string;
    clock: Clock;
    store: UsageCounts;
    recorder: { unwrittenFor(apiKeyId: string): number };
  }) {
    const { redis, prefix } = options;
    this.clock = options.clock;
    this.store = options.store;
    this.recorder = options.recorder;
    const make = (name: string, duration: number, memoryDuration = duration) => {
      const options = {
        keyPrefix: `${prefix}key-${name}`,
        points: Number.MAX_SAFE_INTEGER,
        duration,
      };
      // In memory, a month's counter never expires (duration 0): Node timers cannot wait 32 days.
      const memory = new RateLimiterMemory({ ...options, duration: memoryDuration });
      return redis
        ? new RateLimiterRedis({
            ...options,
            storeClient: redis,
            useRedisPackage: false,
            // While Redis is away, count in this process instead of failing the request.
            rejectIfRedisNotReady: true,
            insuranceLimiter: memory,
          })
        : memory;
    };
    this.batched = redis !== undefined;
    this.perMinute = make('minute', 60);
    // In memory, a month's counter never expires (its key names the month; Node timers cannot wait
    // 32 days); in Redis it expires after the month.
    this.monthTtl = redis ? MONTH_TTL_SECONDS : 0;
    this.monthly = make('month', this.monthTtl, 0);
  }

  async check(key: LimitedKey): Promise<LimitVerdict> {
    const headers: Record<string, string> = {};
    const now = this.clock.now();
    let monthly: WindowState | undefined;

    // Both windows are taken at once: in Redis their two commands share one round trip (and,
    // with auto-pipelining, one write), which a request on the hot path pays for otherwise twice.
    // So a request refused for its monthly quota also takes from its per-minute window.
    const [used, minute] = await Promise.all([
      key.monthlyRequestLimit !== null
        ? this.countMonth(key.id, `${key.id}:${now.getUTCFullYear()}-${now.getUTCMonth() + 1}`, now)
        : undefined,
      key.rateLimitPerMinute !== null ? this.take(this.perMinute, 'minute', key.id) : undefined,
    ]);

    if (key.monthlyRequestLimit !== null && used !== undefined) {
      const resetAt = nextMonthStart(now);
      const resetSeconds = Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000));
      monthly = {
        limit: key.monthlyRequestLimit,
        remaining: Math.max(0, key.monthlyRequestLimit - used),
        resetSeconds,
      };
      if (used > key.monthlyRequestLimit) {
        return {
          allowed: false,
          code: 'QUOTA_EXCEEDED',
          monthly,
          headers: {
            'Retry-After': String(resetSeconds),
            'RateLimit-Limit': String(key.monthlyRequestLimit),
            'RateLimit-Remaining': '0',
            'RateLimit-Reset': String(resetSeconds),
          },
          retryAfterSeconds: resetSeconds,
          message: `This key reached its monthly limit of ${key.monthlyRequestLimit.toLocaleString('en-US')} requests. It resets on ${resetAt.toISOString()}.`,
        };
      }
      Object.assign(headers, {
        'RateLimit-Limit': String(key.monthlyRequestLimit),
        'RateLimit-Remaining': String(key.monthlyRequestLimit - used),
        'RateLimit-Reset': String(resetSeconds),
      });
    }

    if (key.rateLimitPerMinute !== null && minute !== undefined) {
      const res = minute;
      const resetSeconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      const remaining = Math.max(0, key.rateLimitPerMinute - res.consumedPoints);
      const perMinute = { limit: key.rateLimitPerMinute, remaining, resetSeconds };
      // The per-minute window is the tighter one: its headers win.
      Object.assign(headers, {
        'RateLimit-Limit': String(key.rateLimitPerMinute),
        'RateLimit-Remaining': String(remaining),
        'RateLimit-Reset': String(resetSeconds),
      });
      if (res.consumedPoints > key.rateLimitPerMinute) {
        return {
          allowed: false,
          code: 'RATE_LIMITED',
          perMinute,
          ...(monthly ? { monthly } : {}),
          headers: { ...headers, 'Retry-After': String(resetSeconds) },
          retryAfterSeconds: resetSeconds,
          message: `This key is limited to ${key.rateLimitPerMinute} requests per minute. Try again in ${resetSeconds} seconds.`,
        };
      }
      return { allowed: true, headers, perMinute, ...(monthly ? { monthly } : {}) };
    }
    return { allowed: true, headers, ...(monthly ? { monthly } : {}) };
  }

  /** This request included: the month's count so far. */
  private async countMonth(keyId: string, month: string, now: Date): Promise<number> {
    if (!this.seeded.has(month)) {
      // First sight of this key this month (in this process): start from what was already counted.
      const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) / 60_000;
      const stored =
        (await this.store.requestsSince(keyId, monthStart)) + this.recorder.unwrittenFor(keyId);
      const current = await this.monthly.get(month);
      if (!current || current.consumedPoints < stored)
        await this.monthly.set(month, stored, this.monthTtl);
      this.seeded.add(month);
    }
    return (await this.take(this.monthly, 'month', month)).consumedPoints;
  }

  /**
   * One request from a window. With Redis, the requests of one key that arrive in the same turn
   * of the event loop are taken together, with one command of n points, and each gets its own
   * place in the count (the counter before them + 1, + 2, …): the same counts and refusals as n
   * commands of one point, in one round trip. Only the order among simultaneous requests is
   * chosen here, as the network would have chosen it.
   */
  private take(
    limiter: RateLimiterAbstract,
    window: string,
    key: string,
  ): Promise<{ consumedPoints: number; msBeforeNext: number }> {
    if (!this.batched) return this.consume(limiter, key, 1);
    const id = `${window}:${key}`;
    let batch = this.batches.get(id);
    if (!batch) {
      const created: Batch = { waiters: [] };
      this.batches.set(id, created);
      setImmediate(() => {
        this.batches.delete(id);
        const n = created.waiters.length;
        this.consume(limiter, key, n).then(
          (res) =>
            created.waiters.forEach((waiter, i) =>
              waiter.resolve({
                consumedPoints: res.consumedPoints - n + i + 1,
                msBeforeNext: res.msBeforeNext,
              }),
            ),
          (error: unknown) => created.waiters.forEach((waiter) => waiter.reject(error)),
        );
      });
      batch = created;
    }
    const waiters = batch.waiters;
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  }

  private async consume(
    limiter: RateLimiterAbstract,
    key: string,
    points: number,
  ): Promise<RateLimiterRes> {
    try {
      return await limiter.consume(key, points);
    } catch (error) {
      if (error instanceof RateLimiterRes) return error;
      throw error;
    }
  }
}
