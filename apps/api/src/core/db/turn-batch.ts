import type { DataSource } from 'typeorm';

/**
 * Reads asked for in one turn of the event loop, by any requests, answered together at the turn's
 * end (setImmediate): `run` gets them all and gives one answer per read. For the reads nearly
 * every request makes (its team, its membership, the dashboard's lists and usage): under load one
 * statement then serves several requests, where each request's own DataLoader batches only its
 * own reads. Each read is still made after it was asked for, so it sees every write before it.
 */
export class TurnBatch<Q, A> {
  private waiting: Array<{ read: Q; resolve: (answer: A) => void; reject: (e: unknown) => void }> =
    [];

  /**
   * `run` answers each read by its own promise, so a failed statement fails only its reads.
   * `shared` false (see sharesTurns): each read is run at once, alone.
   */
  constructor(
    private readonly run: (reads: Q[]) => Array<Promise<A>>,
    private readonly shared = true,
  ) {}

  load(read: Q): Promise<A> {
    // A run that throws rejects the promise (the executor's throw).
    if (!this.shared) return new Promise<A>((resolve) => resolve(this.run([read])[0]!));
    return new Promise<A>((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => this.answer());
      this.waiting.push({ read, resolve, reject });
    });
  }

  /** Several reads of one caller: with `shared` false, run together at once (one call of `run`). */
  loadAll(reads: readonly Q[]): Promise<A[]> {
    if (this.shared) return Promise.all(reads.map((read) => this.load(read)));
    return new Promise<Array<Promise<A>>>((resolve) => resolve(this.run([...reads]))).then(
      (answers) => Promise.all(answers),
    );
  }

  private answer(): void {
    const batch = this.waiting;
    this.waiting = [];
    let answers: Array<Promise<A>>;
    try {
      answers = this.run(batch.map((w) => w.read));
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    batch.forEach((w, i) => void answers[i]!.then(w.resolve, w.reject));
  }
}

/**
 * Whether reads are worth sharing on this database: yes across a network (MySQL, MariaDB), where
 * each statement is a round trip; no on the embedded SQLite, which answers at once, where waiting
 * for the turn's end only adds turns (the hostile-load test's normal requests, which read their
 * team and then its keys, took 3 turns instead of 1, and their p99 under attack rose with it).
 */
export function sharesTurns(dataSource: DataSource): boolean {
  return dataSource.options.type !== 'better-sqlite3';
}
