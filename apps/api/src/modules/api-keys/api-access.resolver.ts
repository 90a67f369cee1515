import { Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { Public } from '../../core/auth/access';
import type { Context } from '../../core/context';

@ObjectType({ description: "How partners call the provider's own API with their keys." })
export class ApiAccess {
  @Field(() => String, {
    nullable: true,
    description:
      "The gateway in front of the provider's API (the portal's GATEWAY_PUBLIC_URL); null when the provider has not published one.",
  })
  gatewayUrl!: string | null;
}

@Resolver()
export class ApiAccessResolver {
  @Public()
  @Query(() => ApiAccess, {
    description: "Where and how to call the provider's API with a key. Holds no secret.",
  })
  apiAccess(@Ctx() ctx: Context): ApiAccess {
    return ctx.services.apiKeys.access();
  }
}
