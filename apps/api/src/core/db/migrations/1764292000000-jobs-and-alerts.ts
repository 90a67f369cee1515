import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col, foreignKey } from './columns';

/**
 * Scheduled work and usage alerts.
 * - `job_claims`: one row per unit of scheduled work (a reminder to one person, a digest, an
 *   alert's mail). The primary key is the work's name, so exactly one process can insert it and
 *   do the work; the row then says whether it was done or failed (retried later) and, while
 *   running, until when its owner holds it (a dead owner's claim is retaken after that).
 * - `usage_alerts` and `usage_alert_states`: the alerts a team set, and per alert and watched
 *   subject (a key, or the whole team) whether it is armed and how many crossings it has mailed.
 * - An index on keys' expiry, for the reminders' look-up on every tick. (The review reminder's
 *   "latest team.access_reviewed event of a team" uses IDX_audit_events_team_action_seq, made by
 *   the team-safety migration.)
 */
export class JobsAndAlerts1764292000000 implements MigrationInterface {
  name = 'JobsAndAlerts1764292000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'job_claims',
        columns: [
          { ...col.text('claimKey', 160), isPrimary: true },
          col.text('status', 10),
          col.ref('token'),
          { name: 'attempts', type: 'integer', default: 0 },
          col.time('claimedAt'),
          col.time('leaseUntil'),
          col.time('nextAttemptAt', true),
          col.time('finishedAt', true),
          col.text('lastError', 300, true),
        ],
        indices: [new TableIndex({ name: 'IDX_job_claims_claimedAt', columnNames: ['claimedAt'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'usage_alerts',
        columns: [
          col.id(),
          col.ref('teamId'),
          col.ref('apiKeyId', true),
          col.text('kind', 20),
          { name: 'threshold', type: 'double' },
          col.time('createdAt'),
          col.ref('createdById', true),
          col.time('lastTriggeredAt', true),
        ],
        indices: [
          new TableIndex({ name: 'IDX_usage_alerts_team', columnNames: ['teamId', 'createdAt'] }),
        ],
        foreignKeys: [
          foreignKey('FK_usage_alerts_team', 'teamId', 'teams', 'CASCADE'),
          foreignKey('FK_usage_alerts_key', 'apiKeyId', 'api_keys', 'CASCADE'),
          foreignKey('FK_usage_alerts_createdBy', 'createdById', 'users', 'SET NULL'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'usage_alert_states',
        columns: [
          { ...col.ref('alertId'), isPrimary: true },
          { ...col.ref('subject'), isPrimary: true },
          { name: 'armed', type: 'integer', default: 1 },
          { name: 'crossings', type: 'integer', default: 0 },
          { name: 'notifiedCrossings', type: 'integer', default: 0 },
          { name: 'lastValue', type: 'double', isNullable: true },
          col.time('lastTriggeredAt', true),
        ],
        foreignKeys: [
          foreignKey('FK_usage_alert_states_alert', 'alertId', 'usage_alerts', 'CASCADE'),
        ],
      }),
    );
    await q.createIndex(
      'api_keys',
      new TableIndex({ name: 'IDX_api_keys_expiresAt', columnNames: ['expiresAt'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('api_keys', 'IDX_api_keys_expiresAt');
    await q.dropTable('usage_alert_states');
    await q.dropTable('usage_alerts');
    await q.dropTable('job_claims');
  }
}
