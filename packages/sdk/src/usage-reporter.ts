import { PortalError } from './errors';
import type { Transport } from './transport';
import type { UsageEvent } from './types';

export interface UsageReporterOptions {
  /** How often buffered events are sent. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Events per request (the portal takes at most 1,000); a full batch is sent at once. Default 1000. */
  maxBatchSize?: number;
  /**
   * Buffer entries kept while the portal is away (the requests recorded in one second with the
   * same key, status and latency share an entry); past it new ones are dropped (and counted).
   * Default 100,000.
   */
  maxBufferedEvents?: number;
  /** First retry delay after a failed send; doubles up to maxRetryDelayMs. Default 500 ms. */
  retryDelayMs?: number;
  /** Default 30,000 ms. */
  maxRetryDelayMs?: number;
}

export interface UsageReporterStats {
  /** Requests waiting to be sent. */
  buffered: number;
  /** Requests the portal accepted. */
  accepted: number;
  /** Events the portal rejected (a key of no team, a status out of range). */
  rejected: number;
  /** Requests dropped: the buffer was full, or the portal refused a whole batch (400, 401, 404). */
  dropped: number;
}

interface UsageAnswer {
  accepted: number;
  rejected: { index: number; reason: string }[];
}

/**
 * Events in the buffer: one event repeated `count` times. The middleware's events of one key that
 * end in the same second with the same status and latency share a run (see record), so a busy
 * server keeps one small object per run instead of one per request. A run travels as one event
 * with `"count"` (the portal's extension of the contract: see MAX_EVENT_COUNT), or, to a portal
 * without it, as one event per request, its JSON made once and repeated.
 */
interface Run {
  event: UsageEvent;
  count: number;
  /** Made by record(), so in its index and written by recordedJson (add()'s go as given). */
  joinable: boolean;
  json?: string;
}

/**
 * The most requests one event of `/v1/usage` may stand for: its optional `"count"`, which this
 * repository's portal takes beyond the contract (a run of more goes as several events). The
 * profile of figure 4 (bench:gateway) showed one event per request, written, posted and ingested,
 * costing a busy server more than its key check; a run's count costs it nothing.
 */
export const MAX_EVENT_COUNT = 100_000;

/** The portal's reason for an event with a field it does not know: an older portal and `"count"`. */
const COUNT_UNKNOWN = /unknown field .*"count"/i;

/**
 * Usage events in batches to `POST /v1/usage`: every second or at a full batch, one request at a
 * time, the batch kept and retried with exponential backoff (and jitter) while the portal is away
 * or failing, in a bounded buffer. `close()` sends what is left.
 */
export class UsageReporter {
  private runs: Run[] = [];
  /** Events in `runs`. */
  private buffered = 0;
  private sending: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private notBefore = 0;
  private closed = false;
  private readonly counts = { accepted: 0, rejected: 0, dropped: 0 };
  private readonly o: Required<UsageReporterOptions>;
  /** The key of the last run written out, and its JSON (a busy key's runs share both). */
  private lastKeyId: string | undefined;
  private lastKeyJson = '';
  /** The runs record() made in the second `indexAt`: by key, then by latency * 1000 + status. */
  private readonly index = new Map<string, Map<number, Run>>();
  private indexAt = NaN;
  /**
   * Whether runs go as one event with `"count"`; false once the portal rejected a count (a portal
   * older than the field), and from then on each request is an event of its own.
   */
  private counted = true;

  constructor(
    private readonly transport: Transport,
    options: UsageReporterOptions,
    private readonly onError: (error: PortalError) => void,
  ) {
    this.o = {
      flushIntervalMs: options.flushIntervalMs ?? 1000,
      maxBatchSize: Math.min(1000, Math.max(1, options.maxBatchSize ?? 1000)),
      maxBufferedEvents: options.maxBufferedEvents ?? 100_000,
      retryDelayMs: options.retryDelayMs ?? 500,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 30_000,
    };
  }

  /** Queues an event as given. */
  add(event: UsageEvent): void {
    if (!this.room()) return;
    this.runs.push({ event, count: 1, joinable: false });
    this.added();
  }

  /**
   * Queues `{keyId, status, latencyMs, at}` (the middleware's hot path): an event equal to one
   * recorded earlier in the same second adds to its run instead of making an object, whatever
   * came between (concurrent requests' latencies interleave: 0, 12, 3, 0 ms…). The order of
   * events within a batch means nothing to the portal; a run in a batch on its way may still grow
   * (the batch removes only the counts it took).
   */
  record(keyId: string, status: number, latencyMs: number, at: number): void {
    if (this.closed) return this.drop(1, 'the reporter is closed');
    // To the second: the portal counts by the minute, which a second never straddles, and a busy
    // second's equal events then make one run (one JSON for the SDK, one parse for the portal)
    // instead of one per millisecond. A fraction or NaN stays as given (sent as JSON.stringify does).
    const wholeAt = Number.isSafeInteger(at);
    if (wholeAt) at -= at % 1000;
    // The middleware's whole numbers find their run in the second's index; anything else (a
    // fraction, NaN) makes a run of its own.
    const slot =
      wholeAt &&
      Number.isSafeInteger(latencyMs) &&
      latencyMs >= 0 &&
      Number.isSafeInteger(status) &&
      status >= 0 &&
      status < 1000
        ? latencyMs * 1000 + status
        : -1;
    let byKey: Map<number, Run> | undefined;
    if (slot >= 0) {
      if (at !== this.indexAt) {
        this.index.clear();
        this.indexAt = at;
      }
      byKey = this.index.get(keyId);
      const r = byKey?.get(slot);
      // A run whose count is 0 has left with its batch (remove() drops it from the buffer).
      if (r !== undefined && r.count > 0) {
        r.count++;
        this.added();
        return;
      }
    }
    if (!this.room()) return;
    const run: Run = { event: { keyId, status, latencyMs, at }, count: 1, joinable: true };
    this.runs.push(run);
    if (slot >= 0) {
      if (byKey === undefined) this.index.set(keyId, (byKey = new Map<number, Run>()));
      byKey.set(slot, run);
    }
    this.added();
  }

  /** Whether a new buffer entry may be made (the buffer holds entries, whatever their counts). */
  private room(): boolean {
    if (!this.closed && this.runs.length < this.o.maxBufferedEvents) return true;
    this.drop(1, this.closed ? 'the reporter is closed' : 'the usage buffer is full');
    return false;
  }

  /** Whether a whole batch is waiting: entries, or requests when each goes as its own event. */
  private full(): boolean {
    return (this.counted ? this.runs.length : this.buffered) >= this.o.maxBatchSize;
  }

  private added(): void {
    this.buffered++;
    // The timer starts with the first event, so an idle client holds no timer at all.
    if (!this.timer) {
      this.timer = setInterval(() => void this.tick(), this.o.flushIntervalMs);
      this.timer.unref();
    }
    // While a batch is on its way, tick() would return at once: no promise per request for it
    // (the send's end looks at the buffer again).
    if (!this.sending && this.full()) void this.tick();
  }

  stats(): UsageReporterStats {
    return { buffered: this.buffered, ...this.counts };
  }

  /**
   * Sends everything buffered now, retrying a failed batch up to `attempts` times (with backoff);
   * rejects with the last PortalError when events are still left after that.
   */
  async flush({ attempts = 3 }: { attempts?: number } = {}): Promise<void> {
    let failures = 0;
    for (;;) {
      // Another send may start while this one waits (the timer's): wait until none is in flight,
      // then send at once, with no await in between, so two sends never take the same batch.
      while (this.sending) await this.sending;
      if (this.buffered === 0) return;
      try {
        await this.send();
        failures = 0;
      } catch (error) {
        failures++;
        if (!(error instanceof PortalError) || !error.retryable || failures >= attempts)
          throw error;
        await sleep(this.backoff(failures));
      }
    }
  }

  /** Stops the timer and sends what is left (see flush); later events are dropped. */
  async close(options?: { attempts?: number }): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush(options);
  }

  private async tick(): Promise<void> {
    if (this.sending || this.buffered === 0 || Date.now() < this.notBefore) return;
    try {
      await this.send();
      // More than a batch waiting: go on without waiting for the next tick.
      if (this.full()) void this.tick();
    } catch (error) {
      if (!(error instanceof PortalError)) throw error;
      this.onError(error);
      if (error.retryable) {
        this.failures++;
        this.notBefore = Date.now() + this.backoff(this.failures);
      }
    }
  }

  /**
   * One batch from the head of the buffer (up to maxBatchSize events); removed once the portal
   * answered (or refused it whole). Events recorded meanwhile may join runs of the batch: the
   * batch removes the counts it took from each, never more.
   */
  private send(): Promise<void> {
    const taken: number[] = [];
    /** The batch's events that carry a "count", by their index in it (see unCounted). */
    const withCount = new Map<number, { run: Run; count: number }>();
    const max = this.o.maxBatchSize;
    let json = '{"events":[';
    let events = 0;
    let size = 0;
    for (let i = 0; i < this.runs.length && events < max; i++) {
      const r = this.runs[i]!;
      const one = (r.json ??= r.joinable ? this.recordedJson(r.event) : JSON.stringify(r.event));
      let n = 0;
      if (this.counted) {
        // One event per MAX_EVENT_COUNT requests of the run, as many as the batch has room for.
        for (; n < r.count && events < max; events++) {
          const count = Math.min(r.count - n, MAX_EVENT_COUNT);
          if (count > 1) withCount.set(events, { run: r, count });
          json += (events > 0 ? ',' : '') + (count === 1 ? one : withCountJson(one, count));
          n += count;
        }
      } else {
        n = Math.min(r.count, max - events);
        json += (events > 0 ? ',' : '') + (n === 1 ? one : `${one},`.repeat(n - 1) + one);
        events += n;
      }
      taken.push(n);
      size += n;
    }
    json += ']}';
    const batch = { length: size };
    const remove = () => {
      for (let i = 0; i < taken.length; i++) this.runs[i]!.count -= taken[i]!;
      this.runs = this.runs.filter((r) => r.count > 0);
      this.buffered -= size;
    };
    const run = (async () => {
      try {
        const answer = parseAnswer(await this.transport.postJson('/v1/usage', json));
        remove();
        this.failures = 0;
        this.notBefore = 0;
        const rejected = this.unCounted(answer.rejected, withCount);
        this.counts.accepted += answer.accepted;
        this.counts.rejected += rejected.length;
        if (rejected.length > 0)
          this.onError(
            new PortalError(
              'USAGE_REJECTED',
              `The portal rejected ${rejected.length} of ${events} usage events: ${rejected
                .slice(0, 3)
                .map((r) => `#${r.index} ${r.reason}`)
                .join('; ')}`,
              200,
            ),
          );
      } catch (error) {
        // A batch the portal will never take (bad shape, token refused, /v1/ off) is dropped, not retried forever.
        if (error instanceof PortalError && !error.retryable) {
          remove();
          this.counts.dropped += batch.length;
        }
        throw error;
      }
    })();
    this.sending = run.then(
      () => {
        this.sending = null;
      },
      () => {
        this.sending = null;
      },
    );
    return run;
  }

  /**
   * The rejections of a batch but those of a "count" the portal does not know (a portal older
   * than the field): their requests go back into the buffer, and from then on every request is
   * sent as an event of its own, as the contract has it. Nothing is lost on the way.
   */
  private unCounted(
    rejected: UsageAnswer['rejected'],
    withCount: Map<number, { run: Run; count: number }>,
  ): UsageAnswer['rejected'] {
    if (withCount.size === 0) return rejected;
    const kept = rejected.filter((r) => {
      const sent = withCount.get(r.index);
      if (!sent || !COUNT_UNKNOWN.test(r.reason)) return true;
      const { run, count } = sent;
      this.runs.push({ event: run.event, count, joinable: false, json: run.json });
      this.buffered += count;
      return false;
    });
    if (kept.length < rejected.length && this.counted) {
      this.counted = false;
      this.onError(
        new PortalError(
          'USAGE_COUNT_UNSUPPORTED',
          'The portal does not take "count" in usage events (it is older than this SDK): each request is now sent as an event of its own.',
          200,
        ),
      );
    }
    return kept;
  }

  /**
   * The JSON of an event made by record(), written out. A batch holds a run per second, status and
   * latency (some 150 for 1,000 events when `at` still had its milliseconds), and the batches are
   * built on a path too cold for the optimizer: JSON.stringify took 1.4-1.7 µs a run there, this
   * 0.5-0.8 µs.
   * The same text as JSON.stringify's for integers; anything else (a fraction, NaN) goes through it.
   */
  private recordedJson(e: UsageEvent): string {
    const { keyId, status, latencyMs, at } = e;
    if (
      !Number.isSafeInteger(status) ||
      !Number.isSafeInteger(latencyMs) ||
      !Number.isSafeInteger(at)
    )
      return JSON.stringify(e);
    if (keyId !== this.lastKeyId) {
      this.lastKeyId = keyId;
      this.lastKeyJson = JSON.stringify(keyId);
    }
    return `{"keyId":${this.lastKeyJson},"status":${status},"latencyMs":${latencyMs},"at":${at}}`;
  }

  private backoff(failures: number): number {
    const base = Math.min(this.o.maxRetryDelayMs, this.o.retryDelayMs * 2 ** (failures - 1));
    return base / 2 + Math.random() * (base / 2);
  }

  private drop(n: number, why: string): void {
    this.counts.dropped += n;
    // One report per power of two, so a long outage does not flood the log.
    if ((this.counts.dropped & (this.counts.dropped - 1)) === 0)
      this.onError(
        new PortalError(
          'USAGE_DROPPED',
          `Usage events dropped (${this.counts.dropped} so far): ${why}.`,
        ),
      );
  }
}

/** An event's JSON with `"count"` added (JSON.stringify's text of an object ends in its brace). */
const withCountJson = (one: string, count: number) => `${one.slice(0, -1)},"count":${count}}`;

function parseAnswer(value: unknown): UsageAnswer {
  const v = value as Partial<UsageAnswer> | null;
  if (!v || typeof v.accepted !== 'number' || !Array.isArray(v.rejected))
    throw new PortalError(
      'PORTAL_ERROR',
      'The portal’s answer to /v1/usage is not the contract’s shape.',
      200,
    );
  return v as UsageAnswer;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
