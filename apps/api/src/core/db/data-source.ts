import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { Config } from '../../config';
import { PasswordReset } from '../../modules/accounts/password-reset.entity';
import { Session } from '../../modules/accounts/session.entity';
import { User } from '../../modules/accounts/user.entity';
import { Accounts1764230000000 } from './migrations/1764230000000-accounts';
import { Teams1764240000000 } from './migrations/1764240000000-teams';
import { ApiKeys1764250000000 } from './migrations/1764250000000-api-keys';
import { Usage1764260000000 } from './migrations/1764260000000-usage';
import { RevocationIndexes1764275000000 } from './migrations/1764275000000-revocation-indexes';
import { TeamSafety1764290000000 } from './migrations/1764290000000-team-safety';
import { KeyIncidents1764291000000 } from './migrations/1764291000000-key-incidents';
import { JobsAndAlerts1764292000000 } from './migrations/1764292000000-jobs-and-alerts';
import { JobClaim } from '../../modules/jobs/job-claim.entity';
import { UsageAlert, UsageAlertState } from '../../modules/alerts/usage-alert.entity';
import { ApiKey } from '../../modules/api-keys/api-key.entity';
import { KeyIncident, RejectedAddress } from '../../modules/api-keys/key-incident.entity';
import { AuditEvent } from '../../modules/audit/audit-event.entity';
import { Invitation } from '../../modules/invitations/invitation.entity';
import { Membership } from '../../modules/teams/membership.entity';
import { Team } from '../../modules/teams/team.entity';

export const entities = [
  User,
  Session,
  PasswordReset,
  Team,
  Membership,
  Invitation,
  AuditEvent,
  ApiKey,
  KeyIncident,
  RejectedAddress,
  JobClaim,
  UsageAlert,
  UsageAlertState,
];
export const migrations = [
  Accounts1764230000000,
  Teams1764240000000,
  ApiKeys1764250000000,
  Usage1764260000000,
  RevocationIndexes1764275000000,
  TeamSafety1764290000000,
  KeyIncidents1764291000000,
  JobsAndAlerts1764292000000,
];

/** One data source for both databases; the schema comes only from migrations. */
export function createDataSource(database: Config['database']): DataSource {
  const common = {
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    logging: false,
  } as const;
  let options: DataSourceOptions;
  if (database.type === 'sqlite') {
    mkdirSync(path.dirname(database.path), { recursive: true });
    options = {
      ...common,
      type: 'better-sqlite3',
      database: database.path,
      // WAL lets readers go on while one writer writes; wait instead of failing when the file is busy.
      prepareDatabase: (db: { pragma: (sql: string) => unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 5000');
        db.pragma('foreign_keys = ON');
      },
    };
  } else {
    options = {
      ...common,
      type: 'mysql',
      url: database.url,
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      poolSize: 10,
      // A database that does not answer fails a request in 5 s (503), not the driver's 10 s.
      connectTimeout: 5_000,
      // mysql2's "long stack traces" (on unless false) capture a stack for every query through its
      // promise API, which TypeORM's query runner uses, only to graft it onto a failed query's
      // error. TypeORM wraps that error in QueryFailedError with a stack of its own (and Node's
      // async stack traces reach the caller), so the capture is pure cost on every read.
      trace: false,
    };
  }
  return new DataSource(options);
}

/** The database did not answer at start: the portal stops with this one line. */
export class DatabaseUnavailable extends Error {
  constructor(database: Config['database'], reason: string) {
    super(`Database at ${describeDatabase(database)} does not answer: ${reason}`);
    this.name = 'DatabaseUnavailable';
  }
}

/** The database's URL without its password (or the SQLite file). */
export function describeDatabase(database: Config['database']): string {
  if (database.type === 'sqlite') return `sqlite:${database.path}`;
  try {
    const url = new URL(database.url);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'the configured URL';
  }
}

/** Connects and applies any pending migrations; returns how many ran. */
export async function openDatabase(
  database: Config['database'],
): Promise<{ dataSource: DataSource; applied: number }> {
  const dataSource = createDataSource(database);
  try {
    await dataSource.initialize();
  } catch (error) {
    throw new DatabaseUnavailable(database, error instanceof Error ? error.message : String(error));
  }
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return { dataSource, applied: applied.length };
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}
