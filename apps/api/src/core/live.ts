import { EventEmitter } from 'node:events';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { Redis } from 'ioredis';

/**
 * Events between API processes: in this process, or through Redis so that a subscriber on one
 * process sees what another served (usage ticks) and every process learns what one did (a key
 * was revoked). Each subscription reads through its own bounded queue:
 * a subscriber that stops reading loses its oldest events instead of growing memory without end
 * (the in-memory pubsub of @graphql-yoga/subscription throws once 1,024 events queue up, and an
 * unhandled throw there kills the process).
 */
export interface Live {
  publish(topic: string, payload: unknown): void;
  /** Calls the listener for every payload on the topic until the returned function is called. */
  on(topic: string, listener: (payload: unknown) => void): () => void;
  subscribe<T>(
    topic: string,
    options?: { buffer?: number; onDrop?: () => void; signal?: AbortSignal },
  ): AsyncIterableIterator<T>;
}

type Listener = (payload: unknown) => void;

export function createLive(redis?: { publisher: Redis; subscriber: Redis; prefix: string }): Live {
  let dispatch: (topic: string, payload: unknown) => void;
  let listen: (topic: string, listener: Listener) => () => void;
  if (redis) {
    const target = createRedisEventTarget({
      publishClient: quiet(redis.publisher),
      subscribeClient: quiet(redis.subscriber),
    });
    dispatch = (topic, payload) =>
      target.dispatchEvent(new CustomEvent(redis.prefix + topic, { detail: payload }));
    listen = (topic, listener) => {
      const callback = (event: Event) => listener((event as CustomEvent).detail);
      target.addEventListener(redis.prefix + topic, callback);
      return () => {
        // After shutdown has closed the connection, unsubscribing would reject unhandled.
        if (redis.subscriber.status === 'ready')
          target.removeEventListener(redis.prefix + topic, callback);
      };
    };
  } else {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    dispatch = (topic, payload) => void emitter.emit(topic, payload);
    listen = (topic, listener) => {
      emitter.on(topic, listener);
      return () => void emitter.off(topic, listener);
    };
  }
  return {
    publish: dispatch,
    on: listen,
    subscribe<T>(
      topic: string,
      options: { buffer?: number; onDrop?: () => void; signal?: AbortSignal } = {},
    ) {
      const queue = boundedQueue<T>(
        (push) => listen(topic, push as Listener),
        options.buffer ?? 100,
        options.onDrop,
      );
      // An aborted operation ends its stream at once, even while a reader waits for the next value
      // (an async generator's return() would otherwise queue behind that pending read).
      options.signal?.addEventListener('abort', () => void queue.return?.(), { once: true });
      return queue;
    },
  };
}

/**
 * The event target fires Redis commands without awaiting them; around shutdown (or a lost
 * connection) they reject, and an unhandled rejection would take the process down. Live events
 * are best-effort, so a failed publish or (un)subscribe is dropped here.
 */
function quiet(client: Redis): Redis {
  const ignore = () => undefined;
  return {
    publish: (channel: string, message: string) => client.publish(channel, message).catch(ignore),
    subscribe: (...channels: string[]) => client.subscribe(...channels).catch(ignore),
    unsubscribe: (...channels: string[]) => client.unsubscribe(...channels).catch(ignore),
    on: (event: string, listener: (...args: unknown[]) => void) => client.on(event, listener),
  } as unknown as Redis;
}

/** An async iterator over pushed values that keeps at most `limit` unread ones, dropping the oldest. */
export function boundedQueue<T>(
  attach: (push: (value: T) => void) => () => void,
  limit: number,
  onDrop?: () => void,
): AsyncIterableIterator<T> {
  const queue: T[] = [];
  let waiting: ((result: IteratorResult<T>) => void) | undefined;
  let done = false;
  const detach = attach((value) => {
    if (done) return;
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve({ value, done: false });
      return;
    }
    queue.push(value);
    if (queue.length > limit) {
      queue.shift();
      onDrop?.();
    }
  });
  const finish = (): Promise<IteratorResult<T>> => {
    if (!done) {
      done = true;
      detach();
      queue.length = 0;
      waiting?.({ value: undefined, done: true });
      waiting = undefined;
    }
    return Promise.resolve({ value: undefined, done: true });
  };
  return {
    next() {
      if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (waiting = resolve));
    },
    return: finish,
    throw: finish,
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
