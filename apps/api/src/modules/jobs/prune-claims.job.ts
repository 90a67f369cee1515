import { addDays } from '../../core/clock';
import { emptyTally, type JobClaims, type Tally } from './job-claims';
import { count, type Job } from './scheduler';

/**
 * Claims older than this are deleted, once a day: no job asks for such an old key again (a
 * reminder's key is about to expire, a digest's week and a review reminder's period are long
 * past, an alert's crossings only grow).
 */
export const KEEP_CLAIMS_DAYS = 180;

export class PruneClaimsJob implements Job {
  readonly name = 'prune-claims';

  async run(now: Date, claims: JobClaims): Promise<Tally> {
    const day = now.toISOString().slice(0, 10);
    return count(
      emptyTally(),
      await claims.run(`prune-claims:${day}`, async () => {
        await claims.prune(addDays(now, -KEEP_CLAIMS_DAYS));
      }),
    );
  }
}
