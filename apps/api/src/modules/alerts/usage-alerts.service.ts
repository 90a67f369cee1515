import { IsNull, MoreThan, Not, type EntityManager } from 'typeorm';
import type { Clock } from '../../core/clock';
import type { Database } from '../../core/db/database';
import { AppError, ErrorCode } from '../../core/errors';
import { newId } from '../../core/secrets';
import { ApiKey, KeyStatus, keyStatus } from '../api-keys/api-key.entity';
import { ApiKeyErrors } from '../api-keys/api-keys.errors';
import type { AuditService } from '../audit/audit.service';
import { policy } from '../teams/role';
import type { Caller, TeamAccess } from '../teams/team-access';
import { UsageAlert, UsageAlertKind } from './usage-alert.entity';
import { USAGE_ALERTS_PER_TEAM, UsageAlertErrors } from './usage-alerts.errors';
import type { CreateUsageAlertInput } from './usage-alerts.inputs';
import { RowsBy } from '../../core/db/rows-by';

export interface UsageAlertsDeps {
  db: Database;
  clock: Clock;
  audit: AuditService;
  access: TeamAccess;
}

/** A team's usage alerts: members read them, owners and admins create and delete them (audited). */
export class UsageAlertsService {
  /** A team's alerts, newest first (core/db/rows-by.ts). */
  private readonly teamAlerts: RowsBy<UsageAlert>;

  constructor(private readonly deps: UsageAlertsDeps) {
    this.teamAlerts = new RowsBy(deps.db.dataSource, UsageAlert, 'teamId', {
      coalesce: true,
      order: [
        ['createdAt', 'DESC'],
        ['id', 'ASC'],
      ],
    });
  }

  async list(caller: Caller, teamId: string): Promise<UsageAlert[]> {
    await this.deps.access.read(caller, teamId);
    return this.teamAlerts.read([teamId]);
  }

  async create(caller: Caller, input: CreateUsageAlertInput): Promise<UsageAlert> {
    const actor = await this.deps.access.require(
      caller,
      input.teamId,
      policy.manageKeys,
      'set usage alerts',
    );
    const now = this.deps.clock.now();
    const apiKeyId = input.apiKeyId ?? null;
    return this.deps.db.transaction(async (m) => {
      await this.deps.access.lockTeam(m, input.teamId);
      if (apiKeyId) {
        const key = await m.findOneBy(ApiKey, { id: apiKeyId, teamId: input.teamId });
        // Another team's key is answered like an unknown one.
        if (!key) throw ApiKeyErrors.notFound();
        if (keyStatus(key, now) !== KeyStatus.ACTIVE) throw UsageAlertErrors.keyNotActive();
        if (input.kind === UsageAlertKind.MONTHLY_QUOTA && key.monthlyRequestLimit === null)
          throw UsageAlertErrors.noMonthlyLimit();
      } else if (input.kind === UsageAlertKind.MONTHLY_QUOTA) {
        if (!(await this.hasKeyWithMonthlyLimit(m, input.teamId, now)))
          throw UsageAlertErrors.noKeyWithMonthlyLimit();
      }
      const existing = await m.find(UsageAlert, { where: { teamId: input.teamId } });
      if (existing.length >= USAGE_ALERTS_PER_TEAM) throw UsageAlertErrors.tooMany();
      if (
        existing.some(
          (a) =>
            a.apiKeyId === apiKeyId && a.kind === input.kind && a.threshold === input.threshold,
        )
      )
        throw UsageAlertErrors.duplicate();
      const alert: UsageAlert = {
        id: newId(),
        teamId: input.teamId,
        apiKeyId,
        kind: input.kind,
        threshold: input.threshold,
        createdAt: now,
        createdById: actor.userId,
        lastTriggeredAt: null,
      };
      await m.insert(UsageAlert, alert);
      await this.deps.audit.record(m, {
        teamId: input.teamId,
        actorUserId: actor.userId,
        action: 'usage_alert.created',
        targetType: 'usage_alert',
        targetId: alert.id,
        details: { kind: alert.kind, threshold: alert.threshold, apiKeyId },
      });
      return alert;
    });
  }

  /** NOT_FOUND for an alert of a team the caller is not in (or one already deleted). */
  async delete(caller: Caller, id: string): Promise<boolean> {
    const alert = await this.deps.db.repository(UsageAlert).findOneBy({ id });
    if (!alert) throw UsageAlertErrors.notFound();
    const actor = await this.deps.access
      .require(caller, alert.teamId, policy.manageKeys, 'delete usage alerts')
      .catch((error: unknown) => {
        throw error instanceof AppError && error.code === ErrorCode.NOT_FOUND
          ? UsageAlertErrors.notFound()
          : error;
      });
    await this.deps.db.transaction(async (m) => {
      const result = await m.delete(UsageAlert, { id, teamId: alert.teamId });
      if (!result.affected) throw UsageAlertErrors.notFound();
      await this.deps.audit.record(m, {
        teamId: alert.teamId,
        actorUserId: actor.userId,
        action: 'usage_alert.deleted',
        targetType: 'usage_alert',
        targetId: id,
        details: { kind: alert.kind, threshold: alert.threshold, apiKeyId: alert.apiKeyId },
      });
    });
    return true;
  }

  /** "Set up usage monitoring" on the guide's checklist: the team has at least one alert. */
  async exists(teamId: string): Promise<boolean> {
    return (await this.deps.db.repository(UsageAlert).countBy({ teamId })) > 0;
  }

  private async hasKeyWithMonthlyLimit(m: EntityManager, teamId: string, now: Date) {
    const keys = await m.find(ApiKey, {
      where: [
        { teamId, revokedAt: IsNull(), monthlyRequestLimit: Not(IsNull()), expiresAt: IsNull() },
        {
          teamId,
          revokedAt: IsNull(),
          monthlyRequestLimit: Not(IsNull()),
          expiresAt: MoreThan(now),
        },
      ],
      take: 1,
    });
    return keys.length > 0;
  }
}
