import { sharesTurns } from './core/db/turn-batch';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { Database } from './core/db/database';
import { sqlClient } from './core/db/sql-client';
import type { Redis } from 'ioredis';
import type { Live } from './core/live';
import { Revocations } from './core/revocations';
import { KeyLimits } from './modules/usage/key-limits';
import { UsageRecorder } from './modules/usage/usage.recorder';
import { ForeignTicks } from './modules/usage/foreign-ticks';
import { SqlUsageStore } from './modules/usage/usage-store';
import { UsageService } from './modules/usage/usage.service';
import { UsageAlertsService } from './modules/alerts/usage-alerts.service';
import { UsageAlertsJob } from './modules/alerts/usage-alerts.job';
import { createScheduler } from './modules/jobs/jobs';
import type { Scheduler } from './modules/jobs/scheduler';
import { ApiKeyAuthenticator } from './modules/api-keys/api-key-authenticator';
import { ApiKeysService } from './modules/api-keys/api-keys.service';
import { KeyIncidentsService } from './modules/api-keys/key-incidents.service';
import { AuditService } from './modules/audit/audit.service';
import { InvitationsService } from './modules/invitations/invitations.service';
import { TeamAccess } from './modules/teams/team-access';
import { AccessReviewService } from './modules/teams/access-review.service';
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
  accessReview: AccessReviewService;
  invitations: InvitationsService;
  apiKeys: ApiKeysService;
  apiKeyAuth: ApiKeyAuthenticator;
  /** Compromised keys: reports, secret-scanning finds, refused attempts. */
  keyIncidents: KeyIncidentsService;
  usage: UsageService;
  usageRecorder: UsageRecorder;
  /** Without Redis: live ticks for usage other processes (gateways) wrote. */
  foreignTicks: ForeignTicks | undefined;
  keyLimits: KeyLimits;
  /** Ended credentials and memberships, heard by every process. */
  revocations: Revocations;
  usageAlerts: UsageAlertsService;
  /** Scheduled work (reminders, digests, alert checks), claimed in the database; `runDueJobs()` runs a pass now. */
  jobs: Scheduler;
}

export interface Infrastructure {
  config: Config;
  dataSource: DataSource;
  clock: Clock;
  mailer: Mailer;
  limits: RateLimits;
  logger: Logger;
  live: Live;
  redis: Redis | undefined;
}

export function createServices(infra: Infrastructure): Services {
  const { config, dataSource, clock, mailer, limits, logger, live, redis } = infra;
  const db = new Database(dataSource);
  const revocations = new Revocations(live);
  const access = new TeamAccess(db, clock, logger);
  const audit = new AuditService(db, clock);
  const sql = sqlClient(db);
  const usageStore = new SqlUsageStore(db, sql);
  // Without Redis, other processes' ticks (a gateway's) cannot arrive: read them from the rollups.
  const foreignTicks = redis
    ? undefined
    : new ForeignTicks({ sql, clock, logger, publish: (delta) => usage.publish(delta) });
  const usageRecorder = new UsageRecorder({
    store: foreignTicks ? foreignTicks.wrap(usageStore) : usageStore,
    clock,
    logger,
    minuteRetentionDays: config.usageMinuteRetentionDays,
    onTick: (delta) => usage.publish(delta),
  });
  const keyLimits = new KeyLimits({
    redis,
    prefix: config.redisPrefix,
    clock,
    store: usageStore,
    recorder: usageRecorder,
  });
  const apiKeyAuth = new ApiKeyAuthenticator({
    sql,
    clock,
    revocations,
    limits,
    keyLimits,
    recorder: usageRecorder,
    logger,
    lastUsedWriteMs: config.keyLastUsedWriteSeconds * 1000,
  });
  const apiKeys = new ApiKeysService({
    db,
    clock,
    audit,
    access,
    authenticator: apiKeyAuth,
    gatewayUrl: config.gatewayPublicUrl,
  });
  const usage = new UsageService({
    store: usageStore,
    access,
    apiKeys,
    live,
    clock,
    shareReads: sharesTurns(db.dataSource),
  });
  const usageAlerts = new UsageAlertsService({ db, clock, audit, access });
  const jobs = createScheduler({
    db,
    clock,
    logger,
    mailer,
    publicUrl: config.publicUrl,
    intervalSeconds: config.jobsIntervalSeconds,
    more: [new UsageAlertsJob({ db, mailer, publicUrl: config.publicUrl, logger })],
  });
  return {
    accounts: new AccountsService({
      db,
      clock,
      mailer,
      limits,
      logger,
      revocations,
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
      limits,
      revocations,
      teamsPerPersonPerHour: config.teamsPerHour,
      onTeamDeleted: (m, teamId) => apiKeys.revokeAllOfTeam(m, teamId),
      keys: apiKeys,
    }),
    accessReview: new AccessReviewService({
      db,
      clock,
      audit,
      access,
      lastUsedAt: (key) => apiKeys.lastUsedAt(key),
    }),
    apiKeys,
    apiKeyAuth,
    keyIncidents: new KeyIncidentsService({
      db,
      clock,
      audit,
      access,
      apiKeys,
      mailer,
      logger,
      publicUrl: config.publicUrl,
      supportEmail: config.supportEmail,
    }),
    usage,
    usageRecorder,
    foreignTicks,
    revocations,
    keyLimits,
    usageAlerts,
    jobs,
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
      invitationsPerInviterPerHour: config.invitationsPerInviterPerHour,
    }),
  };
}
