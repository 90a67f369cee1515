import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Allow } from '../../core/auth/access';
import type { Context } from '../../core/context';
import { User } from '../accounts/user.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { Team } from '../teams/team.entity';
import { ApiKey, Environment, KeyStatus } from './api-key.entity';
import { CreateApiKeyInput, CreatedApiKey, RotateApiKeyInput } from './api-keys.inputs';

@Resolver(() => ApiKey)
export class ApiKeysResolver {
  @Allow('user', 'apiKey')
  @Query(() => ApiKey, {
    nullable: true,
    description: 'A key of a team the caller can read; NOT_FOUND otherwise.',
  })
  apiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ApiKey> {
    return ctx.services.apiKeys.get(ctx, id);
  }

  @Allow('user')
  @Mutation(() => CreatedApiKey, {
    description: 'OWNER or ADMIN. The secret is in this answer only.',
  })
  createApiKey(
    @Arg('input') input: CreateApiKeyInput,
    @Ctx() ctx: Context,
  ): Promise<CreatedApiKey> {
    return ctx.services.apiKeys.create(ctx, input);
  }

  @Allow('user')
  @Mutation(() => CreatedApiKey, {
    description:
      'OWNER or ADMIN. A new key with the same settings; the old one works for the grace period.',
  })
  rotateApiKey(
    @Arg('input') input: RotateApiKeyInput,
    @Ctx() ctx: Context,
  ): Promise<CreatedApiKey> {
    return ctx.services.apiKeys.rotate(ctx, input);
  }

  @Allow('user')
  @Mutation(() => ApiKey, {
    description: 'OWNER or ADMIN. Immediate; revoking a revoked key returns it unchanged.',
  })
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ApiKey> {
    return ctx.services.apiKeys.revoke(ctx, id);
  }

  @FieldResolver(() => Team)
  team(@Root() key: ApiKey, @Ctx() ctx: Context): Promise<Team> {
    return ctx.services.access.read(ctx, key.teamId);
  }

  @FieldResolver(() => KeyStatus)
  status(@Root() key: ApiKey, @Ctx() ctx: Context): KeyStatus {
    return ctx.services.apiKeys.status(key);
  }

  @FieldResolver(() => Date, { nullable: true, description: 'Kept to within about ten seconds.' })
  lastUsedAt(@Root() key: ApiKey, @Ctx() ctx: Context): Date | null {
    return ctx.services.apiKeys.lastUsedAt(key);
  }

  @FieldResolver(() => User, { nullable: true })
  createdBy(@Root() key: ApiKey, @Ctx() ctx: Context): Promise<User | null> {
    return key.createdById ? ctx.loaders.user.load(key.createdById) : Promise.resolve(null);
  }

  @FieldResolver(() => User, { nullable: true })
  revokedBy(@Root() key: ApiKey, @Ctx() ctx: Context): Promise<User | null> {
    return key.revokedById ? ctx.loaders.user.load(key.revokedById) : Promise.resolve(null);
  }

  @FieldResolver(() => ApiKey, {
    nullable: true,
    description: 'The key this one replaced in a rotation.',
  })
  replaces(@Root() key: ApiKey, @Ctx() ctx: Context): Promise<ApiKey | null> {
    return key.replacesId ? ctx.loaders.apiKey.load(key.replacesId) : Promise.resolve(null);
  }

  @FieldResolver(() => ApiKey, {
    nullable: true,
    description: 'The key that replaced this one in a rotation.',
  })
  replacedBy(@Root() key: ApiKey, @Ctx() ctx: Context): Promise<ApiKey | null> {
    return key.replacedById ? ctx.loaders.apiKey.load(key.replacedById) : Promise.resolve(null);
  }
}

@Resolver(() => Team)
export class TeamApiKeysResolver {
  @FieldResolver(() => [ApiKey])
  apiKeys(
    @Root() team: Team,
    @Ctx() ctx: Context,
    @Arg('status', () => KeyStatus, { nullable: true }) status?: KeyStatus | null,
    @Arg('environment', () => Environment, { nullable: true }) environment?: Environment | null,
  ): Promise<ApiKey[]> {
    return ctx.services.apiKeys.list(ctx, team.id, { status, environment });
  }
}

@Resolver(() => AuditEvent)
export class AuditApiKeyResolver {
  @FieldResolver(() => ApiKey, { nullable: true })
  actorApiKey(@Root() event: AuditEvent, @Ctx() ctx: Context): Promise<ApiKey | null> {
    return event.actorApiKeyId
      ? ctx.loaders.apiKey.load(event.actorApiKeyId)
      : Promise.resolve(null);
  }
}
