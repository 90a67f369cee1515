import type { EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import type { Clock } from '../../core/clock';
import type { Database } from '../../core/db/database';
import { AppError, ErrorCode } from '../../core/errors';
import type { LimitRule, RateLimits } from '../../core/rate-limit';
import type { Revocations } from '../../core/revocations';
import { newId } from '../../core/secrets';
import { User } from '../accounts/user.entity';
import { ApiKey, KeyStatus, keyStatus } from '../api-keys/api-key.entity';
import type { ApiKeysService } from '../api-keys/api-keys.service';
import type { AuditService } from '../audit/audit.service';
import { Invitation } from '../invitations/invitation.entity';
import { Membership } from './membership.entity';
import { policy, Role } from './role';
import type { Caller, TeamAccess } from './team-access';
import { Team } from './team.entity';
import { TeamErrors } from './teams.errors';
import { DepartingMemberKeys, type CreateTeamInput, type UpdateTeamInput } from './teams.inputs';
import { RowsBy } from '../../core/db/rows-by';

export interface TeamsDeps {
  db: Database;
  clock: Clock;
  audit: AuditService;
  access: TeamAccess;
  limits: RateLimits;
  /** Defaults to TEAM_LIMITS.teamsPerPerson's 20. */
  teamsPerPersonPerHour?: number;
  /** Ended memberships and deleted teams are announced here after their transaction commits. */
  revocations: Revocations;
  /** Runs inside the deletion transaction; the API key module revokes the team's keys here. */
  onTeamDeleted?: (manager: EntityManager, teamId: string) => Promise<void>;
  /** Offboarding revokes a departing member's keys through the key module (audited, published). */
  keys: Pick<ApiKeysService, 'revokeWithin' | 'announceRevoked'>;
}

export const TEAM_LIMITS = {
  /** Teams one person may create per hour: enough for any real use, not for filling the database. */
  teamsPerPerson: { name: 'teams-created', points: 20, durationSeconds: 60 * 60 },
} satisfies Record<string, LimitRule>;

const describe = (user: User | undefined) => ({
  name: user?.name ?? null,
  email: user?.email ?? null,
});

/** Teams and their members: every change audited in its own transaction, the last owner protected. */
export class TeamsService {
  /** A team's members with their person, in joining order (core/db/rows-by.ts). */
  private readonly teamMembers: RowsBy<Membership>;

  constructor(private readonly deps: TeamsDeps) {
    this.teamMembers = new RowsBy(deps.db.dataSource, Membership, 'teamId', {
      coalesce: true,
      join: { property: 'user', entity: User, on: 'userId' },
      order: [['joinedAt', 'ASC']],
    });
  }

  get(caller: Caller, teamId: string): Promise<Team> {
    return this.deps.access.read(caller, teamId);
  }

  async create(caller: Caller, input: CreateTeamInput): Promise<Team> {
    const userId = this.deps.access.userId(caller);
    await this.deps.limits.enforce(
      {
        ...TEAM_LIMITS.teamsPerPerson,
        points: this.deps.teamsPerPersonPerHour ?? TEAM_LIMITS.teamsPerPerson.points,
      },
      userId,
      'You have created too many teams in the last hour.',
    );
    const now = this.deps.clock.now();
    const team: Team = {
      id: newId(),
      name: input.name.trim(),
      description: input.description?.trim() || null,
      guidelines: null,
      guidelinesUpdatedAt: null,
      createdAt: now,
      deletedAt: null,
    };
    await this.deps.db.transaction(async (m) => {
      await m.insert(Team, team);
      await m.insert(Membership, {
        id: newId(),
        teamId: team.id,
        userId,
        role: Role.OWNER,
        joinedAt: now,
        lastActiveAt: now,
      });
      await this.deps.audit.record(m, {
        teamId: team.id,
        actorUserId: userId,
        action: 'team.created',
        targetType: 'team',
        targetId: team.id,
        details: { name: team.name },
      });
    });
    return team;
  }

  /**
   * OWNER: name and description. OWNER or ADMIN: the guidelines (so an ADMIN may send an input
   * with only `guidelines`). Each kind of change is audited on its own.
   */
  async update(caller: Caller, teamId: string, input: UpdateTeamInput): Promise<Team> {
    const actor = await this.deps.access.membership(caller, teamId);
    const touchesTeam = input.name !== undefined || input.description !== undefined;
    const touchesGuidelines = input.guidelines !== undefined;
    if ((touchesTeam || !touchesGuidelines) && !policy.updateTeam(actor.role))
      throw TeamErrors.notAllowed('rename or describe the team');
    if (touchesGuidelines && !policy.editGuidelines(actor.role))
      throw TeamErrors.notAllowed('change the team guidelines');
    return this.deps.db.transaction(async (m) => {
      const team = await this.deps.access.lockTeam(m, teamId);
      const changes: Record<string, { from: string | null; to: string | null }> = {};
      const name = input.name?.trim();
      if (name && name !== team.name) changes.name = { from: team.name, to: name };
      if (input.description !== undefined) {
        const description = input.description?.trim() || null;
        if (description !== team.description)
          changes.description = { from: team.description, to: description };
      }
      if (touchesGuidelines) await this.updateGuidelines(m, team, input.guidelines, actor.userId);
      if (Object.keys(changes).length === 0) return team;
      if (changes.name) team.name = changes.name.to!;
      if (changes.description) team.description = changes.description.to;
      await m.update(Team, { id: teamId }, { name: team.name, description: team.description });
      await this.deps.audit.record(m, {
        teamId,
        actorUserId: actor.userId,
        action: 'team.updated',
        targetType: 'team',
        targetId: teamId,
        details: { changes },
      });
      return team;
    });
  }

  /** Stores the Markdown as written (trailing blanks dropped; blank clears), audited as team.guidelines_updated. */
  private async updateGuidelines(
    m: EntityManager,
    team: Team,
    raw: string | null | undefined,
    actorUserId: string,
  ): Promise<void> {
    const guidelines = raw?.trim() ? raw.trimEnd() : null;
    if (guidelines === team.guidelines) return;
    const previous = team.guidelines;
    team.guidelines = guidelines;
    team.guidelinesUpdatedAt = this.deps.clock.now();
    await m.update(
      Team,
      { id: team.id },
      { guidelines, guidelinesUpdatedAt: team.guidelinesUpdatedAt },
    );
    await this.deps.audit.record(m, {
      teamId: team.id,
      actorUserId,
      action: 'team.guidelines_updated',
      targetType: 'team',
      targetId: team.id,
      details: {
        previousCharacters: previous?.length ?? 0,
        characters: guidelines?.length ?? 0,
        guidelines,
      },
    });
  }

  /** The caller confirms having read the team's guidelines (their own membership only; never a key). */
  async acknowledgeGuidelines(caller: Caller, teamId: string): Promise<Membership> {
    const membership = await this.deps.access.membership(caller, teamId);
    const now = this.deps.clock.now();
    await this.deps.db.transaction((m) =>
      m.update(Membership, { id: membership.id }, { guidelinesAcknowledgedAt: now }),
    );
    return { ...membership, guidelinesAcknowledgedAt: now };
  }

  /** The active keys a member created in their team: what offboarding asks about (OWNER or ADMIN). */
  async createdApiKeys(caller: Caller, membership: Membership): Promise<ApiKey[]> {
    await this.deps.access.require(
      caller,
      membership.teamId,
      policy.manageKeys,
      'see the keys a member created',
    );
    return this.activeKeysCreatedBy(this.deps.db.manager, membership.teamId, membership.userId);
  }

  /**
   * Removes a member like removeMember (same rules, last owner kept) and, in the same transaction,
   * revokes the active keys they created in the team (each published and audited as
   * api_key.revoked) or keeps them (each audited as api_key.kept_on_offboarding).
   */
  async offboard(caller: Caller, membershipId: string, choice: DepartingMemberKeys): Promise<void> {
    const target = await this.findMember(caller, membershipId);
    const { removed, revoked } = await this.deps.db.transaction(async (m) => {
      await this.deps.access.lockTeam(m, target.teamId);
      const actor = await this.memberOf(m, target.teamId, this.deps.access.userId(caller));
      const current = await this.membershipById(m, membershipId);
      if (!actor || !current) throw TeamErrors.memberNotFound();
      if (!policy.offboard(actor.role, current.role))
        throw TeamErrors.notAllowed(`offboard a member with the role ${current.role}`);
      const keys = await this.activeKeysCreatedBy(m, current.teamId, current.userId);
      await this.removeLocked(
        m,
        current,
        actor.userId,
        actor.id === current.id ? 'member.left' : 'member.removed',
        { offboarding: { keys: choice, apiKeyIds: keys.map((k) => k.id) } },
      );
      const revoked: string[] = [];
      for (const key of keys) {
        if (choice === DepartingMemberKeys.REVOKE) {
          if (await this.deps.keys.revokeWithin(m, key, actor.userId, 'offboarding'))
            revoked.push(key.id);
          continue;
        }
        await this.deps.audit.record(m, {
          teamId: key.teamId,
          actorUserId: actor.userId,
          action: 'api_key.kept_on_offboarding',
          targetType: 'api_key',
          targetId: key.id,
          details: {
            name: key.name,
            start: key.start,
            environment: key.environment,
            createdBy: { ...describe(current.user), userId: current.userId },
          },
        });
      }
      return { removed: current, revoked };
    });
    this.publishEnded(removed);
    for (const id of revoked) this.deps.keys.announceRevoked(id);
  }

  private async activeKeysCreatedBy(
    m: EntityManager,
    teamId: string,
    userId: string,
  ): Promise<ApiKey[]> {
    const now = this.deps.clock.now();
    const keys = await m.find(ApiKey, {
      where: { teamId, createdById: userId, revokedAt: IsNull() },
      order: { createdAt: 'ASC' },
    });
    return keys.filter((k) => keyStatus(k, now) === KeyStatus.ACTIVE);
  }

  /** Revokes the team's invitations (and keys) at once and removes its memberships; the team row stays, hidden. */
  async delete(caller: Caller, teamId: string): Promise<void> {
    const actor = await this.deps.access.require(
      caller,
      teamId,
      policy.deleteTeam,
      'delete the team',
    );
    await this.deps.db.transaction(async (m) => {
      const team = await this.deps.access.lockTeam(m, teamId);
      const now = this.deps.clock.now();
      await m.update(Team, { id: teamId }, { deletedAt: now });
      await m.update(
        Invitation,
        { teamId, acceptedAt: IsNull(), revokedAt: IsNull() },
        { revokedAt: now },
      );
      await this.deps.onTeamDeleted?.(m, teamId);
      await m.delete(Membership, { teamId });
      await this.deps.audit.record(m, {
        teamId,
        actorUserId: actor.userId,
        action: 'team.deleted',
        targetType: 'team',
        targetId: teamId,
        details: { name: team.name },
      });
    });
    this.deps.revocations.publish({ kind: 'team', teamId });
  }

  membershipsOf(userId: string): Promise<Membership[]> {
    return this.deps.db
      .repository(Membership)
      .createQueryBuilder('m')
      .innerJoinAndSelect('m.team', 't', 't.deletedAt IS NULL')
      .where('m.userId = :userId', { userId })
      .orderBy('t.name', 'ASC')
      .getMany();
  }

  async members(caller: Caller, teamId: string): Promise<Membership[]> {
    await this.deps.access.read(caller, teamId);
    return this.teamMembers.read([teamId]);
  }

  async changeRole(caller: Caller, membershipId: string, role: Role): Promise<Membership> {
    const target = await this.findMember(caller, membershipId);
    return this.deps.db.transaction(async (m) => {
      await this.deps.access.lockTeam(m, target.teamId);
      // Read both rows again under the lock: a concurrent change may have moved either of them.
      const actor = await this.memberOf(m, target.teamId, this.deps.access.userId(caller));
      const current = await this.membershipById(m, membershipId);
      if (!actor || !current) throw TeamErrors.memberNotFound();
      if (current.role === role) return current;
      if (!policy.changeRole(actor.role, current.role, role))
        throw TeamErrors.notAllowed(`change a role from ${current.role} to ${role}`);
      if (current.role === Role.OWNER && (await this.ownerCount(m, current.teamId)) <= 1)
        throw TeamErrors.lastOwner('demote the last one');
      await m.update(Membership, { id: current.id }, { role });
      await this.deps.audit.record(m, {
        teamId: current.teamId,
        actorUserId: actor.userId,
        action: 'member.role_changed',
        targetType: 'membership',
        targetId: current.id,
        details: {
          ...describe(current.user),
          userId: current.userId,
          from: current.role,
          to: role,
        },
      });
      return { ...current, role };
    });
  }

  async removeMember(caller: Caller, membershipId: string): Promise<void> {
    const target = await this.findMember(caller, membershipId);
    const removed = await this.deps.db.transaction(async (m) => {
      await this.deps.access.lockTeam(m, target.teamId);
      const actor = await this.memberOf(m, target.teamId, this.deps.access.userId(caller));
      const current = await this.membershipById(m, membershipId);
      if (!actor || !current) throw TeamErrors.memberNotFound();
      const self = actor.id === current.id;
      if (!self && !policy.remove(actor.role, current.role))
        throw TeamErrors.notAllowed(`remove a member with the role ${current.role}`);
      await this.removeLocked(m, current, actor.userId, self ? 'member.left' : 'member.removed');
      return current;
    });
    this.publishEnded(removed);
  }

  async leave(caller: Caller, teamId: string): Promise<void> {
    const userId = this.deps.access.userId(caller);
    await this.deps.access.membership(caller, teamId);
    const left = await this.deps.db.transaction(async (m) => {
      await this.deps.access.lockTeam(m, teamId);
      const current = await m.findOne(Membership, {
        where: { teamId, userId },
        relations: { user: true },
      });
      if (!current) throw TeamErrors.teamNotFound();
      await this.removeLocked(m, current, userId, 'member.left');
      return current;
    });
    this.publishEnded(left);
  }

  private publishEnded(membership: Membership): void {
    this.deps.revocations.publish({
      kind: 'membership',
      userId: membership.userId,
      teamId: membership.teamId,
    });
  }

  private async removeLocked(
    m: EntityManager,
    member: Membership,
    actorUserId: string,
    action: 'member.left' | 'member.removed',
    extra: Record<string, unknown> = {},
  ) {
    if (member.role === Role.OWNER && (await this.ownerCount(m, member.teamId)) <= 1) {
      throw TeamErrors.lastOwner(
        action === 'member.left' ? 'leave (or delete the team)' : 'remove the last one',
      );
    }
    await m.delete(Membership, { id: member.id });
    await this.deps.audit.record(m, {
      teamId: member.teamId,
      actorUserId,
      action,
      targetType: 'membership',
      targetId: member.id,
      details: { ...describe(member.user), userId: member.userId, role: member.role, ...extra },
    });
  }

  /** The membership by id, if the caller is in its team (else NOT_FOUND either way). */
  private async findMember(caller: Caller, membershipId: string): Promise<Membership> {
    const target = await this.deps.db.repository(Membership).findOneBy({ id: membershipId });
    if (!target) throw TeamErrors.memberNotFound();
    try {
      await this.deps.access.membership(caller, target.teamId);
    } catch (error) {
      throw error instanceof AppError && error.code === ErrorCode.NOT_FOUND
        ? TeamErrors.memberNotFound()
        : error;
    }
    return target;
  }

  private memberOf(m: EntityManager, teamId: string, userId: string): Promise<Membership | null> {
    return m.findOneBy(Membership, { teamId, userId });
  }

  private membershipById(m: EntityManager, id: string): Promise<Membership | null> {
    return m.findOne(Membership, { where: { id }, relations: { user: true } });
  }

  private ownerCount(m: EntityManager, teamId: string): Promise<number> {
    return m.countBy(Membership, { teamId, role: Role.OWNER });
  }
}
