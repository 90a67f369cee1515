import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { AppError } from './errors';

export interface LimitRule {
  /** Distinguishes this limit's keys from every other's. */
  name: string;
  points: number;
  durationSeconds: number;
}

/**
 * Fixed-window counters from rate-limiter-flexible: in the process, or in Redis when it is
 * configured so that several API processes share one count.
 */
export class RateLimits {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(
    private readonly redis: Redis | undefined,
    private readonly prefix = 'pp:',
  ) {}

  private limiter(rule: LimitRule): RateLimiterAbstract {
    let limiter = this.limiters.get(rule.name);
    if (!limiter) {
      const options = {
        keyPrefix: `${this.prefix}rl:${rule.name}`,
        points: rule.points,
        duration: rule.durationSeconds,
      };
      limiter = this.redis
        ? new RateLimiterRedis({
            ...options,
            storeClient: this.redis,
            useRedisPackage: false,
            // While Redis is away, count in this process instead of failing the request.
            rejectIfRedisNotReady: true,
            insuranceLimiter: new RateLimiterMemory(options),
          })
        : new RateLimiterMemory(options);
      this.limiters.set(rule.name, limiter);
    }
    return limiter;
  }

  /** Seconds to wait when the limit is already used up for this key, else 0. */
  async blockedFor(rule: LimitRule, key: string): Promise<number> {
    const res = await this.limiter(rule).get(key);
    return res && res.consumedPoints >= rule.points
      ? Math.max(1, Math.ceil(res.msBeforeNext / 1000))
      : 0;
  }

  /** Counts one event; returns the seconds to wait when it went over the limit, else 0. */
  async hit(rule: LimitRule, key: string): Promise<number> {
    try {
      await this.limiter(rule).consume(key, 1);
      return 0;
    } catch (error) {
      if (error instanceof RateLimiterRes) return Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw error;
    }
  }

  /** Takes `points` from the budget; returns the seconds to wait when it is spent, else 0. */
  async spend(rule: LimitRule, key: string, points: number): Promise<number> {
    try {
      await this.limiter(rule).consume(key, points);
      return 0;
    } catch (error) {
      if (error instanceof RateLimiterRes) return Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw error;
    }
  }

  /** Counts one event and refuses it with RATE_LIMITED when it is over the limit. */
  async enforce(rule: LimitRule, key: string, message: string): Promise<void> {
    const wait = await this.hit(rule, key);
    if (wait > 0)
      throw AppError.rateLimited(`${message} Try again in ${describeWait(wait)}.`, wait);
  }

  async reset(rule: LimitRule, key: string): Promise<void> {
    await this.limiter(rule).delete(key);
  }
}

export function describeWait(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}
