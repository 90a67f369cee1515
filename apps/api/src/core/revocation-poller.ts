import type { Logger } from 'pino';
import { MoreThanOrEqual, type DataSource } from 'typeorm';
import { Session } from '../modules/accounts/session.entity';
import { ApiKey } from '../modules/api-keys/api-key.entity';
import type { Clock } from './clock';
import type { Revocation } from './revocations';

export interface RevocationPollerOptions {
  dataSource: DataSource;
  /** Where found revocations go: `Revocations.deliver` (this process's listeners only). */
  deliver: (revocation: Revocation) => void;
  /** True while Redis pub/sub carries revocations between processes (the subscriber is ready). */
  pubSubUp: () => boolean;
  clock: Clock;
  logger: Logger;
  /** Between polls while pub/sub is down. */
  everyMs?: number;
  /**
   * How far back each poll looks beyond the previous one: a revocation is stamped before its
   * transaction commits, and processes' clocks differ a little.
   */
  overlapMs?: number;
}

/**
 * The database is the source of truth for ended credentials. While Redis pub/sub is down (and
 * for one poll after it is back, for what was published while it resubscribed), this polls for
 * API keys and sessions revoked since the previous poll and delivers them to this process's
 * listeners, so that every process hears a revocation within about a second even without Redis.
 * Without Redis at all there is one process and nothing to poll.
 */
export class RevocationPoller {
  private timer: NodeJS.Timeout | undefined;
  /** Revocations found at or after this instant are still to be delivered. */
  private since: Date;
  private polling = false;
  private wasDown = false;
  /** Delivered recently (id → revokedAt), so that overlapping polls deliver each once. */
  private readonly delivered = new Map<string, number>();
  private failing = false;
  private readonly everyMs: number;
  private readonly overlapMs: number;

  constructor(private readonly options: RevocationPollerOptions) {
    this.everyMs = options.everyMs ?? 500;
    this.overlapMs = options.overlapMs ?? 5_000;
    this.since = options.clock.now();
  }

  start(): void {
    this.since = this.options.clock.now();
    this.timer ??= setInterval(() => void this.tick(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One step: polls while pub/sub is down and once more after it came back. */
  async tick(): Promise<void> {
    if (this.polling) return;
    const up = this.options.pubSubUp();
    if (up && !this.wasDown) {
      // Pub/sub carries revocations: move the cursor along so that an outage starts from here.
      this.since = this.options.clock.now();
      return;
    }
    if (!up && !this.wasDown)
      this.options.logger.warn('revocations: pub/sub is down; polling the database meanwhile');
    this.polling = true;
    try {
      await this.poll();
      if (!up) this.wasDown = true;
      else if (!this.failing) {
        // The catch-up poll after pub/sub came back has worked: pub/sub carries on from here.
        this.wasDown = false;
        this.options.logger.info('revocations: pub/sub is back; polling stopped');
      }
    } finally {
      this.polling = false;
    }
  }

  /** Delivers every API key and session revoked since the previous poll (with an overlap). */
  async poll(): Promise<number> {
    const startedAt = this.options.clock.now();
    const from = new Date(this.since.getTime() - this.overlapMs);
    let found: Revocation[];
    try {
      const [keys, sessions] = await Promise.all([
        this.options.dataSource.getRepository(ApiKey).find({
          where: { revokedAt: MoreThanOrEqual(from) },
          select: { id: true, revokedAt: true },
        }),
        this.options.dataSource.getRepository(Session).find({
          where: { revokedAt: MoreThanOrEqual(from) },
          select: { id: true, revokedAt: true },
        }),
      ]);
      if (this.failing) this.options.logger.info('revocations: polling the database works again');
      this.failing = false;
      found = [
        ...keys
          .filter((k) => this.fresh(`k:${k.id}`, k.revokedAt))
          .map((k) => ({ kind: 'apiKey', keyId: k.id }) as const),
        ...sessions
          .filter((s) => this.fresh(`s:${s.id}`, s.revokedAt))
          .map((s) => ({ kind: 'session', sessionId: s.id }) as const),
      ];
    } catch (error) {
      // The database is away too: keep the cursor, so the next poll looks back far enough.
      if (!this.failing)
        this.options.logger.error({ err: error }, 'revocations: could not poll the database');
      this.failing = true;
      return 0;
    }
    this.since = startedAt;
    this.prune(from.getTime());
    for (const revocation of found) this.options.deliver(revocation);
    return found.length;
  }

  private fresh(id: string, revokedAt: Date | null): boolean {
    const at = revokedAt?.getTime() ?? 0;
    if (this.delivered.get(id) === at) return false;
    this.delivered.set(id, at);
    return true;
  }

  /** Forgets deliveries older than any future poll can return. */
  private prune(before: number): void {
    for (const [id, at] of this.delivered) if (at < before) this.delivered.delete(id);
  }
}
