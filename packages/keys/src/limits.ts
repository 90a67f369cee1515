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

/** With Redis: the requests of one key in one turn of the event loop, checked together. */
interface Batch {
  key: LimitedKey;
  month: string | undefined;
  now: Date;
  waiters: Array<{ resolve(verdict: LimitVerdict): void; reject(error: unknown): void }>;
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
/**
 * Fixed windows counted in this process's memory, synchronously: what RateLimiterMemory counts
 * (a window starts with its first request and lasts `durationMs`; 0: never ends), without its
 * promise and timer per key. Ended windows are swept at most once per window length.
 */
class MemoryWindows {
  private readonly counters = new Map<string, { points: number; endsAt: number }>();
  private sweptAt = 0;

  constructor(private readonly durationMs: number) {}

  /** Adds `points` (default 1); the window after it (its points, and when it ends: 0 never). */
  take(key: string, points = 1, now = Date.now()): { points: number; endsAt: number } {
    let counter = this.counters.get(key);
    if (counter === undefined || (counter.endsAt !== 0 && counter.endsAt <= now)) {
      this.sweep(now);
      counter = { points: 0, endsAt: this.durationMs === 0 ? 0 : now + this.durationMs };
      this.counters.set(key, counter);
    }
    counter.points += points;
    return counter;
  }

  /** The points of a window still running (0 when none). */
  peek(key: string, now = Date.now()): number {
    const counter = this.counters.get(key);
    return counter === undefined || (counter.endsAt !== 0 && counter.endsAt <= now)
      ? 0
      : counter.points;
  }

  private sweep(now: number): void {
    if (this.durationMs === 0 || now - this.sweptAt < this.durationMs) return;
    this.sweptAt = now;
    for (const [key, counter] of this.counters)
      if (counter.endsAt <= now) this.counters.delete(key);
  }
}

export class KeyLimits {
  /** With Redis: the shared counters (process memory as their insurance while Redis is away). */
  private readonly perMinute: RateLimiterAbstract | undefined;
  private readonly monthly: RateLimiterAbstract | undefined;
  /** Without Redis: the counters, in this process, checked without a promise. */
  private readonly localMinute = new MemoryWindows(60_000);
  private readonly localMonth = new MemoryWindows(0);
  private readonly seeded = new Set<string>();
  /** With Redis: requests of one key in the same turn of the event loop, taken in one command per window. */
  private batches = new Map<string, Batch>();
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
        : undefined;
    };
    this.batched = redis !== undefined;
    this.perMinute = make('minute', 60);
    // In memory, a month's counter never expires (its key names the month; Node timers cannot wait
    // 32 days); in Redis it expires after the month.
    this.monthTtl = redis ? MONTH_TTL_SECONDS : 0;
    this.monthly = make('month', this.monthTtl, 0);
  }

  check(key: LimitedKey): Promise<LimitVerdict> {
    const verdict = this.checkNow(key);
    return verdict instanceof Promise ? verdict : Promise.resolve(verdict);
  }

  /**
   * The verdict at once when the counters are in this process (no Redis) and the key's month is
   * already seeded: no promise, no turn of the event loop. A promise otherwise (Redis, or the
   * first request of a key this month, which reads what the usage store already holds).
   */
  checkNow(key: LimitedKey): LimitVerdict | Promise<LimitVerdict> {
    const now = this.clock.now();
    const month =
      key.monthlyRequestLimit !== null
        ? `${key.id}:${now.getUTCFullYear()}-${now.getUTCMonth() + 1}`
        : undefined;
    if (this.batched) return this.enqueue(key, now, month);
    if (month !== undefined && !this.seeded.has(month)) return this.checkAsync(key, now, month);
    const wall = Date.now();
    const used = month !== undefined ? this.localMonth.take(month, 1, wall).points : undefined;
    if (key.rateLimitPerMinute === null) return this.verdict(key, now, used, undefined);
    const minute = this.localMinute.take(key.id, 1, wall);
    return this.verdict(key, now, used, {
      consumedPoints: minute.points,
      msBeforeNext: minute.endsAt - wall,
    });
  }

  /** Without Redis, the first request of a key this month: seeded from the store, then counted. */
  private async checkAsync(
    key: LimitedKey,
    now: Date,
    month: string | undefined,
  ): Promise<LimitVerdict> {
    const used = month !== undefined ? await this.countMonth(key.id, month, now, 1) : undefined;
    if (key.rateLimitPerMinute === null) return this.verdict(key, now, used, undefined);
    const wall = Date.now();
    const minute = this.localMinute.take(key.id, 1, wall);
    return this.verdict(key, now, used, {
      consumedPoints: minute.points,
      msBeforeNext: minute.endsAt - wall,
    });
  }

  /**
   * With Redis: the request joins its key's batch for this turn of the event loop. One
   * setImmediate per turn takes every batch's windows, each window with one command of n points
   * (both windows' commands share one round trip), and each request gets its own place in the
   * counts (the counter before them + 1, + 2, …): the same counts and refusals as n commands of
   * one point. Only the order among simultaneous requests is chosen here, as the network would
   * have chosen it. A request refused for its monthly quota also takes from its per-minute window.
   */
  private enqueue(key: LimitedKey, now: Date, month: string | undefined): Promise<LimitVerdict> {
    const id = month ?? key.id;
    let batch = this.batches.get(id);
    if (batch === undefined) {
      batch = { key, month, now, waiters: [] };
      this.batches.set(id, batch);
      if (this.batches.size === 1) setImmediate(this.takeBatches);
    }
    const waiters = batch.waiters;
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  }

  private readonly takeBatches = (): void => {
    const batches = this.batches;
    this.batches = new Map();
    for (const batch of batches.values()) void this.takeBatch(batch);
  };

  private async takeBatch({ key, month, now, waiters }: Batch): Promise<void> {
    const n = waiters.length;
    try {
      const [used, minute] = await Promise.all([
        month !== undefined ? this.countMonth(key.id, month, now, n) : undefined,
        key.rateLimitPerMinute !== null && this.perMinute
          ? this.consume(this.perMinute, key.id, n)
          : undefined,
      ]);
      for (let i = 0; i < n; i++) {
        const place = i + 1 - n;
        waiters[i]!.resolve(
          this.verdict(
            key,
            now,
            used === undefined ? undefined : used + place,
            minute === undefined
              ? undefined
              : {
                  consumedPoints: minute.consumedPoints + place,
                  msBeforeNext: minute.msBeforeNext,
                },
          ),
        );
      }
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error);
    }
  }

  private verdict(
    key: LimitedKey,
    now: Date,
    used: number | undefined,
    minute: { consumedPoints: number; msBeforeNext: number } | undefined,
  ): LimitVerdict {
    const headers: Record<string, string> = {};
    let monthly: WindowState | undefined;

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

  /** `points` requests included: the month's count so far. */
  private async countMonth(
    keyId: string,
    month: string,
    now: Date,
    points: number,
  ): Promise<number> {
    if (!this.seeded.has(month)) {
      // First sight of this key this month (in this process): start from what was already counted.
      const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) / 60_000;
      const stored =
        (await this.store.requestsSince(keyId, monthStart)) + this.recorder.unwrittenFor(keyId);
      if (this.monthly) {
        const current = await this.monthly.get(month);
        if (!current || current.consumedPoints < stored)
          await this.monthly.set(month, stored, this.monthTtl);
      } else {
        const current = this.localMonth.peek(month);
        if (current < stored) this.localMonth.take(month, stored - current);
      }
      this.seeded.add(month);
    }
    if (!this.monthly) return this.localMonth.take(month, points).points;
    return (await this.consume(this.monthly, month, points)).consumedPoints;
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
