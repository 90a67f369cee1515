import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * A tiny broadcast channel between API processes: through Redis pub/sub when it is configured,
 * otherwise within this process only. Used for facts every process must learn at once (a key
 * was revoked).
 */
export interface Bus {
  publish(channel: string, message: string): void;
  subscribe(channel: string, handler: (message: string) => void): void;
  close(): Promise<void>;
}

export function createBus(options: {
  redis?: { publisher: Redis; subscriber: Redis };
  prefix: string;
  logger: Logger;
}): Bus {
  const local = new EventEmitter();
  const { redis, prefix, logger } = options;
  if (!redis) {
    return {
      publish: (channel, message) => void local.emit(channel, message),
      subscribe: (channel, handler) => void local.on(channel, handler),
      close: () => Promise.resolve(),
    };
  }
  redis.subscriber.on('message', (channel: string, message: string) => {
    if (channel.startsWith(prefix)) local.emit(channel.slice(prefix.length), message);
  });
  return {
    publish(channel, message) {
      redis.publisher.publish(prefix + channel, message).catch((error: unknown) => {
        logger.error({ err: error, channel }, 'could not publish to Redis; handling locally only');
        local.emit(channel, message);
      });
    },
    subscribe(channel, handler) {
      local.on(channel, handler);
      redis.subscriber
        .subscribe(prefix + channel)
        .catch((error: unknown) =>
          logger.error({ err: error, channel }, 'could not subscribe in Redis'),
        );
    },
    async close() {
      await redis.subscriber.quit().catch(() => redis.subscriber.disconnect());
    },
  };
}
