import type { KeyEnvironment } from './format';
import type { KeyRecord, KeyStore, UsageCell, UsageCounts, UsageWriter } from './ports';

/** Runs one statement with `?` placeholders; resolves with the rows of a SELECT. */
export type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

/**
 * The least the SQL implementations need: a dialect, reads, and a way to run writes together.
 * `dataSourceClient` builds one from a TypeORM DataSource; the portal passes its own (its writes
 * on SQLite take turns behind one lock).
 */
export interface SqlClient {
  dialect: 'mysql' | 'sqlite';
  query: Query;
  transaction<T>(work: (query: Query) => Promise<T>): Promise<T>;
}

/** The shape of a TypeORM DataSource this needs (no TypeORM import: any object of this shape works). */
export interface DataSourceLike {
  options: { type: string };
  query(sql: string, params?: unknown[]): Promise<unknown>;
  transaction<T>(work: (manager: { query: Query }) => Promise<T>): Promise<T>;
}

/**
 * A client over a TypeORM DataSource (`better-sqlite3` or `mysql`/`mariadb`), which may have no
 * entities. On SQLite the one connection is shared, so transactions take turns here.
 */
export function dataSourceClient(dataSource: DataSourceLike): SqlClient {
  const sqlite =
    dataSource.options.type === 'better-sqlite3' || dataSource.options.type === 'sqlite';
  let turn: Promise<unknown> = Promise.resolve();
  return {
    dialect: sqlite ? 'sqlite' : 'mysql',
    query: (sql, params) => dataSource.query(sql, params),
    transaction<T>(work: (query: Query) => Promise<T>): Promise<T> {
      const run = () => dataSource.transaction((m) => work((sql, params) => m.query(sql, params)));
      if (!sqlite) return run();
      const result = turn.then(run, run);
      turn = result.catch(() => undefined);
      return result;
    },
  };
}

/**
 * Instants as the portal's columns hold them (`datetime(3)`, UTC): written as
 * `YYYY-MM-DD HH:MM:SS.mmm` strings and read back formatted the same way, whatever the driver's
 * time zone setting.
 */
export function toSqlDate(date: Date): string {
  return date.toISOString().slice(0, 23).replace('T', ' ');
}

export function fromSqlDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return new Date(`${text.slice(0, 23).replace(' ', 'T')}Z`);
}

/** A datetime column selected as UTC text in either dialect. */
const dateColumn = (dialect: SqlClient['dialect'], column: string): string =>
  dialect === 'mysql' ? `DATE_FORMAT(${column}, '%Y-%m-%d %H:%i:%s.%f')` : column;

const num = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

const CHUNK = 500;

/** Keys in the portal's `api_keys` table (and `teams` for deleted teams). */
export class SqlKeyStore implements KeyStore {
  constructor(private readonly db: SqlClient) {}

  async findByHash(hash: string): Promise<KeyRecord | null> {
    const d = this.db.dialect;
    const rows = (await this.db.query(
      `SELECT id, teamId, environment, ${dateColumn(d, 'expiresAt')} AS expiresAt,
              ${dateColumn(d, 'revokedAt')} AS revokedAt, rateLimitPerMinute, monthlyRequestLimit
       FROM api_keys WHERE keyHash = ?`,
      [hash],
    )) as Array<Record<string, unknown>>;
    const row = rows[0];
    if (!row) return null;
    return {
      id: String(row.id),
      teamId: String(row.teamId),
      environment: String(row.environment) as KeyEnvironment,
      expiresAt: fromSqlDate(row.expiresAt),
      revokedAt: fromSqlDate(row.revokedAt),
      rateLimitPerMinute: num(row.rateLimitPerMinute),
      monthlyRequestLimit: num(row.monthlyRequestLimit),
    };
  }

  async teamsOf(keyIds: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let i = 0; i < keyIds.length; i += CHUNK) {
      const chunk = keyIds.slice(i, i + CHUNK);
      const rows = (await this.db.query(
        `SELECT k.id AS id, k.teamId AS teamId FROM api_keys k JOIN teams t ON t.id = k.teamId
         WHERE t.deletedAt IS NULL AND k.id IN (${placeholders(chunk.length)})`,
        chunk,
      )) as Array<{ id: string; teamId: string }>;
      for (const row of rows) found.set(String(row.id), String(row.teamId));
    }
    return found;
  }

  async revokedSince(since: Date): Promise<Array<{ id: string; revokedAt: Date }>> {
    const rows = (await this.db.query(
      `SELECT id, ${dateColumn(this.db.dialect, 'revokedAt')} AS revokedAt FROM api_keys WHERE revokedAt >= ?`,
      [toSqlDate(since)],
    )) as Array<{ id: string; revokedAt: unknown }>;
    return rows.map((r) => ({ id: String(r.id), revokedAt: fromSqlDate(r.revokedAt)! }));
  }

  async writeLastUsed(uses: ReadonlyArray<readonly [string, Date]>): Promise<void> {
    if (uses.length === 0) return;
    await this.db.transaction(async (query) => {
      for (const [id, at] of uses) {
        const when = toSqlDate(at);
        await query(
          'UPDATE api_keys SET lastUsedAt = ? WHERE id = ? AND (lastUsedAt IS NULL OR lastUsedAt < ?)',
          [when, id, when],
        );
      }
    });
  }
}

/**
 * The usage rollups (`usage_minutes`, `usage_hours`): batched multi-row upserts, one statement per
 * table and chunk, in one transaction; and the count a monthly limit starts from.
 */
export class SqlUsageWriter implements UsageWriter, UsageCounts {
  constructor(private readonly db: SqlClient) {}

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
    const hourly = [...hours.values()];
    await this.db.transaction(async (query) => {
      for (let i = 0; i < cells.length; i += CHUNK) {
        const chunk = cells.slice(i, i + CHUNK);
        await query(
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
      for (let i = 0; i < hourly.length; i += CHUNK) {
        const chunk = hourly.slice(i, i + CHUNK);
        await query(
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
    return this.db.dialect === 'mysql'
      ? `${insert} ON DUPLICATE KEY UPDATE requests = requests + VALUES(requests), errors = errors + VALUES(errors), latencyMs = latencyMs + VALUES(latencyMs)`
      : `${insert} ON CONFLICT (apiKeyId, ${bucket}, status) DO UPDATE SET requests = requests + excluded.requests, errors = errors + excluded.errors, latencyMs = latencyMs + excluded.latencyMs`;
  }

  async requestsSince(apiKeyId: string, minute: number): Promise<number> {
    // Whole hours from the hourly rollup, the partial first hour from the minutes.
    const firstFullHour = Math.ceil(minute / 60);
    type Sum = Array<{ n: number | string | null }>;
    const hours = (await this.db.query(
      'SELECT SUM(requests) AS n FROM usage_hours WHERE apiKeyId = ? AND hour >= ?',
      [apiKeyId, firstFullHour],
    )) as Sum;
    const minutes = (await this.db.query(
      'SELECT SUM(requests) AS n FROM usage_minutes WHERE apiKeyId = ? AND minute >= ? AND minute < ?',
      [apiKeyId, minute, firstFullHour * 60],
    )) as Sum;
    return Number(hours[0]?.n ?? 0) + Number(minutes[0]?.n ?? 0);
  }
}
