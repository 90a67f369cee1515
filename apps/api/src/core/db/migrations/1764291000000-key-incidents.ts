import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col, foreignKey } from './columns';

/**
 * Keys reported as compromised (by a person or a secret scanner), the refused attempts made with
 * them afterwards and the most recent client addresses those came from; and when a key's secret
 * was acknowledged as stored.
 */
export class KeyIncidents1764291000000 implements MigrationInterface {
  name = 'KeyIncidents1764291000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'key_incidents',
        columns: [
          col.id(),
          col.ref('teamId'),
          col.ref('apiKeyId'),
          col.ref('reportedById', true),
          col.text('source', 20),
          col.text('action', 10),
          col.text('details', 2000, true),
          col.text('foundAt', 2048, true),
          col.time('createdAt'),
          { name: 'rejectedAttempts', type: 'bigint', default: 0 },
          col.time('lastRejectedAt', true),
        ],
        indices: [
          new TableIndex({ name: 'IDX_key_incidents_team', columnNames: ['teamId', 'createdAt'] }),
          new TableIndex({ name: 'IDX_key_incidents_key', columnNames: ['apiKeyId', 'createdAt'] }),
        ],
        foreignKeys: [
          foreignKey('FK_key_incidents_team', 'teamId', 'teams', 'CASCADE'),
          foreignKey('FK_key_incidents_key', 'apiKeyId', 'api_keys', 'CASCADE'),
          foreignKey('FK_key_incidents_reportedBy', 'reportedById', 'users', 'SET NULL'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'key_incident_addresses',
        columns: [
          { ...col.ref('incidentId'), isPrimary: true },
          { ...col.text('address', 64), isPrimary: true },
          { name: 'attempts', type: 'bigint', default: 0 },
          col.time('lastSeenAt'),
        ],
        indices: [
          new TableIndex({
            name: 'IDX_key_incident_addresses_seen',
            columnNames: ['incidentId', 'lastSeenAt'],
          }),
        ],
        foreignKeys: [
          foreignKey(
            'FK_key_incident_addresses_incident',
            'incidentId',
            'key_incidents',
            'CASCADE',
          ),
        ],
      }),
    );
    await q.addColumn(
      'api_keys',
      new TableColumn({ ...col.time('secretStoredAt', true), name: 'secretStoredAt' }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('api_keys', 'secretStoredAt');
    await q.dropTable('key_incident_addresses');
    await q.dropTable('key_incidents');
  }
}
