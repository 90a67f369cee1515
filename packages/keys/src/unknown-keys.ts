import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { UnknownKeyLimiter } from './ports';

/** The portal's own rule: 20 unknown keys per address per minute. */
export const UNKNOWN_KEYS_PER_ADDRESS = {
  name: 'unknown-key-ip',
  points: 20,
  durationSeconds: 60,
} as const;

/**
 * Unknown keys per client address, in the process or in Redis. With the portal's prefix and rule
 * (the defaults) its counters are the portal's: an address that floods one is limited in both.
 */
export function unknownKeyLimiter(options: {
  redis?: Redis | undefined;
  prefix: string;
  points?: number;
  durationSeconds?: number;
}): UnknownKeyLimiter {
  const points = options.points ?? UNKNOWN_KEYS_PER_ADDRESS.points;
  const settings = {
    keyPrefix: `${options.prefix}rl:${UNKNOWN_KEYS_PER_ADDRESS.name}`,
    points,
    duration: options.durationSeconds ?? UNKNOWN_KEYS_PER_ADDRESS.durationSeconds,
  };
  const limiter: RateLimiterAbstract = options.redis
    ? new RateLimiterRedis({
        ...settings,
        storeClient: options.redis,
        useRedisPackage: false,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(settings),
      })
    : new RateLimiterMemory(settings);
  const wait = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return {
    async blockedFor(address) {
      const res = await limiter.get(address);
      return res && res.consumedPoints >= points ? wait(res) : 0;
    },
    async hit(address) {
      try {
        await limiter.consume(address, 1);
        return 0;
      } catch (error) {
        if (error instanceof RateLimiterRes) return wait(error);
        throw error;
      }
    },
  };
}
