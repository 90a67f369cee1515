import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
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

/** KEYS: the windows' counters; ARGV: points, then each window's TTL in seconds. */
const TAKE_WINDOWS = `local out = {}
for i, key in ipairs(KEYS) do
  local ttl = tonumber(ARGV[i + 1])
  redis.call('set', key, 0, 'EX', ttl, 'NX')
  local consumed = redis.call('incrby', key, ARGV[1])
  local left = redis.call('pttl', key)
  if left == -1 then
    redis.call('expire', key, ttl)
    left = 1000 * ttl
  end
  out[#out + 1] = consumed
  out[#out + 1] = left
end
return out`;

type TakeWindows = {
  ppKeyLimitsTake(numberOfKeys: number, ...args: Array<string | number>): Promise<number[]>;
};

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
  /** With Redis: the month's counter for seeding (the windows are taken by one script, takeInRedis). */
  private readonly monthly: RateLimiterAbstract | undefined;
  /** Without Redis (and while Redis is away): the counters, in this process, without a promise. */
  private readonly localMinute = new MemoryWindows(60_000);
  private readonly localMonth = new MemoryWindows(0);
  private readonly seeded = new Set<string>();
  /** With Redis: requests of one key in the same turn of the event loop, taken in one command per window. */
  private batches = new Map<string, Batch>();
  private readonly batched: boolean;
  private readonly monthTtl: number;

  private readonly clock: Clock;
  private readonly redis: Redis | undefined;
  private readonly prefix: string;
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
    this.redis = redis;
    this.prefix = prefix;
    redis?.defineCommand('ppKeyLimitsTake', { lua: TAKE_WINDOWS });
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
      if (month !== undefined) await this.seed(key.id, month, now);
      const minuteLimited = key.rateLimitPerMinute !== null;
      const taken = await this.takeInRedis(month, minuteLimited ? key.id : undefined, n);
      const used = month !== undefined ? taken[0]! : undefined;
      const minute = minuteLimited
        ? { consumedPoints: taken[taken.length - 2]!, msBeforeNext: taken[taken.length - 1]! }
        : undefined;
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

  /**
   * `points` from the month's and/or the minute's window in Redis, both in one script call (one
   * command and one reply instead of one per window): [month count, month ms left,] [minute
   * count, minute ms left]. The script is rate-limiter-flexible's (the same keys, counts and
   * expiries as its RateLimiterRedis, which still seeds the month). While Redis is not ready, or
   * when the call fails, this process's own windows count instead, as the library's insurance did.
   */
  private async takeInRedis(
    month: string | undefined,
    minuteKey: string | undefined,
    points: number,
  ): Promise<number[]> {
    const keys: string[] = [];
    const ttls: number[] = [];
    if (month !== undefined) {
      keys.push(`${this.prefix}key-month:${month}`);
      ttls.push(this.monthTtl);
    }
    if (minuteKey !== undefined) {
      keys.push(`${this.prefix}key-minute:${minuteKey}`);
      ttls.push(60);
    }
    const redis = this.redis;
    if (redis && redis.status === 'ready') {
      try {
        return await (redis as unknown as TakeWindows).ppKeyLimitsTake(
          keys.length,
          ...keys,
          points,
          ...ttls,
        );
      } catch {
        // Counted here instead, below.
      }
    }
    const wall = Date.now();
    const out: number[] = [];
    if (month !== undefined) out.push(this.localMonth.take(month, points, wall).points, -1);
    if (minuteKey !== undefined) {
      const window = this.localMinute.take(minuteKey, points, wall);
      out.push(window.points, window.endsAt - wall);
    }
    return out;
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
      // nextMonthStart(now), as a number: a Date only for the refusal's message.
      const resetAtMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
      const resetSeconds = Math.max(1, Math.ceil((resetAtMs - now.getTime()) / 1000));
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
          message: `This key reached its monthly limit of ${key.monthlyRequestLimit.toLocaleString('en-US')} requests. It resets on ${new Date(resetAtMs).toISOString()}.`,
        };
      }
      // Set one by one (not Object.assign of a literal): one object fewer per request, same order.
      headers['RateLimit-Limit'] = String(key.monthlyRequestLimit);
      headers['RateLimit-Remaining'] = String(key.monthlyRequestLimit - used);
      headers['RateLimit-Reset'] = String(resetSeconds);
    }

    if (key.rateLimitPerMinute !== null && minute !== undefined) {
      const res = minute;
      const resetSeconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      const remaining = Math.max(0, key.rateLimitPerMinute - res.consumedPoints);
      const perMinute = { limit: key.rateLimitPerMinute, remaining, resetSeconds };
      // The per-minute window is the tighter one: its headers win.
      headers['RateLimit-Limit'] = String(key.rateLimitPerMinute);
      headers['RateLimit-Remaining'] = String(remaining);
      headers['RateLimit-Reset'] = String(resetSeconds);
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

  /** First sight of a key's month (in this process): its counter starts from what was already counted. */
  private async seed(keyId: string, month: string, now: Date): Promise<void> {
    if (this.seeded.has(month)) return;
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

  /** `points` requests included: the month's count so far (in this process's windows). */
  private async countMonth(
    keyId: string,
    month: string,
    now: Date,
    points: number,
  ): Promise<number> {
    await this.seed(keyId, month, now);
    return this.localMonth.take(month, points).points;
  }
}
