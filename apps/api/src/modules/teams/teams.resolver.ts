import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { IsOptional, MaxLength } from 'class-validator';
import { Allow } from '../../core/auth/access';
import type { Context } from '../../core/context';
import { Viewer } from '../accounts/accounts.inputs';
import { User } from '../accounts/user.entity';
import { ApiKey } from '../api-keys/api-key.entity';
import { AuditEventConnection } from '../audit/audit.types';
import { Invitation, InvitationStatus } from '../invitations/invitation.entity';
import { AccessReview } from './access-review.types';
import { Membership } from './membership.entity';
import { Role } from './role';
import { Team } from './team.entity';
import {
  AccessReviewArgs,
  CompleteAccessReviewArgs,
  CreateTeamInput,
  DepartingMemberKeys,
  UpdateTeamInput,
} from './teams.inputs';

@ArgsType()
class AuditLogArgs {
  @Field(() => Int, { nullable: true, defaultValue: 50 })
  first: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(100)
  after?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @MaxLength(64)
  actorId?: string | null;
}

@Resolver(() => Team)
export class TeamsResolver {
  @Allow('user', 'apiKey')
  @Query(() => Team, {
    nullable: true,
    description:
      "A team the caller belongs to (or an API key's own team); NOT_FOUND for any other id.",
  })
  team(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Team> {
    return ctx.services.teams.get(ctx, id);
  }

  @Allow('user')
  @Mutation(() => Team, { description: 'Creates a team with the caller as its OWNER.' })
  createTeam(@Arg('input') input: CreateTeamInput, @Ctx() ctx: Context): Promise<Team> {
    return ctx.services.teams.create(ctx, input);
  }

  @Allow('user')
  @Mutation(() => Team, {
    description:
      'OWNER: name and description. OWNER or ADMIN: guidelines (audited as team.guidelines_updated).',
  })
  updateTeam(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateTeamInput,
    @Ctx() ctx: Context,
  ): Promise<Team> {
    return ctx.services.teams.update(ctx, id, input);
  }

  @Allow('user')
  @Mutation(() => Boolean, {
    description:
      "OWNER only. Revokes the team's invitations and keys at once and removes its members.",
  })
  async deleteTeam(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.teams.delete(ctx, id);
    return true;
  }

  @Allow('user')
  @Mutation(() => Membership, {
    description:
      'OWNER: any change. ADMIN: between MEMBER and ADMIN, never touching an OWNER. The last OWNER cannot be demoted.',
  })
  changeMemberRole(
    @Arg('membershipId', () => ID) membershipId: string,
    @Arg('role', () => Role) role: Role,
    @Ctx() ctx: Context,
  ): Promise<Membership> {
    return ctx.services.teams.changeRole(ctx, membershipId, role);
  }

  @Allow('user')
  @Mutation(() => Boolean, {
    description: 'OWNER: anyone. ADMIN: MEMBERs and ADMINs. Never the last OWNER.',
  })
  async removeMember(
    @Arg('membershipId', () => ID) membershipId: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    await ctx.services.teams.removeMember(ctx, membershipId);
    return true;
  }

  @Allow('user')
  @Mutation(() => Boolean, {
    description: 'Leaves the team; refused (CONFLICT) for its last OWNER.',
  })
  async leaveTeam(@Arg('teamId', () => ID) teamId: string, @Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.teams.leave(ctx, teamId);
    return true;
  }

  @Allow('user')
  @Mutation(() => Membership, {
    description:
      "The caller confirms having read the team's guidelines (sets their own guidelinesAcknowledgedAt); not for API keys.",
  })
  acknowledgeTeamGuidelines(
    @Arg('teamId', () => ID) teamId: string,
    @Ctx() ctx: Context,
  ): Promise<Membership> {
    return ctx.services.teams.acknowledgeGuidelines(ctx, teamId);
  }

  @Allow('user')
  @Mutation(() => AccessReview, { description: 'OWNER or ADMIN; audited as team.access_reviewed.' })
  completeAccessReview(
    @Args() args: CompleteAccessReviewArgs,
    @Ctx() ctx: Context,
  ): Promise<AccessReview> {
    return ctx.services.accessReview.complete(ctx, args.teamId, args.note ?? null);
  }

  @Allow('user')
  @Mutation(() => Boolean, {
    description:
      'Like removeMember; `keys` says what becomes of the keys the member created (audited per key).',
  })
  async offboardMember(
    @Arg('membershipId', () => ID) membershipId: string,
    @Arg('keys', () => DepartingMemberKeys) keys: DepartingMemberKeys,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    await ctx.services.teams.offboard(ctx, membershipId, keys);
    return true;
  }

  @FieldResolver(() => AccessReview, {
    description:
      "Every member and the team's own API keys may read it; OWNER or ADMIN marks it complete.",
  })
  accessReview(
    @Root() team: Team,
    @Args() args: AccessReviewArgs,
    @Ctx() ctx: Context,
  ): Promise<AccessReview> {
    return ctx.services.accessReview.review(ctx, team.id, args.inactiveDays);
  }

  @FieldResolver(() => Role, {
    nullable: true,
    description: "The caller's role in this team; null when the caller is an API key.",
  })
  async viewerRole(@Root() team: Team, @Ctx() ctx: Context): Promise<Role | null> {
    if (ctx.principal?.kind !== 'user') return null;
    return (await ctx.services.access.membership(ctx, team.id)).role;
  }

  @FieldResolver(() => [Membership])
  members(@Root() team: Team, @Ctx() ctx: Context): Promise<Membership[]> {
    return ctx.services.teams.members(ctx, team.id);
  }

  @FieldResolver(() => [Invitation])
  invitations(
    @Root() team: Team,
    @Ctx() ctx: Context,
    @Arg('status', () => InvitationStatus, { nullable: true }) status?: InvitationStatus | null,
  ): Promise<Invitation[]> {
    return ctx.services.invitations.list(ctx, team.id, status);
  }

  @FieldResolver(() => AuditEventConnection, {
    complexity: ({ args, childComplexity }) =>
      Math.min(Number(args.first ?? 50), 100) * childComplexity,
  })
  async auditLog(
    @Root() team: Team,
    @Args() args: AuditLogArgs,
    @Ctx() ctx: Context,
  ): Promise<AuditEventConnection> {
    await ctx.services.access.read(ctx, team.id);
    return ctx.services.audit.page(team.id, args);
  }
}

@Resolver(() => Viewer)
export class ViewerTeamsResolver {
  @FieldResolver(() => [Membership])
  async memberships(@Root() viewer: Viewer, @Ctx() ctx: Context): Promise<Membership[]> {
    const memberships = await ctx.services.teams.membershipsOf(viewer.user.id);
    // Their teams come joined: a field of those teams checks access without reading again.
    ctx.services.access.remember(ctx, memberships);
    return memberships;
  }
}

@Resolver(() => Membership)
export class MembershipResolver {
  @FieldResolver(() => Team)
  team(@Root() membership: Membership, @Ctx() ctx: Context): Promise<Team> {
    return membership.team
      ? Promise.resolve(membership.team)
      : ctx.services.teams.get(ctx, membership.teamId);
  }

  @FieldResolver(() => User)
  async user(@Root() membership: Membership, @Ctx() ctx: Context): Promise<User> {
    return membership.user ?? (await ctx.loaders.user.load(membership.userId))!;
  }

  @FieldResolver(() => [ApiKey], {
    description:
      'OWNER or ADMIN: the active keys this member created in the team (what offboardMember asks about).',
  })
  createdApiKeys(@Root() membership: Membership, @Ctx() ctx: Context): Promise<ApiKey[]> {
    return ctx.services.teams.createdApiKeys(ctx, membership);
  }
}
