import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * While Redis pub/sub is down, every process polls for keys and sessions revoked in the last
 * seconds (core/revocation-poller.ts) twice a second: these indexes keep each poll a range scan.
 */
export class RevocationIndexes1764275000000 implements MigrationInterface {
  name = 'RevocationIndexes1764275000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex(
      'api_keys',
      new TableIndex({ name: 'IDX_api_keys_revokedAt', columnNames: ['revokedAt'] }),
    );
    await q.createIndex(
      'sessions',
      new TableIndex({ name: 'IDX_sessions_revokedAt', columnNames: ['revokedAt'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('sessions', 'IDX_sessions_revokedAt');
    await q.dropIndex('api_keys', 'IDX_api_keys_revokedAt');
  }
}
