import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './columns';

/**
 * Usage rollups, one row per key, time bucket and HTTP status: per minute (pruned after the
 * retention period) and per hour (kept). Buckets are whole minutes/hours since the Unix epoch,
 * integers, so they mean the same on SQLite and MySQL whatever the time zone.
 */
const rollup = (name: string, bucket: string) =>
  new Table({
    name,
    columns: [
      { ...col.ref('apiKeyId'), isPrimary: true },
      { name: bucket, type: 'integer', isPrimary: true },
      { name: 'status', type: 'integer', isPrimary: true },
      col.ref('teamId'),
      { name: 'requests', type: 'bigint', default: 0 },
      { name: 'errors', type: 'bigint', default: 0 },
      { name: 'latencyMs', type: 'bigint', default: 0 },
    ],
    indices: [
      new TableIndex({ name: `IDX_${name}_team_${bucket}`, columnNames: ['teamId', bucket] }),
    ],
  });

export class Usage1764260000000 implements MigrationInterface {
  name = 'Usage1764260000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(rollup('usage_minutes', 'minute'));
    await q.createTable(rollup('usage_hours', 'hour'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('usage_hours');
    await q.dropTable('usage_minutes');
  }
}
