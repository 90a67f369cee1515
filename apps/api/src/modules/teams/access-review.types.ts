import { Field, ObjectType } from 'type-graphql';
import { User } from '../accounts/user.entity';
import { ApiKey } from '../api-keys/api-key.entity';
import { Membership } from './membership.entity';

@ObjectType({
  description: "What a periodic access review asks a team's owners and admins to look at.",
})
export class AccessReview {
  @Field(() => [Membership], {
    description:
      'Members with no activity in this team for `inactiveDays` days (joined earlier than that).',
  })
  inactiveMembers: Membership[];

  @Field(() => [ApiKey], {
    description: 'Active keys not used for 30 days, or never used 7 days after creation.',
  })
  staleKeys: ApiKey[];

  @Field(() => [ApiKey], { description: 'Active keys that expire within the next 14 days.' })
  expiringKeys: ApiKey[];

  @Field(() => [ApiKey], { description: 'Active production keys that never expire.' })
  neverExpiringProductionKeys: ApiKey[];

  @Field(() => Date, {
    nullable: true,
    description:
      "When the last review was marked complete (the team's latest team.access_reviewed event).",
  })
  lastCompletedAt: Date | null;

  @Field(() => User, { nullable: true, description: 'Who marked it complete.' })
  lastCompletedBy: User | null;
}
