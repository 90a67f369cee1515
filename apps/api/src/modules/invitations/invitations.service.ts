import type { Logger } from 'pino';
import { IsNull } from 'typeorm';
import { addDays, type Clock } from '../../core/clock';
import type { Database } from '../../core/db/database';
import { AppError, ErrorCode } from '../../core/errors';
import { composeMail, type Mailer } from '../../core/mail';
import type { RateLimits } from '../../core/rate-limit';
import { newId, randomToken, sha256 } from '../../core/secrets';
import { normalizeEmail } from '../../core/validation';
import { User } from '../accounts/user.entity';
import type { AuditService } from '../audit/audit.service';
import { Membership } from '../teams/membership.entity';
import { policy, Role } from '../teams/role';
import type { Caller, TeamAccess } from '../teams/team-access';
import { Team } from '../teams/team.entity';
import { TeamErrors } from '../teams/teams.errors';
import { Invitation, InvitationStatus, invitationStatus } from './invitation.entity';
import { InvitationErrors } from './invitations.errors';
import type { InvitationPreview, InviteMemberInput } from './invitations.inputs';
import { RowsBy } from '../../core/db/rows-by';

export const INVITATION_DAYS = 7;
/**
 * Invitations (and resends) one person may send per hour across all their teams, on top of each
 * team's own limit: creating teams must not multiply what one account can mail to strangers.
 */
export const INVITATIONS_PER_INVITER_PER_HOUR = 100;
const ROLE_NAMES: Record<Role, string> = {
  OWNER: 'an Owner',
  ADMIN: 'an Admin',
  MEMBER: 'a Member',
};

export interface InvitationsDeps {
  db: Database;
  clock: Clock;
  mailer: Mailer;
  limits: RateLimits;
  audit: AuditService;
  access: TeamAccess;
  logger: Logger;
  publicUrl: string;
  invitationsPerHour: number;
  /** Defaults to INVITATIONS_PER_INVITER_PER_HOUR. */
  invitationsPerInviterPerHour?: number;
}

/** Invitations by mail: hashed single-use tokens, 7-day expiry, resend, revoke, accept exactly once. */
export class InvitationsService {
  /** A team's invitations, newest first (core/db/rows-by.ts). */
  private readonly teamInvitations: RowsBy<Invitation>;

  constructor(private readonly deps: InvitationsDeps) {
    this.teamInvitations = new RowsBy(deps.db.dataSource, Invitation, 'teamId', {
      coalesce: true,
      order: [['createdAt', 'DESC']],
    });
  }

  private get rateRule() {
    return {
      name: 'team-invitations',
      points: this.deps.invitationsPerHour,
      durationSeconds: 3600,
    };
  }

  private get inviterRule() {
    return {
      name: 'inviter-invitations',
      points: this.deps.invitationsPerInviterPerHour ?? INVITATIONS_PER_INVITER_PER_HOUR,
      durationSeconds: 3600,
    };
  }

  /** Both hourly limits: the team's, then the inviter's across every team. */
  private async enforceLimits(teamId: string, inviterId: string): Promise<void> {
    await this.deps.limits.enforce(
      this.rateRule,
      teamId,
      'This team has sent too many invitations in the last hour.',
    );
    await this.deps.limits.enforce(
      this.inviterRule,
      inviterId,
      'You have sent too many invitations in the last hour, across all your teams.',
    );
  }

  status(invitation: Invitation): InvitationStatus {
    return invitationStatus(invitation, this.deps.clock.now());
  }

  async list(
    caller: Caller,
    teamId: string,
    status?: InvitationStatus | null,
  ): Promise<Invitation[]> {
    await this.deps.access.membership(caller, teamId);
    const all = await this.teamInvitations.read([teamId]);
    return status ? all.filter((i) => this.status(i) === status) : all;
  }

  async invite(caller: Caller, input: InviteMemberInput): Promise<Invitation> {
    const role = input.role ?? Role.MEMBER;
    const actor = await this.deps.access.require(
      caller,
      input.teamId,
      (r) => policy.invite(r, role),
      `invite ${ROLE_NAMES[role]}`,
    );
    await this.enforceLimits(input.teamId, actor.userId);
    const email = normalizeEmail(input.email);
    const token = randomToken();
    const now = this.deps.clock.now();
    const invitation = await this.deps.db.transaction(async (m) => {
      const team = await this.deps.access.lockTeam(m, input.teamId);
      const memberExists = await m
        .createQueryBuilder(Membership, 'ms')
        .innerJoin(User, 'u', 'u.id = ms.userId')
        .where('ms.teamId = :teamId AND u.email = :email', { teamId: team.id, email })
        .getExists();
      if (memberExists) throw InvitationErrors.emailIsMember();
      const open = await m.findBy(Invitation, {
        teamId: team.id,
        email,
        acceptedAt: IsNull(),
        revokedAt: IsNull(),
      });
      if (open.some((i) => this.status(i) === InvitationStatus.PENDING))
        throw InvitationErrors.pendingExists();
      const created: Invitation = {
        id: newId(),
        teamId: team.id,
        email,
        role,
        message: input.message?.trim() || null,
        invitedById: actor.userId,
        tokenHash: sha256(token),
        createdAt: now,
        expiresAt: addDays(now, INVITATION_DAYS),
        acceptedAt: null,
        acceptedById: null,
        revokedAt: null,
      };
      await m.insert(Invitation, created);
      await this.deps.audit.record(m, {
        teamId: team.id,
        actorUserId: actor.userId,
        action: 'member.invited',
        targetType: 'invitation',
        targetId: created.id,
        details: { email, role },
      });
      return created;
    });
    await this.mail(invitation, token, actor.team!.name, actor.userId);
    return invitation;
  }

  /** A new token and a new expiry; the old link stops working at once. */
  async resend(caller: Caller, id: string): Promise<Invitation> {
    const { invitation, actor } = await this.manageable(caller, id, 'resend');
    const status = this.status(invitation);
    if (status === InvitationStatus.ACCEPTED || status === InvitationStatus.REVOKED)
      throw InvitationErrors.notPending(status);
    await this.enforceLimits(invitation.teamId, actor.userId);
    const token = randomToken();
    const now = this.deps.clock.now();
    const updated = {
      ...invitation,
      tokenHash: sha256(token),
      expiresAt: addDays(now, INVITATION_DAYS),
    };
    await this.deps.db.transaction(async (m) => {
      const changed = await m.update(
        Invitation,
        { id, acceptedAt: IsNull(), revokedAt: IsNull() },
        { tokenHash: updated.tokenHash, expiresAt: updated.expiresAt },
      );
      if (changed.affected !== 1) throw InvitationErrors.notPending('no longer pending');
      await this.deps.audit.record(m, {
        teamId: invitation.teamId,
        actorUserId: actor.userId,
        action: 'invitation.resent',
        targetType: 'invitation',
        targetId: id,
        details: { email: invitation.email },
      });
    });
    await this.mail(updated, token, actor.team!.name, actor.userId);
    return updated;
  }

  async revoke(caller: Caller, id: string): Promise<Invitation> {
    const { invitation, actor } = await this.manageable(caller, id, 'revoke');
    if (invitation.revokedAt) return invitation;
    if (invitation.acceptedAt) throw InvitationErrors.notPending(InvitationStatus.ACCEPTED);
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (m) => {
      await m.update(
        Invitation,
        { id, acceptedAt: IsNull(), revokedAt: IsNull() },
        { revokedAt: now },
      );
      await this.deps.audit.record(m, {
        teamId: invitation.teamId,
        actorUserId: actor.userId,
        action: 'invitation.revoked',
        targetType: 'invitation',
        targetId: id,
        details: { email: invitation.email },
      });
    });
    return { ...invitation, revokedAt: now };
  }

  /** Public: what the link's page may show. null for an unknown token. */
  async preview(token: string): Promise<InvitationPreview | null> {
    const invitation = await this.byToken(token);
    if (!invitation) return null;
    const team = await this.deps.db.repository(Team).findOneByOrFail({ id: invitation.teamId });
    const inviter = invitation.invitedById
      ? await this.deps.db.repository(User).findOneBy({ id: invitation.invitedById })
      : null;
    const status = team.deletedAt ? InvitationStatus.REVOKED : this.status(invitation);
    return {
      teamName: team.name,
      email: invitation.email,
      role: invitation.role,
      message: invitation.message,
      invitedByName: inviter?.name ?? null,
      status,
      expiresAt: invitation.expiresAt,
      // The team's rules are for the person about to join: not for a used, revoked or expired link.
      guidelines: status === InvitationStatus.PENDING ? team.guidelines : null,
    };
  }

  /** Exactly one membership however many times the link is used at once. */
  async accept(caller: Caller, token: string): Promise<Membership> {
    const userId = this.deps.access.userId(caller);
    const invitation = await this.byToken(token);
    if (!invitation) throw InvitationErrors.unknownLink();
    this.assertAcceptable(invitation);
    const user = await this.deps.db.repository(User).findOneByOrFail({ id: userId });
    if (user.email !== invitation.email)
      throw InvitationErrors.wrongAccount(invitation.email, user.email);
    const now = this.deps.clock.now();
    return this.deps.db.transaction(async (m) => {
      await this.deps.access.lockTeam(m, invitation.teamId);
      // The conditional update is the single winner of concurrent accepts.
      const claimed = await m.update(
        Invitation,
        { id: invitation.id, acceptedAt: IsNull(), revokedAt: IsNull() },
        { acceptedAt: now, acceptedById: userId },
      );
      if (claimed.affected !== 1) {
        const fresh = await m.findOneByOrFail(Invitation, { id: invitation.id });
        this.assertAcceptable(fresh);
      }
      if (await m.existsBy(Membership, { teamId: invitation.teamId, userId }))
        throw InvitationErrors.alreadyMember();
      const membership: Membership = {
        id: newId(),
        teamId: invitation.teamId,
        userId,
        role: invitation.role,
        joinedAt: now,
        lastActiveAt: now,
      };
      await m.insert(Membership, membership);
      await this.deps.audit.record(m, {
        teamId: invitation.teamId,
        actorUserId: userId,
        action: 'member.joined',
        targetType: 'membership',
        targetId: membership.id,
        details: {
          name: user.name,
          email: user.email,
          role: invitation.role,
          invitationId: invitation.id,
        },
      });
      return membership;
    });
  }

  private assertAcceptable(invitation: Invitation): void {
    const status = this.status(invitation);
    if (status === InvitationStatus.ACCEPTED) throw InvitationErrors.used();
    if (status === InvitationStatus.REVOKED) throw InvitationErrors.revoked();
    if (status === InvitationStatus.EXPIRED) throw InvitationErrors.expired();
  }

  private byToken(token: string): Promise<Invitation | null> {
    if (token.length < 20 || token.length > 200) return Promise.resolve(null);
    return this.deps.db.repository(Invitation).findOneBy({ tokenHash: sha256(token) });
  }

  private async manageable(caller: Caller, id: string, verb: string) {
    const invitation = await this.deps.db.repository(Invitation).findOneBy({ id });
    if (!invitation) throw InvitationErrors.notFound();
    const actor = await this.deps.access
      .membership(caller, invitation.teamId)
      .catch((error: unknown) => {
        throw error instanceof AppError && error.code === ErrorCode.NOT_FOUND
          ? InvitationErrors.notFound()
          : error;
      });
    if (!policy.manageInvitation(actor.role, invitation.role))
      throw TeamErrors.notAllowed(`${verb} an invitation for ${ROLE_NAMES[invitation.role]}`);
    return { invitation, actor };
  }

  private async mail(
    invitation: Invitation,
    token: string,
    teamName: string,
    inviterId: string,
  ): Promise<void> {
    const inviter = await this.deps.db.repository(User).findOneByOrFail({ id: inviterId });
    const url = `${this.deps.publicUrl}/invitations/${encodeURIComponent(token)}`;
    const expires = invitation.expiresAt.toUTCString();
    try {
      await this.deps.mailer.send(
        composeMail(invitation.email, {
          subject: `${inviter.name} invited you to join ${teamName} on Partner Portal`,
          paragraphs: [
            'Hello,',
            `${inviter.name} (${inviter.email}) invited you to join the team "${teamName}" as ${ROLE_NAMES[invitation.role]}.`,
            ...(invitation.message ? [`Their message:\n${invitation.message}`] : []),
          ],
          action: { label: 'Accept the invitation', url },
          footer: `This invitation expires on ${expires}. If you were not expecting it, you can ignore this mail.`,
        }),
      );
    } catch (error) {
      this.deps.logger.error({ err: error, invitationId: invitation.id }, 'invitation mail failed');
      throw InvitationErrors.mailFailed();
    }
  }
}
