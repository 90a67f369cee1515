import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col, foreignKey } from './columns';

export class Teams1764240000000 implements MigrationInterface {
  name = 'Teams1764240000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'teams',
        columns: [
          col.id(),
          col.text('name', 80),
          col.text('description', 500, true),
          col.time('createdAt'),
          col.time('deletedAt', true),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'memberships',
        columns: [
          col.id(),
          col.ref('teamId'),
          col.ref('userId'),
          col.text('role', 10),
          col.time('joinedAt'),
          col.time('lastActiveAt', true),
        ],
        indices: [
          new TableIndex({
            name: 'UQ_memberships_team_user',
            columnNames: ['teamId', 'userId'],
            isUnique: true,
          }),
          new TableIndex({ name: 'IDX_memberships_userId', columnNames: ['userId'] }),
        ],
        foreignKeys: [
          foreignKey('FK_memberships_team', 'teamId', 'teams', 'CASCADE'),
          foreignKey('FK_memberships_user', 'userId', 'users', 'CASCADE'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'invitations',
        columns: [
          col.id(),
          col.ref('teamId'),
          col.text('email', 254),
          col.text('role', 10),
          col.text('message', 1000, true),
          col.ref('invitedById', true),
          col.hash('tokenHash'),
          col.time('createdAt'),
          col.time('expiresAt'),
          col.time('acceptedAt', true),
          col.ref('acceptedById', true),
          col.time('revokedAt', true),
        ],
        indices: [
          new TableIndex({
            name: 'UQ_invitations_tokenHash',
            columnNames: ['tokenHash'],
            isUnique: true,
          }),
          new TableIndex({ name: 'IDX_invitations_team_email', columnNames: ['teamId', 'email'] }),
        ],
        foreignKeys: [
          foreignKey('FK_invitations_team', 'teamId', 'teams', 'CASCADE'),
          foreignKey('FK_invitations_invitedBy', 'invitedById', 'users', 'SET NULL'),
          foreignKey('FK_invitations_acceptedBy', 'acceptedById', 'users', 'SET NULL'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          {
            name: 'seq',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { ...col.ref('id'), isUnique: false },
          col.ref('teamId'),
          col.text('action', 64),
          col.ref('actorUserId', true),
          col.ref('actorApiKeyId', true),
          col.text('targetType', 32, true),
          col.ref('targetId', true),
          { name: 'details', type: 'text', isNullable: true },
          col.time('createdAt'),
        ],
        indices: [
          new TableIndex({ name: 'UQ_audit_events_id', columnNames: ['id'], isUnique: true }),
          new TableIndex({ name: 'IDX_audit_events_team_seq', columnNames: ['teamId', 'seq'] }),
          new TableIndex({
            name: 'IDX_audit_events_team_actor_seq',
            columnNames: ['teamId', 'actorUserId', 'seq'],
          }),
        ],
        foreignKeys: [
          foreignKey('FK_audit_events_team', 'teamId', 'teams', 'CASCADE'),
          foreignKey('FK_audit_events_actor', 'actorUserId', 'users', 'SET NULL'),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['audit_events', 'invitations', 'memberships', 'teams'])
      await q.dropTable(table);
  }
}
