import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { Allow } from '../../core/auth/access';
import type { Context } from '../../core/context';
import { ApiKey } from '../api-keys/api-key.entity';
import { Team } from '../teams/team.entity';
import { UsageAlert } from './usage-alert.entity';
import { CreateUsageAlertInput } from './usage-alerts.inputs';

@Resolver(() => UsageAlert)
export class UsageAlertsResolver {
  @Allow('user')
  @Mutation(() => UsageAlert, { description: 'OWNER or ADMIN.' })
  createUsageAlert(
    @Arg('input') input: CreateUsageAlertInput,
    @Ctx() ctx: Context,
  ): Promise<UsageAlert> {
    return ctx.services.usageAlerts.create(ctx, input);
  }

  @Allow('user')
  @Mutation(() => Boolean, { description: 'OWNER or ADMIN.' })
  deleteUsageAlert(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.usageAlerts.delete(ctx, id);
  }

  @FieldResolver(() => ApiKey, { nullable: true, description: 'null: every key of the team.' })
  apiKey(@Root() alert: UsageAlert, @Ctx() ctx: Context): Promise<ApiKey | null> {
    return alert.apiKeyId ? ctx.loaders.apiKey.load(alert.apiKeyId) : Promise.resolve(null);
  }
}

@Resolver(() => Team)
export class TeamUsageAlertsResolver {
  @FieldResolver(() => [UsageAlert])
  usageAlerts(@Root() team: Team, @Ctx() ctx: Context): Promise<UsageAlert[]> {
    return ctx.services.usageAlerts.list(ctx, team.id);
  }
}
