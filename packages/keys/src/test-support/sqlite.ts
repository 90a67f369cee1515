import { createRequire } from 'node:module';

/** The part of better-sqlite3 the core's tests use (the package ships no types; it is the api's driver). */
export interface Statement {
  reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
}
export interface Sqlite {
  exec(sql: string): void;
  prepare(sql: string): Statement;
  close(): void;
}
export const BetterSqlite = createRequire(__filename)('better-sqlite3') as new (
  path: string,
) => Sqlite;
