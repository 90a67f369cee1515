import { graphql } from './portal';

export interface Answer {
  at: number;
  status: number;
  /** The first error's code and reason, when there was one. */
  code?: string;
  reason?: string;
  message?: string;
}

/** Keyed requests from a few workers until stopped; every answer kept with its time. */
export class KeyedLoad {
  readonly answers: Answer[] = [];
  private running = false;
  private workers: Promise<void>[] = [];

  constructor(
    private readonly base: () => string,
    private readonly secret: string,
    private readonly operations: Array<{ query: string; variables?: Record<string, unknown> }>,
    private readonly concurrency = 4,
  ) {}

  start(): void {
    this.running = true;
    this.workers = Array.from({ length: this.concurrency }, (_, w) => this.work(w));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  private async work(worker: number): Promise<void> {
    let i = worker;
    while (this.running) {
      const op = this.operations[i++ % this.operations.length]!;
      const res = await graphql(this.base(), op.query, op.variables ?? {}, {
        'x-api-key': this.secret,
      });
      if (res.status === 0) {
        // No answer (the process is gone, or restarting): nothing to count, try again shortly.
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const error = res.body?.errors?.[0];
      this.answers.push({
        at: Date.now(),
        status: res.status,
        ...(error
          ? {
              code: error.extensions?.code,
              reason: error.extensions?.reason as string | undefined,
              message: error.message,
            }
          : {}),
      });
    }
  }

  /** Answers per HTTP status, between two instants. */
  byStatus(from = 0, to = Infinity): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const a of this.answers)
      if (a.at >= from && a.at < to) counts[a.status] = (counts[a.status] ?? 0) + 1;
    return counts;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` holds, polling; returns how long it took, or throws after `timeoutMs`. */
export async function until(
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 100,
): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
  return Date.now() - started;
}

export async function statusOf(url: string): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}
