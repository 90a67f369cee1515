import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { Database } from './core/db/database';
import type { Bus } from './core/bus';
import { ApiKeyAuthenticator } from './modules/api-keys/api-key-authenticator';
import { ApiKeysService } from './modules/api-keys/api-keys.service';
import { AuditService } from './modules/audit/audit.service';
import { InvitationsService } from './modules/invitations/invitations.service';
import { TeamAccess } from './modules/teams/team-access';
import { TeamsService } from './modules/teams/teams.service';
import type { Config } from './config';
import type { Clock } from './core/clock';
import type { Mailer } from './core/mail';
import type { RateLimits } from './core/rate-limit';
import { AccountsService } from './modules/accounts/accounts.service';

/** The domain services, built once per process and reached by resolvers through the context. */
export interface Services {
  accounts: AccountsService;
  access: TeamAccess;
  audit: AuditService;
  teams: TeamsService;
  invitations: InvitationsService;
  apiKeys: ApiKeysService;
  apiKeyAuth: ApiKeyAuthenticator;
}

export interface Infrastructure {
  config: Config;
  dataSource: DataSource;
  clock: Clock;
  mailer: Mailer;
  limits: RateLimits;
  logger: Logger;
  bus: Bus;
}

export function createServices(infra: Infrastructure): Services {
  const { config, dataSource, clock, mailer, limits, logger, bus } = infra;
  const db = new Database(dataSource);
  const access = new TeamAccess(db, clock, logger);
  const audit = new AuditService(db, clock);
  const apiKeyAuth = new ApiKeyAuthenticator(db, clock, bus, logger);
  const apiKeys = new ApiKeysService({ db, clock, audit, access, authenticator: apiKeyAuth });
  return {
    accounts: new AccountsService({
      db,
      clock,
      mailer,
      limits,
      logger,
      jwtSecret: config.jwtSecret,
      sessionTtlHours: config.sessionTtlHours,
      publicUrl: config.publicUrl,
    }),
    access,
    audit,
    teams: new TeamsService({
      db,
      clock,
      audit,
      access,
      onTeamDeleted: (m, teamId) => apiKeys.revokeAllOfTeam(m, teamId),
    }),
    apiKeys,
    apiKeyAuth,
    invitations: new InvitationsService({
      db,
      clock,
      mailer,
      limits,
      audit,
      access,
      logger,
      publicUrl: config.publicUrl,
      invitationsPerHour: config.invitationsPerHour,
    }),
  };
}
