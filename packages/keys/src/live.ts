import type { Redis } from 'ioredis';
import type { Clock, Invalidation, KeyStore, Logger } from './ports';
import type { UsageDelta } from './recorder';

/**
 * The portal's events between processes travel on Redis channels named `<prefix>live:<topic>`
 * (REDIS_KEY_PREFIX, `pp:` by default) with JSON payloads. These helpers let another process (the
 * gateway) speak the same: publish usage ticks the portal's subscribers see, and hear revocations.
 */
export const liveChannel = (prefix: string, topic: string): string => `${prefix}live:${topic}`;

/** The topic a team's usage ticks go to (the portal's usage subscriptions listen on it). */
export const usageTopic = (teamId: string): string => `usage:${teamId}`;

/** The payload of a tick: the delta with `at` as ISO text. */
export const tickPayload = (delta: UsageDelta) => ({ ...delta, at: delta.at.toISOString() });

/** An `onTick` for the recorder that publishes each delta to the portal's subscribers through Redis. */
export function redisTickPublisher(redis: Redis, prefix: string): (delta: UsageDelta) => void {
  return (delta) => {
    // Best effort, like the portal's own ticks: a lost tick is not a lost count.
    redis
      .publish(liveChannel(prefix, usageTopic(delta.teamId)), JSON.stringify(tickPayload(delta)))
      .catch(() => undefined);
  };
}

const REVOCATIONS_TOPIC = 'revocations';

/**
 * Revocations the portal publishes (`{origin, revocation: {kind, …}}` on `<prefix>live:revocations`),
 * heard on a subscriber connection of its own (a subscribed ioredis client can do nothing else).
 */
export function redisInvalidation(subscriber: Redis, prefix: string): Invalidation {
  const channel = liveChannel(prefix, REVOCATIONS_TOPIC);
  return {
    subscribe(listener) {
      const onMessage = (from: string, message: string) => {
        if (from !== channel) return;
        let revocation: { kind?: string; keyId?: unknown; teamId?: unknown } | undefined;
        try {
          revocation = (JSON.parse(message) as { revocation?: typeof revocation }).revocation;
        } catch {
          return;
        }
        if (revocation?.kind === 'apiKey' && typeof revocation.keyId === 'string')
          listener({ keyId: revocation.keyId });
        else if (revocation?.kind === 'team' && typeof revocation.teamId === 'string')
          listener({ teamId: revocation.teamId });
      };
      subscriber.on('message', onMessage);
      void subscriber.subscribe(channel).catch(() => undefined);
      return () => {
        subscriber.off('message', onMessage);
        if (subscriber.status === 'ready')
          void subscriber.unsubscribe(channel).catch(() => undefined);
      };
    },
  };
}

export interface RevokedKeyPollerOptions {
  /** Where revocations are read: the key store (or any table's revoked rows: the portal's sessions). */
  store: Pick<KeyStore, 'revokedSince'>;
  clock: Clock;
  logger: Logger;
  /** True while polling is needed: no Redis at all, or its subscriber is not ready. */
  active: () => boolean;
  /** Between polls. Default 500 ms. */
  everyMs?: number;
  /** How far each poll looks back beyond the previous one (commit delays, clock drift). Default 5 s. */
  overlapMs?: number;
}

/**
 * The database is the source of truth for revoked keys: while pub/sub cannot carry them (no
 * Redis, or Redis down, and once more after it is back) this polls for keys revoked since the
 * previous poll, so a revoke is heard within about a second. Use it as an `Invalidation`.
 */
export class RevokedKeyPoller implements Invalidation {
  private timer: NodeJS.Timeout | undefined;
  private since: Date;
  private polling = false;
  private catchUp = false;
  private failing = false;
  private readonly delivered = new Map<string, number>();
  private readonly listeners = new Set<(ended: { keyId: string }) => void>();

  constructor(private readonly options: RevokedKeyPollerOptions) {
    this.since = options.clock.now();
  }

  subscribe(listener: (ended: { keyId: string }) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  start(): void {
    this.since = this.options.clock.now();
    this.timer ??= setInterval(() => void this.tick(), this.options.everyMs ?? 500);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async tick(): Promise<void> {
    if (this.polling) return;
    if (!this.options.active() && !this.catchUp) {
      this.since = this.options.clock.now();
      return;
    }
    this.polling = true;
    try {
      const active = this.options.active();
      await this.poll();
      // One more poll after pub/sub is back, for what was published while it resubscribed.
      this.catchUp = active || this.failing;
    } finally {
      this.polling = false;
    }
  }

  /** Delivers every key revoked since the previous poll (with the overlap), each once. */
  async poll(): Promise<number> {
    const startedAt = this.options.clock.now();
    const from = new Date(this.since.getTime() - (this.options.overlapMs ?? 5_000));
    let rows: Array<{ id: string; revokedAt: Date }>;
    try {
      rows = await this.options.store.revokedSince(from);
      if (this.failing) this.options.logger.info({}, 'revoked keys: polling works again');
      this.failing = false;
    } catch (error) {
      if (!this.failing)
        this.options.logger.error({ err: error }, 'revoked keys: could not poll the database');
      this.failing = true;
      return 0;
    }
    this.since = startedAt;
    for (const [id, at] of this.delivered) if (at < from.getTime()) this.delivered.delete(id);
    let found = 0;
    for (const row of rows) {
      const at = row.revokedAt.getTime();
      if (this.delivered.get(row.id) === at) continue;
      this.delivered.set(row.id, at);
      found += 1;
      for (const listener of this.listeners) listener({ keyId: row.id });
    }
    return found;
  }
}

/** Several sources of ended keys as one (e.g. Redis pub/sub and the poller). */
export function combineInvalidations(...sources: Invalidation[]): Invalidation {
  return {
    subscribe(listener) {
      const offs = sources.map((source) => source.subscribe(listener));
      return () => offs.forEach((off) => off());
    },
  };
}
