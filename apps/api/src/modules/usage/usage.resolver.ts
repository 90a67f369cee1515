import {
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { MaxLength } from 'class-validator';
import { Allow } from '../../core/auth/access';
import type { Context } from '../../core/context';
import { ApiKey } from '../api-keys/api-key.entity';
import { Team } from '../teams/team.entity';
import { Usage, UsageInterval, UsageTick } from './usage.types';

@ArgsType()
class UsageArgs {
  @Field()
  from: Date;

  @Field()
  to: Date;

  @Field(() => UsageInterval)
  interval: UsageInterval;
}

@ArgsType()
class UsageTicksArgs {
  @Field(() => ID)
  @MaxLength(64)
  teamId: string;

  @Field(() => ID, { nullable: true })
  @MaxLength(64)
  apiKeyId?: string | null;
}

@Resolver(() => Team)
export class TeamUsageResolver {
  @FieldResolver(() => Usage, { complexity: 20 })
  usage(
    @Root() team: Team,
    @Args() { from, to, interval }: UsageArgs,
    @Ctx() ctx: Context,
  ): Promise<Usage> {
    return ctx.services.usage.forTeam(ctx, team.id, from, to, interval);
  }
}

@Resolver(() => ApiKey)
export class ApiKeyUsageResolver {
  @FieldResolver(() => Usage, { complexity: 20 })
  usage(
    @Root() key: ApiKey,
    @Args() { from, to, interval }: UsageArgs,
    @Ctx() ctx: Context,
  ): Promise<Usage> {
    return ctx.services.usage.forLoadedKey(ctx, key, from, to, interval);
  }
}

@Resolver(() => UsageTick)
export class UsageTicksResolver {
  @Allow('user', 'apiKey')
  @Subscription(() => UsageTick, {
    description: "Live usage of one team's keys (or of one key, when apiKeyId is given).",
    subscribe: ({ args, context }) => {
      const { teamId, apiKeyId } = args as UsageTicksArgs;
      const ctx = context as Context;
      return ctx.services.usage.subscribe(ctx, teamId, apiKeyId);
    },
  })
  usageTicks(@Root() tick: UsageTick, @Args() _args: UsageTicksArgs): UsageTick {
    return tick;
  }
}
