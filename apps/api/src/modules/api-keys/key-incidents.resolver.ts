import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { Allow } from '../../core/auth/access';
import type { Context } from '../../core/context';
import { User } from '../accounts/user.entity';
import { Team } from '../teams/team.entity';
import { ApiKey } from './api-key.entity';
import { ReportCompromisedKeyInput, ReportCompromisedKeyPayload } from './api-keys.inputs';
import { ApiKeyErrors } from './api-keys.errors';
import { KeyIncident, RejectedAddress } from './key-incident.entity';

@Resolver(() => KeyIncident)
export class KeyIncidentsResolver {
  @Allow('user')
  @Mutation(() => ReportCompromisedKeyPayload, {
    description:
      "OWNER or ADMIN. The key stops working at once (no grace period); owners and the provider's support are mailed.",
  })
  reportCompromisedKey(
    @Arg('input') input: ReportCompromisedKeyInput,
    @Ctx() ctx: Context,
  ): Promise<ReportCompromisedKeyPayload> {
    return ctx.services.keyIncidents.report(ctx, input);
  }

  @Allow('user')
  @Mutation(() => ApiKey, {
    description:
      'OWNER or ADMIN. Records that the key\'s secret was stored securely ("Store keys securely"); idempotent.',
  })
  acknowledgeApiKeySecretStored(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: Context,
  ): Promise<ApiKey> {
    return ctx.services.apiKeys.acknowledgeSecretStored(ctx, id);
  }

  @FieldResolver(() => ApiKey)
  async apiKey(@Root() incident: KeyIncident, @Ctx() ctx: Context): Promise<ApiKey> {
    const key = await ctx.services.apiKeys.byId(incident.apiKeyId);
    if (!key || key.teamId !== incident.teamId) throw ApiKeyErrors.notFound();
    return key;
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'null when a secret scanner reported it.',
  })
  reportedBy(@Root() incident: KeyIncident, @Ctx() ctx: Context): Promise<User | null> {
    return incident.reportedById
      ? ctx.loaders.user.load(incident.reportedById)
      : Promise.resolve(null);
  }

  @FieldResolver(() => [RejectedAddress], {
    description:
      'The client addresses the refused attempts came from: the 20 most recent, most recent first.',
  })
  rejectedAddresses(
    @Root() incident: KeyIncident,
    @Ctx() ctx: Context,
  ): Promise<RejectedAddress[]> {
    return ctx.services.keyIncidents.rejectedAddresses(incident);
  }
}

@Resolver(() => ApiKey)
export class ApiKeyIncidentsResolver {
  @FieldResolver(() => [KeyIncident], {
    description: 'Incidents reported for this key, newest first.',
  })
  incidents(@Root() key: ApiKey, @Ctx() ctx: Context): Promise<KeyIncident[]> {
    return ctx.services.keyIncidents.listForKey(ctx, key);
  }
}

@Resolver(() => Team)
export class TeamIncidentsResolver {
  @FieldResolver(() => [KeyIncident], {
    description: 'Keys of the team reported as compromised, newest first (the 200 newest).',
  })
  incidents(@Root() team: Team, @Ctx() ctx: Context): Promise<KeyIncident[]> {
    return ctx.services.keyIncidents.listForTeam(ctx, team.id);
  }
}
