import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from './columns';

/**
 * Team safety (issue 10): the team's guidelines and when they last changed, each member's
 * acknowledgement of them, and indexes for the access review (a team's latest
 * `team.access_reviewed` event, the keys a member created) and the audit export.
 */
export class TeamSafety1764290000000 implements MigrationInterface {
  name = 'TeamSafety1764290000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'teams',
      new TableColumn({ name: 'guidelines', type: 'text', isNullable: true }),
    );
    await q.addColumn('teams', new TableColumn(col.time('guidelinesUpdatedAt', true)));
    await q.addColumn('memberships', new TableColumn(col.time('guidelinesAcknowledgedAt', true)));
    await q.createIndex(
      'audit_events',
      new TableIndex({
        name: 'IDX_audit_events_team_action_seq',
        columnNames: ['teamId', 'action', 'seq'],
      }),
    );
    await q.createIndex(
      'api_keys',
      new TableIndex({ name: 'IDX_api_keys_team_creator', columnNames: ['teamId', 'createdById'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('api_keys', 'IDX_api_keys_team_creator');
    await q.dropIndex('audit_events', 'IDX_audit_events_team_action_seq');
    await q.dropColumn('memberships', 'guidelinesAcknowledgedAt');
    await q.dropColumn('teams', 'guidelinesUpdatedAt');
    await q.dropColumn('teams', 'guidelines');
  }
}
