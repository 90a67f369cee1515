import type { Clock, Logger, UsageCell, UsageWriter } from './ports';

export interface KeyedRequest {
  apiKeyId: string;
  teamId: string;
  status: number;
  /** HTTP status of 400 and above, or a GraphQL response with errors. */
  failed: boolean;
  latencyMs: number;
  /** When it was served (reported usage); now when absent. */
  at?: Date;
}

/** What a subscriber receives: counts added since the key's previous tick (a delta). */
export interface UsageDelta {
  apiKeyId: string;
  teamId: string;
  at: Date;
  requests: number;
  errors: number;
  statusCodes: Array<{ status: number; count: number }>;
}

export interface RecorderOptions {
  store: UsageWriter;
  clock: Clock;
  logger: Logger;
  /** How often counts are written (and ticks sent); at most a second. */
  flushEveryMs?: number;
  /** Prunes minute rows older than this (hourly) when the store can; the portal does, a gateway need not. */
  minuteRetentionDays?: number;
  onTick?: (delta: UsageDelta) => void;
  /**
   * How many unwritten cells (key × minute × status) may wait while writes fail. Counts for a
   * cell already waiting are always added to it; beyond the bound, new cells are dropped and
   * counted, so an outage of any length costs bounded memory.
   */
  maxPendingCells?: number;
}

const MAX_PENDING_CELLS = 50_000;

const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * Counts keyed requests in memory and writes them as batched upserts of per-minute (and
 * per-hour) rollups at least once a second; never a write per request. Each flush also emits
 * one delta per key for live subscribers. A clean stop flushes everything; a crash loses at most
 * the last interval.
 */
export class UsageRecorder {
  private pending = new Map<string, UsageCell>();
  /** The cell of the last request recorded, while it is in `pending`. */
  private last: UsageCell | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** Counted but not yet written, per key: the monthly limit must see these too. */
  private readonly unwritten = new Map<string, number>();
  /** Writes failing since (the first failure of an outage is logged, then its end). */
  private failingSince: Date | undefined;
  private failedFlushes = 0;
  /** Requests not counted because the buffer was full, this outage and in all. */
  private droppedNow = 0;
  private droppedTotal = 0;
  private readonly maxPendingCells: number;
  /** When every count so far was in the store (performance.now()): the flush lag runs from there. */
  private caughtUpAt = performance.now();

  constructor(private readonly options: RecorderOptions) {
    this.maxPendingCells = options.maxPendingCells ?? MAX_PENDING_CELLS;
  }

  /** Requests that could not be counted since start because the buffer was full. */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** Cells waiting to be written. */
  get pendingCells(): number {
    return this.pending.size;
  }

  /** Seconds since every counted request was last in the store (0 while nothing waits). */
  get flushLagSeconds(): number {
    return this.pending.size === 0 ? 0 : (performance.now() - this.caughtUpAt) / 1000;
  }

  start(): void {
    const every = Math.min(this.options.flushEveryMs ?? 1000, 1000);
    this.timer ??= setInterval(() => void this.flush(), every);
    this.timer.unref();
    if (this.options.minuteRetentionDays !== undefined && this.options.store.pruneMinutes) {
      this.pruneTimer ??= setInterval(() => void this.prune(), PRUNE_EVERY_MS);
      this.pruneTimer.unref();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.pruneTimer);
    this.timer = undefined;
    this.pruneTimer = undefined;
    await this.flush();
  }

  /**
   * Counts one request, or `times` identical ones (a reported batch's repeated events: one cell
   * look-up for the lot); written with the next flush (at most a second later).
   */
  record(request: KeyedRequest, times = 1): void {
    const clock = this.options.clock;
    const at = request.at
      ? request.at.getTime()
      : clock.nowMs
        ? clock.nowMs()
        : clock.now().getTime();
    const minute = Math.floor(at / 60_000);
    // A busy key's requests mostly land in the cell of the one before: found without a look-up.
    const last = this.last;
    let cell: UsageCell | undefined;
    if (
      last !== undefined &&
      last.minute === minute &&
      last.status === request.status &&
      last.apiKeyId === request.apiKeyId
    )
      cell = last;
    else cell = this.pending.get(`${request.apiKeyId}|${minute}|${request.status}`);
    const errors = request.failed ? times : 0;
    const latency = Math.round(request.latencyMs) * times;
    if (cell) {
      cell.requests += times;
      cell.errors += errors;
      cell.latencyMs += latency;
      this.last = cell;
    } else if (this.pending.size >= this.maxPendingCells) {
      this.drop(times);
      return;
    } else {
      this.last = {
        apiKeyId: request.apiKeyId,
        teamId: request.teamId,
        minute,
        status: request.status,
        requests: times,
        errors,
        latencyMs: latency,
      };
      this.pending.set(`${request.apiKeyId}|${minute}|${request.status}`, this.last);
    }
    this.unwritten.set(request.apiKeyId, (this.unwritten.get(request.apiKeyId) ?? 0) + times);
  }

  /** Requests of this key counted in this process but not yet in the store. */
  unwrittenFor(apiKeyId: string): number {
    return this.unwritten.get(apiKeyId) ?? 0;
  }

  /** Writes what has been counted so far; flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return void (this.caughtUpAt = performance.now());
    const cells = [...this.pending.values()];
    const written = new Map(this.unwritten);
    this.pending = new Map();
    this.last = undefined;
    try {
      await this.options.store.add(cells);
      this.caughtUpAt = performance.now();
      for (const [key, n] of written) {
        const left = (this.unwritten.get(key) ?? 0) - n;
        if (left > 0) this.unwritten.set(key, left);
        else this.unwritten.delete(key);
      }
    } catch (error) {
      // Put the counts back so the next flush retries them (within the bound).
      this.failedFlushes += 1;
      if (!this.failingSince) {
        this.failingSince = this.options.clock.now();
        this.options.logger.error(
          { err: error, cells: cells.length },
          'usage counts cannot be written; keeping them in memory and retrying every flush',
        );
      }
      for (const c of cells) {
        const key = `${c.apiKeyId}|${c.minute}|${c.status}`;
        const cell = this.pending.get(key);
        if (cell) {
          cell.requests += c.requests;
          cell.errors += c.errors;
          cell.latencyMs += c.latencyMs;
        } else if (this.pending.size >= this.maxPendingCells) {
          this.drop(c.requests);
          this.forgetUnwritten(c.apiKeyId, c.requests);
        } else this.pending.set(key, c);
      }
      return;
    }
    if (this.failingSince) {
      this.options.logger.info(
        {
          since: this.failingSince.toISOString(),
          failedFlushes: this.failedFlushes,
          cells: cells.length,
          dropped: this.droppedNow,
        },
        'usage counts written again after failed writes',
      );
      this.failingSince = undefined;
      this.failedFlushes = 0;
      this.droppedNow = 0;
    }
    this.emitTicks(cells);
  }

  /** Counts requests that did not fit; says so once per outage. */
  private drop(requests: number): void {
    if (this.droppedNow === 0)
      this.options.logger.error(
        { maxPendingCells: this.maxPendingCells },
        'usage buffer full: new counts are dropped (and counted) until writes succeed',
      );
    this.droppedNow += requests;
    this.droppedTotal += requests;
  }

  private forgetUnwritten(apiKeyId: string, n: number): void {
    const left = (this.unwritten.get(apiKeyId) ?? 0) - n;
    if (left > 0) this.unwritten.set(apiKeyId, left);
    else this.unwritten.delete(apiKeyId);
  }

  private emitTicks(cells: UsageCell[]): void {
    if (!this.options.onTick) return;
    const byKey = new Map<string, UsageDelta>();
    const at = this.options.clock.now();
    for (const c of cells) {
      let delta = byKey.get(c.apiKeyId);
      if (!delta) {
        delta = {
          apiKeyId: c.apiKeyId,
          teamId: c.teamId,
          at,
          requests: 0,
          errors: 0,
          statusCodes: [],
        };
        byKey.set(c.apiKeyId, delta);
      }
      delta.requests += c.requests;
      delta.errors += c.errors;
      const code = delta.statusCodes.find((s) => s.status === c.status);
      if (code) code.count += c.requests;
      else delta.statusCodes.push({ status: c.status, count: c.requests });
    }
    for (const delta of byKey.values()) this.options.onTick(delta);
  }

  async prune(): Promise<number> {
    const { store, minuteRetentionDays } = this.options;
    if (minuteRetentionDays === undefined || !store.pruneMinutes) return 0;
    const cutoff =
      Math.floor(this.options.clock.now().getTime() / 60_000) - minuteRetentionDays * 24 * 60;
    try {
      return await store.pruneMinutes(cutoff);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not prune old usage minutes');
      return 0;
    }
  }
}
