import type { Logger } from 'pino';
import { In, LessThan, QueryFailedError } from 'typeorm';
import type { Clock } from '../../core/clock';
import type { Database } from '../../core/db/database';
import { newId } from '../../core/secrets';
import { JobClaim } from './job-claim.entity';

export interface ClaimSettings {
  /** How long a running claim is held before another process may presume its owner dead. */
  leaseMs: number;
  /** Attempts in all; after the last failure the work is given up (and logged). */
  maxAttempts: number;
  /** Wait before the first retry; doubled after each further failure, up to `maxRetryDelayMs`. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
}

export const DEFAULT_CLAIM_SETTINGS: ClaimSettings = {
  leaseMs: 5 * 60_000,
  maxAttempts: 8,
  retryDelayMs: 60_000,
  maxRetryDelayMs: 60 * 60_000,
};

/** What became of one unit of work in this process. */
export type Outcome = 'done' | 'failed' | 'skipped';

/** Counts of outcomes, per job and pass (returned by `Scheduler.runDueJobs`, logged by the ticker). */
export interface Tally {
  done: number;
  failed: number;
  skipped: number;
}
export const emptyTally = (): Tally => ({ done: 0, failed: 0, skipped: 0 });

const IN_CHUNK = 500;

/** Duplicate primary key: MySQL/MariaDB's ER_DUP_ENTRY, SQLite's constraint error. */
function isDuplicate(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: unknown } | undefined)?.code;
  return (
    code === 'ER_DUP_ENTRY' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed|Duplicate entry/i.test(error.message)
  );
}

/**
 * Work done exactly once across every process of a deployment: each unit of work has a key; the
 * process whose INSERT of that key succeeds does it (the database's primary key decides, never
 * whichever process wakes first), then records it done, or failed to be retried on a later tick.
 * A claim whose owner died while holding it is retaken once its lease has run out.
 */
export class JobClaims {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly logger: Logger,
    readonly settings: ClaimSettings = DEFAULT_CLAIM_SETTINGS,
  ) {}

  /**
   * Does `work` once for `key` across all processes: returns 'done' or 'failed' when this process
   * did (or tried) it, 'skipped' when it is done already, held by another process, waiting for its
   * retry, or given up.
   */
  async run(key: string, work: () => Promise<void>): Promise<Outcome> {
    const token = await this.claim(key);
    if (!token) return 'skipped';
    try {
      await work();
    } catch (error) {
      await this.fail(key, token, error);
      return 'failed';
    }
    await this.finish(key, token);
    return 'done';
  }

  /**
   * Of these keys, those that might be claimable now (no claim yet, a failed one due for a retry,
   * or one whose owner's lease ran out): one read instead of a failed claim per finished unit.
   */
  async open(keys: string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const now = this.clock.now();
    const closed = new Set<string>();
    for (let i = 0; i < keys.length; i += IN_CHUNK) {
      const rows = await this.db.repository(JobClaim).find({
        where: { claimKey: In(keys.slice(i, i + IN_CHUNK)) },
      });
      for (const row of rows) if (!this.claimable(row, now)) closed.add(row.claimKey);
    }
    return keys.filter((key) => !closed.has(key));
  }

  /** True when every key has an ended claim: done, or failed for the last time. */
  async allEnded(keys: string[]): Promise<boolean> {
    for (let i = 0; i < keys.length; i += IN_CHUNK) {
      const chunk = keys.slice(i, i + IN_CHUNK);
      const rows = await this.db.repository(JobClaim).find({ where: { claimKey: In(chunk) } });
      if (rows.length < chunk.length) return false;
      if (rows.some((r) => !(r.status === 'done' || (r.status === 'failed' && !r.nextAttemptAt))))
        return false;
    }
    return true;
  }

  /** Deletes claims older than the date (their work's keys can no longer come up); returns how many. */
  async prune(claimedBefore: Date): Promise<number> {
    const result = await this.db.transaction((m) =>
      m.delete(JobClaim, { claimedAt: LessThan(claimedBefore) }),
    );
    return result.affected ?? 0;
  }

  private claimable(row: JobClaim, now: Date): boolean {
    if (row.status === 'running') return row.leaseUntil.getTime() < now.getTime();
    if (row.status === 'failed')
      return row.nextAttemptAt !== null && row.nextAttemptAt.getTime() <= now.getTime();
    return false;
  }

  /** Takes the key: a new claim, or a failed/abandoned one that is due. Returns this claim's token. */
  private async claim(key: string): Promise<string | undefined> {
    const now = this.clock.now();
    const token = newId();
    const leaseUntil = new Date(now.getTime() + this.settings.leaseMs);
    try {
      await this.db.transaction((m) =>
        m.insert(JobClaim, {
          claimKey: key,
          status: 'running',
          token,
          attempts: 1,
          claimedAt: now,
          leaseUntil,
          nextAttemptAt: null,
          finishedAt: null,
          lastError: null,
        }),
      );
      return token;
    } catch (error) {
      if (!isDuplicate(error)) throw error;
    }
    // Someone has claimed it before: retake it only if it failed and is due, or its owner's lease
    // ran out. The condition is in the UPDATE itself, so of two processes only one matches.
    const result = await this.db.transaction((m) =>
      m
        .createQueryBuilder()
        .update(JobClaim)
        .set({
          status: 'running',
          token,
          attempts: () => 'attempts + 1',
          claimedAt: now,
          leaseUntil,
        })
        .where('claimKey = :key AND attempts < :max', { key, max: this.settings.maxAttempts })
        .andWhere(
          '((status = :failed AND nextAttemptAt IS NOT NULL AND nextAttemptAt <= :now) OR (status = :running AND leaseUntil < :now))',
          { failed: 'failed', running: 'running', now },
        )
        .execute(),
    );
    return result.affected === 1 ? token : undefined;
  }

  private async finish(key: string, token: string): Promise<void> {
    await this.db.transaction((m) =>
      m.update(
        JobClaim,
        { claimKey: key, token },
        { status: 'done', finishedAt: this.clock.now(), nextAttemptAt: null, lastError: null },
      ),
    );
  }

  private async fail(key: string, token: string, error: unknown): Promise<void> {
    const claim = await this.db.repository(JobClaim).findOneBy({ claimKey: key, token });
    const attempts = claim?.attempts ?? this.settings.maxAttempts;
    const last = attempts >= this.settings.maxAttempts;
    const delay = Math.min(
      this.settings.retryDelayMs * 2 ** (attempts - 1),
      this.settings.maxRetryDelayMs,
    );
    const now = this.clock.now();
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 300);
    (last ? this.logger.error : this.logger.warn).call(
      this.logger,
      { job: key, attempts, err: error },
      last
        ? 'scheduled work failed for the last time; given up'
        : 'scheduled work failed; retried later',
    );
    await this.db.transaction((m) =>
      m.update(
        JobClaim,
        { claimKey: key, token },
        {
          status: 'failed',
          finishedAt: now,
          nextAttemptAt: last ? null : new Date(now.getTime() + delay),
          lastError: reason,
        },
      ),
    );
  }
}
