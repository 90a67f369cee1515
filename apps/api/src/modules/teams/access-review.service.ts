import { IsNull } from 'typeorm';
import { addDays, type Clock } from '../../core/clock';
import type { Database } from '../../core/db/database';
import { AppError } from '../../core/errors';
import { User } from '../accounts/user.entity';
import { ApiKey, Environment, KeyStatus, keyStatus } from '../api-keys/api-key.entity';
import type { AuditService } from '../audit/audit.service';
import type { AccessReview } from './access-review.types';
import { Membership } from './membership.entity';
import { policy } from './role';
import type { Caller, TeamAccess } from './team-access';
import { INACTIVE_DAYS, REVIEW_NOTE_MAX } from './teams.inputs';

export interface AccessReviewDeps {
  db: Database;
  clock: Clock;
  audit: AuditService;
  access: TeamAccess;
  /** A key's last use, including uses not yet written to the database (the key module's view). */
  lastUsedAt: (key: ApiKey) => Date | null;
}

/** The review's fixed thresholds, in days (the contract's descriptions). */
export const REVIEW_RULES = {
  /** A used key is stale once it has not been used for this long. */
  unusedDays: 30,
  /** A key never used is stale this long after its creation. */
  neverUsedDays: 7,
  /** A key is "expiring" when it expires within this many days. */
  expiringWithinDays: 14,
} as const;

/**
 * The team's access review: who has not been active, which keys nobody uses, which expire soon
 * and which production keys never expire. Computed from live data on each read; a completed
 * review is only an audit event (`team.access_reviewed`), never a second copy.
 */
export class AccessReviewService {
  constructor(private readonly deps: AccessReviewDeps) {}

  /** Every member of the team and its own API keys may read it; anyone else gets NOT_FOUND. */
  async review(caller: Caller, teamId: string, inactiveDays: number): Promise<AccessReview> {
    await this.deps.access.read(caller, teamId);
    if (
      !Number.isInteger(inactiveDays) ||
      inactiveDays < INACTIVE_DAYS.min ||
      inactiveDays > INACTIVE_DAYS.max
    )
      throw AppError.badInput('inactiveDays', 'Ask for 1 to 3650 days of inactivity.');
    return this.compute(teamId, inactiveDays);
  }

  /** OWNER or ADMIN: records that the review was done, with an optional note. */
  async complete(caller: Caller, teamId: string, note: string | null): Promise<AccessReview> {
    const actor = await this.deps.access.require(
      caller,
      teamId,
      policy.reviewAccess,
      'complete access reviews',
    );
    const text = note?.trim() || null;
    if (text && text.length > REVIEW_NOTE_MAX)
      throw AppError.badInput('note', 'Keep the note to 1,000 characters.');
    const seen = await this.compute(teamId, INACTIVE_DAYS.default);
    await this.deps.db.transaction(async (m) => {
      await this.deps.access.lockTeam(m, teamId);
      await this.deps.audit.record(m, {
        teamId,
        actorUserId: actor.userId,
        action: 'team.access_reviewed',
        targetType: 'team',
        targetId: teamId,
        details: {
          note: text,
          inactiveDays: INACTIVE_DAYS.default,
          inactiveMembers: seen.inactiveMembers.map((m) => m.id),
          staleKeys: seen.staleKeys.map((k) => k.id),
          expiringKeys: seen.expiringKeys.map((k) => k.id),
          neverExpiringProductionKeys: seen.neverExpiringProductionKeys.map((k) => k.id),
        },
      });
    });
    return { ...seen, ...(await this.lastCompleted(teamId)) };
  }

  private async compute(teamId: string, inactiveDays: number): Promise<AccessReview> {
    const now = this.deps.clock.now();
    const [members, keys, last] = await Promise.all([
      this.deps.db.repository(Membership).find({
        where: { teamId },
        relations: { user: true },
        order: { joinedAt: 'ASC' },
      }),
      this.deps.db.repository(ApiKey).find({
        where: { teamId, revokedAt: IsNull() },
        order: { createdAt: 'ASC' },
      }),
      this.lastCompleted(teamId),
    ]);
    const inactiveSince = addDays(now, -inactiveDays);
    const active = keys.filter((k) => keyStatus(k, now) === KeyStatus.ACTIVE);
    // A key already replaced in a rotation is on its way out: its grace period is not a finding.
    const kept = active.filter((k) => !k.replacedById);
    return {
      inactiveMembers: members.filter(
        (m) => m.joinedAt < inactiveSince && (m.lastActiveAt ?? m.joinedAt) < inactiveSince,
      ),
      staleKeys: kept.filter((k) => {
        const used = this.deps.lastUsedAt(k);
        return used
          ? used < addDays(now, -REVIEW_RULES.unusedDays)
          : k.createdAt < addDays(now, -REVIEW_RULES.neverUsedDays);
      }),
      expiringKeys: kept.filter(
        (k) => k.expiresAt !== null && k.expiresAt <= addDays(now, REVIEW_RULES.expiringWithinDays),
      ),
      neverExpiringProductionKeys: active.filter(
        (k) => k.environment === Environment.PRODUCTION && k.expiresAt === null,
      ),
      ...last,
    };
  }

  private async lastCompleted(
    teamId: string,
  ): Promise<Pick<AccessReview, 'lastCompletedAt' | 'lastCompletedBy'>> {
    const event = await this.deps.audit.latest(teamId, 'team.access_reviewed');
    if (!event) return { lastCompletedAt: null, lastCompletedBy: null };
    const by = event.actorUserId
      ? await this.deps.db.repository(User).findOneBy({ id: event.actorUserId })
      : null;
    return { lastCompletedAt: event.createdAt, lastCompletedBy: by };
  }
}
