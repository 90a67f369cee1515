import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum UsageInterval {
  MINUTE = 'MINUTE',
  HOUR = 'HOUR',
  DAY = 'DAY',
}
registerEnumType(UsageInterval, { name: 'UsageInterval' });

export const INTERVAL_MS: Record<UsageInterval, number> = {
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
};

@ObjectType()
export class StatusCodeCount {
  @Field(() => Int)
  status: number;

  @Field(() => GraphQLSafeInt)
  count: number;
}

@ObjectType()
export class UsagePoint {
  @Field()
  at: Date;

  @Field(() => GraphQLSafeInt)
  requests: number;

  @Field(() => GraphQLSafeInt)
  errors: number;
}

@ObjectType()
export class Usage {
  @Field()
  from: Date;

  @Field()
  to: Date;

  @Field(() => UsageInterval)
  interval: UsageInterval;

  @Field(() => GraphQLSafeInt)
  totalRequests: number;

  @Field(() => GraphQLSafeInt)
  errorRequests: number;

  @Field(() => Float, { description: 'errorRequests / totalRequests, 0 when there were none.' })
  errorRate: number;

  @Field(() => [UsagePoint], {
    description:
      'One point per interval bucket from `from` (rounded down to a bucket) to `to`; empty buckets are zeros.',
  })
  series: UsagePoint[];

  @Field(() => [StatusCodeCount])
  statusCodes: StatusCodeCount[];
}

@ObjectType({
  description:
    "Pushed as requests are counted, at most about once a second per key. The counts are those added since the key's previous tick (a delta), so a subscriber can add them to what it has.",
})
export class UsageTick {
  @Field(() => ID)
  apiKeyId: string;

  @Field()
  at: Date;

  @Field(() => GraphQLSafeInt)
  requests: number;

  @Field(() => GraphQLSafeInt)
  errors: number;

  @Field(() => [StatusCodeCount])
  statusCodes: StatusCodeCount[];
}
