import type { Logger } from 'pino';
import type { Clock } from '../../core/clock';
import type { Database } from '../../core/db/database';
import type { Mailer } from '../../core/mail';
import { ExpiryRemindersJob } from './expiry-reminders.job';
import { JobClaims } from './job-claims';
import { PruneClaimsJob } from './prune-claims.job';
import { ReviewReminderJob } from './review-reminder.job';
import { Scheduler, type Job } from './scheduler';
import { StaleKeysDigestJob } from './stale-keys-digest.job';

/** The process's scheduler with every scheduled job of the portal (others' jobs passed in `more`). */
export function createScheduler(deps: {
  db: Database;
  clock: Clock;
  logger: Logger;
  mailer: Mailer;
  publicUrl: string;
  /** JOBS_INTERVAL_SECONDS; 0: no ticker. */
  intervalSeconds: number;
  more?: Job[];
}): Scheduler {
  const { db, clock, logger, mailer, publicUrl } = deps;
  const claims = new JobClaims(db, clock, logger);
  return new Scheduler({
    jobs: [
      new ExpiryRemindersJob({ db, mailer, publicUrl }),
      new StaleKeysDigestJob({ db, mailer, publicUrl }),
      new ReviewReminderJob({ db, mailer, publicUrl }),
      ...(deps.more ?? []),
      new PruneClaimsJob(),
    ],
    claims,
    clock,
    logger,
    intervalMs: deps.intervalSeconds * 1000,
  });
}
