import type { SqlClient, UsageCell, UsageDelta, UsageWriter } from '@partner-portal/keys';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock';

/** How often the rollups are read; ticks from other processes arrive within about this long. */
const POLL_MS = 1000;
/** Minutes read back: the current one and the one before (a flush may land just after a minute turns). */
const WINDOW_MINUTES = 2;

type Cell = { requests: number; errors: number };

/**
 * Live ticks for usage that other processes wrote (a gateway, or another portal process), when
 * there is no Redis to carry their ticks: reads the last minutes of the per-minute rollups once a
 * second and publishes what grew, less what this process wrote itself (its own ticks were already
 * published when it flushed). With Redis it is not used: every process publishes its own ticks.
 */
export class ForeignTicks {
  private snapshot = new Map<string, Cell>();
  /** What this process wrote (or is writing) that a read has not yet accounted for, per cell. */
  private readonly own = new Map<string, Cell>();
  private timer: NodeJS.Timeout | undefined;
  private primed = false;
  private polling = false;

  constructor(
    private readonly deps: {
      sql: SqlClient;
      clock: Clock;
      logger: Logger;
      publish: (delta: UsageDelta) => void;
    },
  ) {}

  /**
   * The writer this process's recorder must use: it notes what this process writes (before the
   * write, so a read that sees the write also knows it is ours; taken back if the write fails).
   */
  wrap(writer: UsageWriter): UsageWriter {
    return {
      add: async (cells) => {
        this.note(cells, 1);
        try {
          await writer.add(cells);
        } catch (error) {
          this.note(cells, -1);
          throw error;
        }
      },
      ...(writer.pruneMinutes ? { pruneMinutes: (before) => writer.pruneMinutes!(before) } : {}),
    };
  }

  private note(cells: UsageCell[], sign: 1 | -1): void {
    for (const c of cells) {
      const key = `${c.apiKeyId}|${c.minute}|${c.status}`;
      const cell = this.own.get(key) ?? { requests: 0, errors: 0 };
      cell.requests += sign * c.requests;
      cell.errors += sign * c.errors;
      if (cell.requests <= 0) this.own.delete(key);
      else this.own.set(key, cell);
    }
  }

  start(): void {
    this.timer ??= setInterval(() => void this.poll(), POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One read of the recent rollups; publishes what other processes added since the last one. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const since = Math.floor(this.deps.clock.now().getTime() / 60_000) - (WINDOW_MINUTES - 1);
      const rows = (await this.deps.sql.query(
        'SELECT apiKeyId, teamId, minute, status, requests, errors FROM usage_minutes WHERE minute >= ?',
        [since],
      )) as Array<{
        apiKeyId: string;
        teamId: string;
        minute: number | string;
        status: number | string;
        requests: number | string;
        errors: number | string;
      }>;
      const next = new Map<string, Cell>();
      const grown = new Map<string, { teamId: string; requests: number; errors: number }>();
      for (const row of rows) {
        const cell = { requests: Number(row.requests), errors: Number(row.errors) };
        const key = `${row.apiKeyId}|${Number(row.minute)}|${Number(row.status)}`;
        next.set(key, cell);
        const before = this.snapshot.get(key) ?? { requests: 0, errors: 0 };
        let requests = cell.requests - before.requests;
        let errors = Math.max(0, cell.errors - before.errors);
        // This process's own writes were published when it flushed them: take them out.
        const own = this.own.get(key);
        if (own && requests > 0) {
          const mine = Math.min(own.requests, requests);
          const myErrors = Math.min(own.errors, errors);
          requests -= mine;
          errors -= myErrors;
          own.requests -= mine;
          own.errors -= myErrors;
          if (own.requests <= 0) this.own.delete(key);
        }
        if (!this.primed || requests <= 0) continue;
        const byStatus = `${row.apiKeyId}|${Number(row.status)}`;
        const sum = grown.get(byStatus) ?? { teamId: row.teamId, requests: 0, errors: 0 };
        sum.requests += requests;
        sum.errors += errors;
        grown.set(byStatus, sum);
      }
      this.snapshot = next;
      this.primed = true;
      // Own writes to minutes that left the window can no longer be seen: forget them.
      for (const key of this.own.keys())
        if (Number(key.split('|')[1]) < since) this.own.delete(key);
      this.publishForeign(grown);
    } catch (error) {
      this.deps.logger.warn(
        { err: error },
        'could not read recent usage for live ticks; will retry',
      );
    } finally {
      this.polling = false;
    }
  }

  private publishForeign(grown: Map<string, { teamId: string; requests: number; errors: number }>) {
    const byKey = new Map<string, UsageDelta>();
    const at = this.deps.clock.now();
    for (const [byStatus, { requests, errors, teamId }] of grown) {
      const [apiKeyId, status] = byStatus.split('|') as [string, string];
      let delta = byKey.get(apiKeyId);
      if (!delta) {
        delta = { apiKeyId, teamId, at, requests: 0, errors: 0, statusCodes: [] };
        byKey.set(apiKeyId, delta);
      }
      delta.requests += requests;
      delta.errors += errors;
      delta.statusCodes.push({ status: Number(status), count: requests });
    }
    for (const delta of byKey.values()) this.deps.publish(delta);
  }
}
