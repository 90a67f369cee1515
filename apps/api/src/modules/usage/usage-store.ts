import type { Database } from '../../core/db/database';

/** One aggregated cell: requests of one key in one bucket with one HTTP status. */
export interface UsageCell {
  apiKeyId: string;
  teamId: string;
  /** Whole minutes since the epoch. */
  minute: number;
  status: number;
  requests: number;
  errors: number;
  latencyMs: number;
}

export type Grain = 'minute' | 'hour';

export interface UsageRow {
  /** Bucket start in the grain asked for (minutes or hours since the epoch). */
  bucket: number;
  status: number;
  requests: number;
  errors: number;
}

/**
 * Where usage lives: behind this small interface so SQLite, MySQL or a future analytics store can
 * serve it. This one keeps per-minute and per-hour rollups in the application database and
 * writes them with batched, multi-row upserts.
 */
export interface UsageStore {
  /** Adds the cells to both rollups (one statement per table and chunk). */
  add(cells: UsageCell[]): Promise<void>;
  /** Rows in [from, to) of the grain's buckets, for one key or a whole team. */
  rows(
    scope: { teamId: string; apiKeyId?: string },
    grain: Grain,
    from: number,
    to: number,
  ): Promise<UsageRow[]>;
  /** Requests counted for one key since a minute (for the monthly limit). */
  requestsSince(apiKeyId: string, minute: number): Promise<number>;
  /** Deletes minute rows older than the minute given; returns how many. */
  pruneMinutes(before: number): Promise<number>;
}

const CHUNK = 500;

export class SqlUsageStore implements UsageStore {
  constructor(private readonly db: Database) {}

  async add(cells: UsageCell[]): Promise<void> {
    if (cells.length === 0) return;
    const hours = new Map<string, UsageCell & { hour: number }>();
    for (const c of cells) {
      const hour = Math.floor(c.minute / 60);
      const key = `${c.apiKeyId}|${hour}|${c.status}`;
      const sum = hours.get(key);
      if (sum) {
        sum.requests += c.requests;
        sum.errors += c.errors;
        sum.latencyMs += c.latencyMs;
      } else hours.set(key, { ...c, hour });
    }
    await this.db.transaction(async (m) => {
      for (let i = 0; i < cells.length; i += CHUNK) {
        const chunk = cells.slice(i, i + CHUNK);
        await m.query(
          this.upsert('usage_minutes', 'minute', chunk.length),
          chunk.flatMap((c) => [
            c.apiKeyId,
            c.minute,
            c.status,
            c.teamId,
            c.requests,
            c.errors,
            c.latencyMs,
          ]),
        );
      }
      const hourly = [...hours.values()];
      for (let i = 0; i < hourly.length; i += CHUNK) {
        const chunk = hourly.slice(i, i + CHUNK);
        await m.query(
          this.upsert('usage_hours', 'hour', chunk.length),
          chunk.flatMap((c) => [
            c.apiKeyId,
            c.hour,
            c.status,
            c.teamId,
            c.requests,
            c.errors,
            c.latencyMs,
          ]),
        );
      }
    });
  }

  private upsert(table: string, bucket: string, rows: number): string {
    const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ');
    const insert = `INSERT INTO ${table} (apiKeyId, ${bucket}, status, teamId, requests, errors, latencyMs) VALUES ${values}`;
    return this.db.isMySql
      ? `${insert} ON DUPLICATE KEY UPDATE requests = requests + VALUES(requests), errors = errors + VALUES(errors), latencyMs = latencyMs + VALUES(latencyMs)`
      : `${insert} ON CONFLICT (apiKeyId, ${bucket}, status) DO UPDATE SET requests = requests + excluded.requests, errors = errors + excluded.errors, latencyMs = latencyMs + excluded.latencyMs`;
  }

  async rows(
    scope: { teamId: string; apiKeyId?: string },
    grain: Grain,
    from: number,
    to: number,
  ): Promise<UsageRow[]> {
    const table = grain === 'minute' ? 'usage_minutes' : 'usage_hours';
    const keyFilter = scope.apiKeyId ? ' AND apiKeyId = ?' : '';
    const params = [scope.teamId, from, to, ...(scope.apiKeyId ? [scope.apiKeyId] : [])];
    const rows: Array<{
      bucket: number | string;
      status: number | string;
      requests: number | string;
      errors: number | string;
    }> = await this.db.manager.query(
      `SELECT ${grain} AS bucket, status, SUM(requests) AS requests, SUM(errors) AS errors FROM ${table}
       WHERE teamId = ? AND ${grain} >= ? AND ${grain} < ?${keyFilter} GROUP BY ${grain}, status`,
      params,
    );
    return rows.map((r) => ({
      bucket: Number(r.bucket),
      status: Number(r.status),
      requests: Number(r.requests),
      errors: Number(r.errors),
    }));
  }

  async requestsSince(apiKeyId: string, minute: number): Promise<number> {
    // Whole hours from the hourly rollup, the partial first hour from the minutes.
    const firstFullHour = Math.ceil(minute / 60);
    type Sum = Array<{ n: number | string | null }>;
    const hours: Sum = await this.db.manager.query(
      'SELECT SUM(requests) AS n FROM usage_hours WHERE apiKeyId = ? AND hour >= ?',
      [apiKeyId, firstFullHour],
    );
    const minutes: Sum = await this.db.manager.query(
      'SELECT SUM(requests) AS n FROM usage_minutes WHERE apiKeyId = ? AND minute >= ? AND minute < ?',
      [apiKeyId, minute, firstFullHour * 60],
    );
    return Number(hours[0]?.n ?? 0) + Number(minutes[0]?.n ?? 0);
  }

  async pruneMinutes(before: number): Promise<number> {
    return this.db.transaction(async (m) => {
      const result = await m
        .createQueryBuilder()
        .delete()
        .from('usage_minutes')
        .where('minute < :before', { before })
        .execute();
      return result.affected ?? 0;
    });
  }
}
