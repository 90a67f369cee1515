import type { Logger } from 'pino';
import type { Clock } from '../../core/clock';
import { emptyTally, type JobClaims, type Tally } from './job-claims';

/** A piece of scheduled work, run on every tick of every process; its units are claimed through `claims`. */
export interface Job {
  name: string;
  /** Finds what is due at `now` and does each unit through `claims.run` (so only one process does it). */
  run(now: Date, claims: JobClaims): Promise<Tally>;
}

export interface SchedulerOptions {
  jobs: Job[];
  claims: JobClaims;
  clock: Clock;
  logger: Logger;
  /** JOBS_INTERVAL_SECONDS × 1000; 0: no ticker (runDueJobs still works). */
  intervalMs: number;
}

/**
 * One ticker per process: every interval it runs each registered job once, one after the other.
 * A pass never overlaps the previous one (the next is scheduled when one ends), and a pass asked
 * for by `runDueJobs` waits for the ticker's. What is due is read from the injectable clock, and
 * every unit of work is claimed in the database, so any number of processes may tick at once.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;

  constructor(private readonly options: SchedulerOptions) {}

  /** The claims every job's units go through (tests take units by hand with it). */
  get claims(): JobClaims {
    return this.options.claims;
  }

  get jobNames(): string[] {
    return this.options.jobs.map((job) => job.name);
  }

  start(): void {
    if (this.options.intervalMs <= 0 || !this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  /** Stops ticking and waits for a pass in progress to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running.catch(() => undefined);
  }

  /** Runs every job once now (after any pass in progress); resolves with what each did. */
  runDueJobs(): Promise<Record<string, Tally>> {
    const pass = this.running.catch(() => undefined).then(() => this.pass());
    this.running = pass;
    return pass;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runDueJobs()
        .catch(() => undefined)
        .finally(() => {
          if (!this.stopped) this.schedule();
        });
    }, this.options.intervalMs);
    this.timer.unref();
  }

  private async pass(): Promise<Record<string, Tally>> {
    const result: Record<string, Tally> = {};
    for (const job of this.options.jobs) {
      // Each job reads the clock itself when it starts: a slow job before it does not make it late.
      const now = this.options.clock.now();
      try {
        result[job.name] = await job.run(now, this.options.claims);
        const tally = result[job.name]!;
        if (tally.done > 0 || tally.failed > 0)
          this.options.logger.info({ job: job.name, ...tally }, 'scheduled job ran');
      } catch (error) {
        // A job that cannot even look (the database is away) tries again on the next tick.
        result[job.name] = emptyTally();
        this.options.logger.error({ job: job.name, err: error }, 'scheduled job failed');
      }
    }
    return result;
  }
}

/** Adds one outcome to a tally. */
export function count(tally: Tally, outcome: keyof Tally): Tally {
  tally[outcome] += 1;
  return tally;
}
