import type { KeyEnvironment } from './format';
import type {
  KeyRecord,
  KeyStore,
  Logger,
  RefusalSink,
  UsageCell,
  UsageCounts,
  UsageWriter,
} from './ports';

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

/** Refused requests of one revoked key, gathered between two writes. */
interface PendingRefusals {
  attempts: number;
  last: Date;
  /** Per client address, least recent first (bounded). */
  addresses: Map<string, { attempts: number; last: Date }>;
}

/** Distinct client addresses kept per incident: the most recent ones. */
export const REJECTED_ADDRESSES_KEPT = 20;
/** Bounds of what waits in memory between two writes. */
const PENDING_KEYS_MAX = 10_000;
const PENDING_ADDRESSES_PER_KEY = 50;

/**
 * Refused attempts with revoked keys, counted on the key's incidents (`key_incidents`, and the
 * most recent client addresses in `key_incident_addresses`): gathered in memory and written in one
 * transaction every second (and on stop), so someone hammering a revoked key costs one UPDATE per
 * key per second, not a write per request. Keys with no incident update no row.
 */
export class SqlRefusalSink implements RefusalSink {
  private pending = new Map<string, PendingRefusals>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private dropped = 0;

  constructor(
    private readonly db: SqlClient,
    private readonly options: { logger: Logger; flushMs?: number },
  ) {}

  refused(keyId: string, address: string | undefined, at: Date): void {
    let entry = this.pending.get(keyId);
    if (!entry) {
      if (this.pending.size >= PENDING_KEYS_MAX) {
        this.dropped++;
        return;
      }
      entry = { attempts: 0, last: at, addresses: new Map() };
      this.pending.set(keyId, entry);
    }
    entry.attempts++;
    if (at > entry.last) entry.last = at;
    if (address === undefined) return;
    // As stored (a forwarded-for value from an untrusted hop could be anything).
    address = address.slice(0, 64);
    const seen = entry.addresses.get(address);
    // Re-inserted so the map stays ordered from least to most recent.
    entry.addresses.delete(address);
    entry.addresses.set(address, {
      attempts: (seen?.attempts ?? 0) + 1,
      last: seen && seen.last > at ? seen.last : at,
    });
    if (entry.addresses.size > PENDING_ADDRESSES_PER_KEY)
      entry.addresses.delete(entry.addresses.keys().next().value!);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.options.flushMs ?? 1_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Writes what was gathered; one write at a time. On failure the counts are kept for the next. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.dropped > 0) {
      this.options.logger.warn(
        { dropped: this.dropped },
        'too many revoked keys refused at once: some refused attempts were not counted',
      );
      this.dropped = 0;
    }
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.db.transaction(async (query) => {
        for (const [keyId, entry] of batch) await this.writeKey(query, keyId, entry);
      });
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not count refused attempts; will retry');
      for (const [keyId, entry] of batch) this.merge(keyId, entry);
    }
  }

  private async writeKey(query: Query, keyId: string, entry: PendingRefusals): Promise<void> {
    const mysql = this.db.dialect === 'mysql';
    await query(
      `UPDATE key_incidents SET rejectedAttempts = rejectedAttempts + ?,
         lastRejectedAt = CASE WHEN lastRejectedAt IS NULL OR lastRejectedAt < ? THEN ? ELSE lastRejectedAt END
       WHERE apiKeyId = ?`,
      [entry.attempts, toSqlDate(entry.last), toSqlDate(entry.last), keyId],
    );
    if (entry.addresses.size === 0) return;
    for (const [address, seen] of entry.addresses) {
      const insert = `INSERT INTO key_incident_addresses (incidentId, address, attempts, lastSeenAt)
        SELECT id, ?, ?, ? FROM key_incidents WHERE apiKeyId = ?`;
      await query(
        mysql
          ? `${insert} ON DUPLICATE KEY UPDATE attempts = attempts + VALUES(attempts), lastSeenAt = GREATEST(lastSeenAt, VALUES(lastSeenAt))`
          : `${insert} ON CONFLICT (incidentId, address) DO UPDATE SET attempts = attempts + excluded.attempts, lastSeenAt = MAX(lastSeenAt, excluded.lastSeenAt)`,
        [address, seen.attempts, toSqlDate(seen.last), keyId],
      );
    }
    // Only the most recent addresses of each incident are kept.
    const crowded = (await query(
      `SELECT a.incidentId AS incidentId FROM key_incident_addresses a
         JOIN key_incidents i ON i.id = a.incidentId
       WHERE i.apiKeyId = ? GROUP BY a.incidentId HAVING COUNT(*) > ?`,
      [keyId, REJECTED_ADDRESSES_KEPT],
    )) as Array<{ incidentId: string }>;
    for (const { incidentId } of crowded) {
      const old = (await query(
        `SELECT address FROM key_incident_addresses WHERE incidentId = ?
         ORDER BY lastSeenAt DESC, address LIMIT 1000 OFFSET ${REJECTED_ADDRESSES_KEPT}`,
        [incidentId],
      )) as Array<{ address: string }>;
      if (old.length === 0) continue;
      await query(
        `DELETE FROM key_incident_addresses WHERE incidentId = ? AND address IN (${placeholders(old.length)})`,
        [incidentId, ...old.map((row) => String(row.address))],
      );
    }
  }

  /** Puts back counts that could not be written, within the same bounds. */
  private merge(keyId: string, entry: PendingRefusals): void {
    const current = this.pending.get(keyId);
    if (!current) {
      if (this.pending.size < PENDING_KEYS_MAX) this.pending.set(keyId, entry);
      return;
    }
    current.attempts += entry.attempts;
    if (entry.last > current.last) current.last = entry.last;
    for (const [address, seen] of entry.addresses) {
      if (current.addresses.size >= PENDING_ADDRESSES_PER_KEY && !current.addresses.has(address))
        continue;
      const now = current.addresses.get(address);
      current.addresses.set(address, {
        attempts: (now?.attempts ?? 0) + seen.attempts,
        last: now && now.last > seen.last ? now.last : seen.last,
      });
    }
  }
}
