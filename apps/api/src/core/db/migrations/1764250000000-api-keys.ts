import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col, foreignKey } from './columns';

export class ApiKeys1764250000000 implements MigrationInterface {
  name = 'ApiKeys1764250000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          col.id(),
          col.ref('teamId'),
          col.text('name', 80),
          col.text('description', 500, true),
          col.text('environment', 12),
          col.text('start', 20),
          col.hash('keyHash'),
          col.time('createdAt'),
          col.ref('createdById', true),
          { name: 'expirationDays', type: 'integer', isNullable: true },
          col.time('expiresAt', true),
          col.time('lastUsedAt', true),
          col.time('revokedAt', true),
          col.ref('revokedById', true),
          { name: 'monthlyRequestLimit', type: 'bigint', isNullable: true },
          { name: 'rateLimitPerMinute', type: 'integer', isNullable: true },
          col.ref('replacesId', true),
          col.ref('replacedById', true),
        ],
        indices: [
          new TableIndex({ name: 'UQ_api_keys_keyHash', columnNames: ['keyHash'], isUnique: true }),
          new TableIndex({ name: 'IDX_api_keys_team', columnNames: ['teamId', 'createdAt'] }),
        ],
        foreignKeys: [
          foreignKey('FK_api_keys_team', 'teamId', 'teams', 'CASCADE'),
          foreignKey('FK_api_keys_createdBy', 'createdById', 'users', 'SET NULL'),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('api_keys');
  }
}
