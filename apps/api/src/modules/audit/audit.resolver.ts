import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { User } from '../accounts/user.entity';
import { AuditEvent } from './audit-event.entity';

@Resolver(() => AuditEvent)
export class AuditResolver {
  @FieldResolver(() => User, {
    nullable: true,
    description: 'null when the actor was an API key or has deleted their account.',
  })
  actor(@Root() event: AuditEvent, @Ctx() ctx: Context): Promise<User | null> {
    return event.actorUserId ? ctx.loaders.user.load(event.actorUserId) : Promise.resolve(null);
  }
}
