import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Allow, Public } from '../../core/auth/access';
import type { Context } from '../../core/context';
import { User } from '../accounts/user.entity';
import { Membership } from '../teams/membership.entity';
import { Team } from '../teams/team.entity';
import { Invitation, InvitationStatus } from './invitation.entity';
import { InvitationPreview, InviteMemberInput } from './invitations.inputs';

@Resolver(() => Invitation)
export class InvitationsResolver {
  @Public()
  @Query(() => InvitationPreview, {
    nullable: true,
    description: 'What the link shows before signing in; null for an unknown token.',
  })
  invitationPreview(
    @Arg('token') token: string,
    @Ctx() ctx: Context,
  ): Promise<InvitationPreview | null> {
    return ctx.services.invitations.preview(token);
  }

  @Allow('user')
  @Mutation(() => Invitation, {
    description: 'OWNER or ADMIN (an ADMIN cannot invite an OWNER). Mails a link valid for 7 days.',
  })
  inviteMember(@Arg('input') input: InviteMemberInput, @Ctx() ctx: Context): Promise<Invitation> {
    return ctx.services.invitations.invite(ctx, input);
  }

  @Allow('user')
  @Mutation(() => Invitation, {
    description: 'Mails a new link with a new expiry; the old link stops working.',
  })
  resendInvitation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Invitation> {
    return ctx.services.invitations.resend(ctx, id);
  }

  @Allow('user')
  @Mutation(() => Invitation)
  revokeInvitation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Invitation> {
    return ctx.services.invitations.revoke(ctx, id);
  }

  @Allow('user')
  @Mutation(() => Membership, {
    description: "Joins the team; the signed-in account's email must be the invited one.",
  })
  acceptInvitation(@Arg('token') token: string, @Ctx() ctx: Context): Promise<Membership> {
    return ctx.services.invitations.accept(ctx, token);
  }

  @FieldResolver(() => Team)
  team(@Root() invitation: Invitation, @Ctx() ctx: Context): Promise<Team> {
    return ctx.services.teams.get(ctx, invitation.teamId);
  }

  @FieldResolver(() => User, { nullable: true })
  invitedBy(@Root() invitation: Invitation, @Ctx() ctx: Context): Promise<User | null> {
    return invitation.invitedById
      ? ctx.loaders.user.load(invitation.invitedById)
      : Promise.resolve(null);
  }

  @FieldResolver(() => InvitationStatus)
  status(@Root() invitation: Invitation, @Ctx() ctx: Context): InvitationStatus {
    return ctx.services.invitations.status(invitation);
  }
}
