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

/** With Redis: requests of one key checked together (see enqueue). */
interface Batch {
  key: LimitedKey;
  month: string | undefined;
  now: Date;
  waiters: Array<{ resolve(verdict: LimitVerdict): void; reject(error: unknown): void }>;
}

/**
 * With Redis: a key's windows as the last take in Redis answered (the counters after it), and the
 * requests this process has counted since: sent in the take in flight, or not sent yet.
 */
interface Standing {
  monthUsed: number | undefined;
  minuteUsed: number | undefined;
  /** Date.now() at which the minute's window ends. */
  minuteEndsAt: number;
  /** Date.now() of the answer. */
  at: number;
  inFlight: number;
  unsent: number;
  /**
   * How many may pass at once until the next answer: a tenth of what it left, and about two
   * syncs' worth (2 × SYNC_MS) of this process's requests to the key at their latest rate.
   */
  budget: number;
  /** Passed at once since the answer. */
  passed: number;
  /** Requests since the answer, passed at once or not. */
  seen: number;
}

/** Keys whose month's counter name is kept (see monthOf). */
const MAX_MONTH_NAMES = 10_000;

/** A standing older than this (ms) is not trusted: other processes may have counted since. */
const FRESH_MS = 200;

/** How long counts that passed at once may wait before they are sent to Redis (one take per key). */
const SYNC_MS = 20;

/** How much of a window must be left, after a request, for it to pass without waiting for Redis. */
const headroom = (left: number) => Math.max(0, Math.floor(left / 10));

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
  /** With Redis: each key's requests waiting for their take (see enqueue); no waiters: only its unsent counts. */
  private readonly batches = new Map<string, Batch>();
  /** Keys (their month or id) with a take in flight. */
  private readonly inFlight = new Set<string>();
  private scheduled = false;
  private syncTimer: NodeJS.Timeout | undefined;
  /** Each key's counter name for the current month (see monthOf). */
  private readonly months = new Map<string, { name: string; startsAt: number; endsAt: number }>();
  /** With Redis: each busy key's windows (see checkNow). */
  private readonly standings = new Map<string, Standing>();
  private standingsSweptAt = 0;
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
   * already seeded: no promise, no turn of the event loop. A promise otherwise (the first request
   * of a key this month, which reads what the usage store already holds).
   *
   * With Redis, at once too while the key is busy and far from its limits (see fromStanding), and
   * a promise for the take in Redis otherwise.
   */
  checkNow(key: LimitedKey, now = this.clock.now()): LimitVerdict | Promise<LimitVerdict> {
    const month = key.monthlyRequestLimit !== null ? this.monthOf(key.id, now) : undefined;
    if (this.batched) {
      if (month === undefined && key.rateLimitPerMinute === null)
        return this.verdict(key, now, undefined, undefined);
      return this.fromStanding(key, now, month) ?? this.enqueue(key, now, month, true);
    }
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

  /**
   * The name of a key's counter for the month of `now` (`<key id>:<year>-<month>`), made once a
   * month per key: the same string each request, so its hash is computed once for all the look-ups
   * it keys (the counters, the batches and standings).
   */
  private monthOf(keyId: string, now: Date): string {
    const at = now.getTime();
    const known = this.months.get(keyId);
    if (known !== undefined && at >= known.startsAt && at < known.endsAt) return known.name;
    const year = now.getUTCFullYear();
    const month = now.getUTCMonth();
    // Bounded: the keys in use now come back at their next request.
    if (this.months.size >= MAX_MONTH_NAMES) this.months.clear();
    const name = `${keyId}:${year}-${month + 1}`;
    this.months.set(keyId, {
      name,
      startsAt: Date.UTC(year, month, 1),
      endsAt: Date.UTC(year, month + 1, 1),
    });
    return name;
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
   * With Redis: the request joins its key's batch. A batch is taken by one script call for both
   * windows with n points, and each request gets its own place in the counts (the counter before
   * them + 1, + 2, …): the same counts and refusals as n commands of one point. Only the order
   * among simultaneous requests is chosen here, as the network would have chosen it. A request
   * refused for its monthly quota also takes from its per-minute window.
   *
   * A key has at most one take in flight: a batch with requests waiting is sent at the end of the
   * turn (setImmediate) when none is, or as soon as the one in flight answers; a batch of counts
   * that passed at once (fromStanding) only, within SYNC_MS. Under load, every request of a key that
   * arrives during a round trip shares the next one, so a busy key costs one command per round
   * trip instead of one per turn of the event loop (which, in a gateway, holds about one request).
   * A request waits at most for the take in flight and its own.
   */
  private enqueue(
    key: LimitedKey,
    now: Date,
    month: string | undefined,
    wait: true,
  ): Promise<LimitVerdict>;
  private enqueue(key: LimitedKey, now: Date, month: string | undefined, wait: false): void;
  private enqueue(
    key: LimitedKey,
    now: Date,
    month: string | undefined,
    wait: boolean,
  ): Promise<LimitVerdict> | void {
    const id = month ?? key.id;
    let batch = this.batches.get(id);
    if (batch === undefined) {
      batch = { key, month, now, waiters: [] };
      this.batches.set(id, batch);
    }
    if (!wait) {
      if (!this.inFlight.has(id)) this.syncSoon();
      return;
    }
    if (!this.inFlight.has(id) && !this.scheduled) {
      this.scheduled = true;
      setImmediate(this.takeBatches);
    }
    const waiters = batch.waiters;
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  }

  /** Counts that passed at once reach Redis within SYNC_MS: one take per key then, not one per request. */
  private syncSoon(): void {
    if (this.syncTimer !== undefined) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      this.takeBatches();
    }, SYNC_MS);
    this.syncTimer.unref();
  }

  /**
   * With Redis, a busy key far from its limits passes at once, without a take of its own: its
   * count goes to Redis with the key's next take, at most SYNC_MS later, so a busy key costs one
   * command per SYNC_MS instead of one per request. What the best gateways do with shared counters
   * (Kong's Rate Limiting Advanced counts in the node between syncs, `sync_rate` down to 20 ms;
   * APISIX's limit-count has `sync_interval`), bounded here:
   * - the request's place is the last answer's count plus what this process counted since, so
   *   within one process the counts and refusals are exactly those of one take per request;
   * - between two answers at most `budget` pass at once: a tenth of what the last one left, and
   *   about two syncs' worth of the key's requests here; only while a tenth of each window is
   *   left and the answer is fresh (FRESH_MS). Near a limit every request waits for Redis again,
   *   and refusals always come from Redis;
   * - so processes that share a key see each other's latest counts a sync late, and together can
   *   pass its limit only by what the others passed at once meanwhile: at most each one's budget,
   *   about two syncs' worth (40 ms) of its requests to the key.
   */
  private fromStanding(
    key: LimitedKey,
    now: Date,
    month: string | undefined,
  ): LimitVerdict | undefined {
    const id = month ?? key.id;
    const standing = this.standings.get(id);
    if (standing === undefined) return undefined;
    standing.seen++;
    const wall = Date.now();
    if (wall - standing.at > FRESH_MS || this.batches.get(id)?.waiters.length) return undefined;
    if (standing.passed >= standing.budget) return undefined;
    const place = standing.inFlight + standing.unsent + 1;
    let usedMonth: number | undefined;
    if (month !== undefined) {
      if (standing.monthUsed === undefined) return undefined;
      usedMonth = standing.monthUsed + place;
      if (key.monthlyRequestLimit! - usedMonth < headroom(key.monthlyRequestLimit!))
        return undefined;
    }
    let minute: { consumedPoints: number; msBeforeNext: number } | undefined;
    if (key.rateLimitPerMinute !== null) {
      if (standing.minuteUsed === undefined || wall >= standing.minuteEndsAt) return undefined;
      minute = {
        consumedPoints: standing.minuteUsed + place,
        msBeforeNext: standing.minuteEndsAt - wall,
      };
      if (key.rateLimitPerMinute - minute.consumedPoints < headroom(key.rateLimitPerMinute))
        return undefined;
    }
    standing.unsent++;
    standing.passed++;
    this.enqueue(key, now, month, false);
    return this.verdict(key, now, usedMonth, minute);
  }

  /**
   * Sends every batch whose key has no take in flight (the others go when theirs answers), with
   * the counts that passed at once so far.
   */
  private readonly takeBatches = (): void => {
    this.scheduled = false;
    for (const [id, batch] of this.batches) if (!this.inFlight.has(id)) this.send(id, batch);
  };

  private send(id: string, batch: Batch): void {
    this.batches.delete(id);
    this.inFlight.add(id);
    void this.takeBatch(id, batch).then(() => {
      this.inFlight.delete(id);
      const next = this.batches.get(id);
      if (next === undefined) return;
      // Requests waiting go at once; counts that passed at once wait for the next sync.
      if (next.waiters.length > 0) this.send(id, next);
      else this.syncSoon();
    });
  }

  /**
   * On shutdown: sends the counts that passed at once and waits for every take in flight, for
   * 2 s at most (a Redis that does not answer must not hold the shutdown).
   */
  async close(): Promise<void> {
    if (this.syncTimer !== undefined) clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    const until = Date.now() + 2000;
    while ((this.batches.size > 0 || this.inFlight.size > 0) && Date.now() < until) {
      this.takeBatches();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  private async takeBatch(id: string, { key, month, now, waiters }: Batch): Promise<void> {
    const n = waiters.length;
    // The requests that passed at once (fromStanding) since the last take come first.
    const standing = this.standings.get(id);
    const unsent = standing?.unsent ?? 0;
    if (n + unsent === 0) return;
    if (standing) {
      standing.unsent = 0;
      standing.inFlight = unsent + n;
    }
    try {
      if (month !== undefined) await this.seed(key.id, month, now);
      const minuteLimited = key.rateLimitPerMinute !== null;
      const taken = await this.takeInRedis(month, minuteLimited ? key.id : undefined, unsent + n);
      const used = month !== undefined ? taken[0]! : undefined;
      const minute = minuteLimited
        ? { consumedPoints: taken[taken.length - 2]!, msBeforeNext: taken[taken.length - 1]! }
        : undefined;
      this.stand(id, standing, key, used, minute);
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
      if (standing) standing.inFlight = 0;
      for (const waiter of waiters) waiter.reject(error);
    }
  }

  /** Keeps what a take answered for fromStanding; forgets keys not seen for a while. */
  private stand(
    id: string,
    standing: Standing | undefined,
    key: LimitedKey,
    monthUsed: number | undefined,
    minute: { consumedPoints: number; msBeforeNext: number } | undefined,
  ): void {
    const at = Date.now();
    const minuteEndsAt = minute === undefined ? 0 : at + minute.msBeforeNext;
    const minuteUsed = minute?.consumedPoints;
    // This key's requests per ms here since the last answer (fast or waiting).
    const rate = standing ? standing.seen / Math.max(1, at - standing.at) : 0;
    const budget = Math.min(
      Math.ceil(2 * SYNC_MS * rate) + 1,
      monthUsed === undefined ? Infinity : headroom(key.monthlyRequestLimit! - monthUsed),
      minuteUsed === undefined ? Infinity : headroom(key.rateLimitPerMinute! - minuteUsed),
    );
    const fresh = {
      monthUsed,
      minuteUsed,
      minuteEndsAt,
      at,
      inFlight: 0,
      budget,
      passed: 0,
      seen: 0,
    };
    if (standing) Object.assign(standing, fresh);
    else {
      if (at - this.standingsSweptAt > 60_000) {
        this.standingsSweptAt = at;
        for (const [other, s] of this.standings)
          if (at - s.at > 60_000 && s.inFlight + s.unsent === 0) this.standings.delete(other);
      }
      this.standings.set(id, { ...fresh, unsent: 0 });
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
      // Only when no per-minute window binds (its headers win, below). Set one by one (not
      // Object.assign of a literal): one object fewer per request, same order.
      if (key.rateLimitPerMinute === null || minute === undefined) {
        headers['RateLimit-Limit'] = String(key.monthlyRequestLimit);
        headers['RateLimit-Remaining'] = String(key.monthlyRequestLimit - used);
        headers['RateLimit-Reset'] = String(resetSeconds);
      }
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
      // Built as it is returned, without spreading a conditional literal (two objects fewer).
      const passed: LimitVerdict = { allowed: true, headers, perMinute };
      if (monthly) passed.monthly = monthly;
      return passed;
    }
    const passed: LimitVerdict = { allowed: true, headers };
    if (monthly) passed.monthly = monthly;
    return passed;
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
