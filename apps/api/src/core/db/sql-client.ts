import type { Query, SqlClient } from '@partner-portal/keys';
import type { Database } from './database';

/**
 * The portal's database as the shared core's minimal SQL client: reads on the data source, writes
 * through `Database.transaction` (on SQLite they take turns with every other write of the portal).
 */
export function sqlClient(db: Database): SqlClient {
  return {
    dialect: db.isMySql ? 'mysql' : 'sqlite',
    query: (sql, params) => db.manager.query(sql, params),
    transaction: <T>(work: (query: Query) => Promise<T>) =>
      db.transaction((m) => work((sql, params) => m.query(sql, params))),
  };
}
