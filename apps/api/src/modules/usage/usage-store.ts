import { SqlUsageWriter, type SqlClient, type UsageCell } from '@partner-portal/keys';
import type { Database } from '../../core/db/database';
import { sqlClient } from '../../core/db/sql-client';

export type { UsageCell } from '@partner-portal/keys';

export type Grain = 'minute' | 'hour';

export interface UsageRow {
  /** Bucket start in the grain asked for (minutes or hours since the epoch). */
  bucket: number;
  status: number;
  requests: number;
  errors: number;
}

/** One key's rows of one grain in [from, to) (buckets of that grain), as a request's loader asks. */
export interface KeyRowsRequest {
  teamId: string;
  apiKeyId: string;
  grain: Grain;
  from: number;
  to: number;
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
  /** The rows of several keys of one team over one range, in one read: by key id. */
  rowsOfKeys(
    scope: { teamId: string; apiKeyIds: readonly string[] },
    grain: Grain,
    from: number,
    to: number,
  ): Promise<Map<string, UsageRow[]>>;
  /** Requests counted for one key since a minute (for the monthly limit). */
  requestsSince(apiKeyId: string, minute: number): Promise<number>;
  /** Deletes minute rows older than the minute given; returns how many. */
  pruneMinutes(before: number): Promise<number>;
}

/**
 * The portal's usage store: the writes (batched upserts, the monthly count) are the shared core's
 * SqlUsageWriter, the same the gateway writes with; the reads for charts live here.
 */
export class SqlUsageStore implements UsageStore {
  private readonly writer: SqlUsageWriter;

  constructor(
    private readonly db: Database,
    sql: SqlClient = sqlClient(db),
  ) {
    this.writer = new SqlUsageWriter(sql);
  }

  add(cells: UsageCell[]): Promise<void> {
    return this.writer.add(cells);
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

  async rowsOfKeys(
    scope: { teamId: string; apiKeyIds: readonly string[] },
    grain: Grain,
    from: number,
    to: number,
  ): Promise<Map<string, UsageRow[]>> {
    const byKey = new Map<string, UsageRow[]>(scope.apiKeyIds.map((id) => [id, []]));
    if (scope.apiKeyIds.length === 0) return byKey;
    const table = grain === 'minute' ? 'usage_minutes' : 'usage_hours';
    const marks = scope.apiKeyIds.map(() => '?').join(', ');
    const rows: Array<{
      apiKeyId: string;
      bucket: number | string;
      status: number | string;
      requests: number | string;
      errors: number | string;
    }> = await this.db.manager.query(
      `SELECT apiKeyId, ${grain} AS bucket, status, SUM(requests) AS requests, SUM(errors) AS errors FROM ${table}
       WHERE teamId = ? AND ${grain} >= ? AND ${grain} < ? AND apiKeyId IN (${marks})
       GROUP BY apiKeyId, ${grain}, status`,
      [scope.teamId, from, to, ...scope.apiKeyIds],
    );
    for (const r of rows)
      byKey.get(r.apiKeyId)?.push({
        bucket: Number(r.bucket),
        status: Number(r.status),
        requests: Number(r.requests),
        errors: Number(r.errors),
      });
    return byKey;
  }

  requestsSince(apiKeyId: string, minute: number): Promise<number> {
    return this.writer.requestsSince(apiKeyId, minute);
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
