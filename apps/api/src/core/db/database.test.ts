import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source';
import { Database } from './database';

/**
 * Another process writing to the portal's SQLite file (a gateway) can commit between a
 * transaction's read and its write; SQLite then refuses the write with SQLITE_BUSY_SNAPSHOT. The
 * gateway tests and bench met it as INTERNAL_SERVER_ERROR from createApiKey.
 */
describe('Database.transaction on SQLite with another writer', () => {
  let dir: string;
  let dataSource: DataSource;
  /** A second connection to the same file, standing for the other process. */
  let other: DataSource;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pp-db-'));
    const file = path.join(dir, 'portal.sqlite');
    dataSource = createDataSource({ type: 'sqlite', path: file });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE t (x TEXT)');
    other = createDataSource({ type: 'sqlite', path: file });
    await other.initialize();
  });
  afterEach(async () => {
    await other.destroy();
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const readThenWrite = (db: Database | DataSource, attempts: { n: number }) =>
    db.transaction(async (m) => {
      attempts.n++;
      await m.query('SELECT count(*) AS n FROM t');
      // The other process commits here, on the first attempt only.
      if (attempts.n === 1) await other.query(`INSERT INTO t (x) VALUES ('gateway')`);
      await m.query(`INSERT INTO t (x) VALUES ('portal')`);
    });

  it('without the retry, SQLite refuses the write (the failure this guards against)', async () => {
    await expect(readThenWrite(dataSource, { n: 0 })).rejects.toMatchObject({
      driverError: { code: 'SQLITE_BUSY_SNAPSHOT' },
    });
  });

  it('runs the transaction again and commits both writes', async () => {
    const attempts = { n: 0 };
    await readThenWrite(new Database(dataSource), attempts);
    expect(attempts.n).toBe(2);
    const rows: Array<{ x: string }> = await dataSource.query('SELECT x FROM t ORDER BY rowid');
    expect(rows.map((r) => r.x)).toEqual(['gateway', 'portal']);
  });

  it('does not retry other errors', async () => {
    const attempts = { n: 0 };
    await expect(
      new Database(dataSource).transaction(async (m) => {
        attempts.n++;
        await m.query('INSERT INTO missing_table (x) VALUES (1)');
      }),
    ).rejects.toThrow(/no such table/);
    expect(attempts.n).toBe(1);
  });
});

/** mysql2 captures a stack trace per query unless `trace` is false (TypeORM passes it through). */
const onMySql = process.env.DATABASE_URL?.startsWith('mysql') ? describe : describe.skip;
onMySql('the MySQL pool', () => {
  it('captures no stack per query, and a failed query still names its caller', async () => {
    const dataSource = createDataSource({ type: 'mysql', url: process.env.DATABASE_URL! });
    await dataSource.initialize();
    try {
      const pool = (
        dataSource.driver as unknown as {
          pool: { config: { connectionConfig: { trace: boolean } } };
        }
      ).pool;
      expect(pool.config.connectionConfig.trace).toBe(false);
      const failing = async function aCallerOfTheQuery() {
        await dataSource.query('SELECT * FROM no_such_table_here');
      };
      const error = await failing().then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(error?.name).toBe('QueryFailedError');
      expect(error?.stack).toContain('aCallerOfTheQuery');
    } finally {
      await dataSource.destroy();
    }
  });
});
