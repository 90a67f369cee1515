import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col, foreignKey } from './columns';

export class Accounts1764230000000 implements MigrationInterface {
  name = 'Accounts1764230000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          col.id(),
          col.text('email', 254),
          col.text('name', 100),
          col.text('passwordHash', 255),
          col.time('createdAt'),
        ],
        indices: [
          new TableIndex({ name: 'UQ_users_email', columnNames: ['email'], isUnique: true }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'sessions',
        columns: [
          col.id(),
          col.ref('userId'),
          col.time('createdAt'),
          col.time('expiresAt'),
          col.time('revokedAt', true),
          col.text('ip', 64, true),
          col.text('userAgent', 255, true),
        ],
        indices: [new TableIndex({ name: 'IDX_sessions_userId', columnNames: ['userId'] })],
        foreignKeys: [foreignKey('FK_sessions_user', 'userId', 'users', 'CASCADE')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'password_resets',
        columns: [
          col.id(),
          col.ref('userId'),
          col.hash('tokenHash'),
          col.time('createdAt'),
          col.time('expiresAt'),
          col.time('usedAt', true),
        ],
        indices: [
          new TableIndex({
            name: 'UQ_password_resets_tokenHash',
            columnNames: ['tokenHash'],
            isUnique: true,
          }),
          new TableIndex({ name: 'IDX_password_resets_userId', columnNames: ['userId'] }),
        ],
        foreignKeys: [foreignKey('FK_password_resets_user', 'userId', 'users', 'CASCADE')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('password_resets');
    await q.dropTable('sessions');
    await q.dropTable('users');
  }
}
