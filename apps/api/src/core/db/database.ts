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

  /** Every write goes through here, even a single statement, so SQLite never mixes it into another transaction. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.sqliteTurns) return this.dataSource.transaction(work);
    return this.sqliteTurns.runExclusive(() => this.dataSource.transaction(work));
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
