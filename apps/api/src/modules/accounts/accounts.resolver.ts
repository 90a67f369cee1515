import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Allow, Public } from '../../core/auth/access';
import type { Context } from '../../core/context';
import {
  AuthPayload,
  LogInInput,
  RequestPasswordResetArgs,
  ResetPasswordArgs,
  SignUpInput,
  Viewer,
} from './accounts.inputs';

const meta = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.userAgent });

@Resolver()
export class AccountsResolver {
  @Public()
  @Query(() => Viewer, { nullable: true, description: 'null when the caller is not signed in.' })
  async viewer(@Ctx() ctx: Context): Promise<Viewer | null> {
    if (ctx.principal?.kind !== 'user') return null;
    // Through the request's loader: the same person read again later (as a member, an actor) is not.
    const user = await ctx.loaders.user.load(ctx.principal.userId);
    return user ? { user } : null;
  }

  @Public()
  @Mutation(() => AuthPayload)
  signUp(@Arg('input') input: SignUpInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    return ctx.services.accounts.signUp(input, meta(ctx));
  }

  @Public()
  @Mutation(() => AuthPayload)
  logIn(@Arg('input') input: LogInInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    return ctx.services.accounts.logIn(input, meta(ctx));
  }

  @Allow('user')
  @Mutation(() => Boolean, {
    description: 'Ends the calling session: its token is refused from now on.',
  })
  async logOut(@Ctx() ctx: Context): Promise<boolean> {
    if (ctx.principal?.kind === 'user') await ctx.services.accounts.logOut(ctx.principal);
    return true;
  }

  @Public()
  @Mutation(() => Boolean, {
    description: 'Always true; a link is mailed only when the account exists.',
  })
  async requestPasswordReset(
    @Args() { email }: RequestPasswordResetArgs,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    await ctx.services.accounts.requestPasswordReset(email, meta(ctx));
    return true;
  }

  @Public()
  @Mutation(() => AuthPayload)
  resetPassword(
    @Args() { token, password }: ResetPasswordArgs,
    @Ctx() ctx: Context,
  ): Promise<AuthPayload> {
    return ctx.services.accounts.resetPassword(token, password, meta(ctx));
  }
}
