import { Redis } from 'ioredis';

/** A Redis connection when REDIS_URL is set. Fails fast instead of queueing commands forever. */
export function createRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
}
