import type { Logger } from 'pino';
import { MoreThanOrEqual, type DataSource } from 'typeorm';
import { dataSourceClient, RevokedKeyPoller, SqlKeyStore } from '@partner-portal/keys';
import { Session } from '../modules/accounts/session.entity';
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
 *
 * The polling itself is the key core's (RevokedKeyPoller of @partner-portal/keys, which the
 * gateway runs too): one for API keys through the core's SqlKeyStore, one for sessions, driven
 * together by one timer so that a tick delivers keys first, then sessions.
 */
export class RevocationPoller {
  private timer: NodeJS.Timeout | undefined;
  private readonly keys: RevokedKeyPoller;
  private readonly sessions: RevokedKeyPoller;
  private wasDown = false;
  private readonly everyMs: number;

  constructor(private readonly options: RevocationPollerOptions) {
    const { dataSource, clock, logger, deliver } = options;
    this.everyMs = options.everyMs ?? 500;
    const polling = {
      clock,
      logger,
      active: () => !options.pubSubUp(),
      everyMs: this.everyMs,
      overlapMs: options.overlapMs ?? 5_000,
    };
    this.keys = new RevokedKeyPoller({
      ...polling,
      store: new SqlKeyStore(dataSourceClient(dataSource)),
    });
    this.sessions = new RevokedKeyPoller({
      ...polling,
      store: {
        revokedSince: async (since) =>
          (
            await dataSource.getRepository(Session).find({
              where: { revokedAt: MoreThanOrEqual(since) },
              select: { id: true, revokedAt: true },
            })
          ).map((s) => ({ id: s.id, revokedAt: s.revokedAt ?? since })),
      },
    });
    this.keys.subscribe(({ keyId }) => deliver({ kind: 'apiKey', keyId }));
    this.sessions.subscribe(({ keyId: sessionId }) => deliver({ kind: 'session', sessionId }));
  }

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One step: polls while pub/sub is down and once more after it came back. */
  async tick(): Promise<void> {
    const up = this.options.pubSubUp();
    if (!up && !this.wasDown)
      this.options.logger.warn('revocations: pub/sub is down; polling the database meanwhile');
    if (up && this.wasDown)
      this.options.logger.info('revocations: pub/sub is back; polling stopped');
    this.wasDown = !up;
    await this.keys.tick();
    await this.sessions.tick();
  }

  /** Delivers every API key and session revoked since the previous poll (with an overlap). */
  async poll(): Promise<number> {
    return (await this.keys.poll()) + (await this.sessions.poll());
  }
}
