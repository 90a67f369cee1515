import { Mutex } from 'async-mutex';
import type {
  DataSource,
  EntityManager,
  EntityTarget,
  ObjectLiteral,
  SelectQueryBuilder,
} from 'typeorm';

/**
 * The data source plus the one way to write. TypeORM's better-sqlite3 driver shares a single
 * connection, so two concurrent transactions would interleave into one (and a rollback would
 * undo the other's writes): on SQLite, transactions take turns behind a mutex. On MySQL each
 * transaction has its own pooled connection, and `forUpdate` takes real row locks.
 */
export class Database {
  private readonly sqliteTurns: Mutex | undefined;

  constructor(readonly dataSource: DataSource) {
    this.sqliteTurns = dataSource.options.type === 'better-sqlite3' ? new Mutex() : undefined;
  }

  get isMySql(): boolean {
    return this.sqliteTurns === undefined;
  }

  /**
   * Every write goes through here, even a single statement, so SQLite never mixes it into another
   * transaction. On SQLite another process (a gateway counting usage, last uses and refused
   * attempts) may commit between a transaction's first read and its first write: SQLite then
   * refuses the write at once with SQLITE_BUSY_SNAPSHOT (the busy timeout does not apply), and
   * the whole transaction is run again, a few times, after a short pause.
   */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.sqliteTurns) return this.dataSource.transaction(work);
    return this.sqliteTurns.runExclusive(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.dataSource.transaction(work);
        } catch (error) {
          if (attempt >= SQLITE_BUSY_ATTEMPTS || !isSqliteBusy(error)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 10));
        }
      }
    });
  }

  /** Reads (outside transactions). */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  repository<E extends ObjectLiteral>(entity: EntityTarget<E>) {
    return this.dataSource.getRepository(entity);
  }

  /**
   * `SELECT … FOR UPDATE` on MySQL/MariaDB; on SQLite the transaction already holds the only
   * write turn, so no lock clause is needed (nor supported).
   */
  forUpdate<E extends ObjectLiteral>(query: SelectQueryBuilder<E>): SelectQueryBuilder<E> {
    return this.isMySql ? query.setLock('pessimistic_write') : query;
  }
}

const SQLITE_BUSY_ATTEMPTS = 8;

/** better-sqlite3's SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT…), bare or wrapped by TypeORM. */
export function isSqliteBusy(error: unknown): boolean {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
