import { IsInt, IsOptional, Max, MaxLength, Min } from 'class-validator';
import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { IsTrimmedLength } from '../../core/validation';
import { ApiKey, Environment, KeyExpiration } from './api-key.entity';
import { CompromiseAction, INCIDENT_DETAILS_MAX, KeyIncident } from './key-incident.entity';

export const GRACE_HOURS_MAX = 24 * 30;

@InputType()
export class CreateApiKeyInput {
  @Field(() => ID)
  @MaxLength(64)
  teamId: string;

  @Field()
  @IsTrimmedLength(1, 80, 'Enter a key name of 1 to 80 characters.')
  name: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500, { message: 'Keep the description to 500 characters.' })
  description?: string | null;

  @Field(() => Environment)
  environment: Environment;

  @Field(() => KeyExpiration)
  expiration: KeyExpiration;

  @Field(() => GraphQLSafeInt, { nullable: true })
  @IsOptional()
  @IsInt({ message: 'Enter a whole number of requests.' })
  @Min(1, {
    message: 'The monthly limit must be at least 1 request (leave it empty for no limit).',
  })
  monthlyRequestLimit?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt({ message: 'Enter a whole number of requests.' })
  @Min(1, {
    message: 'The rate limit must be at least 1 request per minute (leave it empty for no limit).',
  })
  @Max(1_000_000, { message: 'The rate limit can be at most 1,000,000 requests per minute.' })
  rateLimitPerMinute?: number | null;
}

@InputType()
export class RotateApiKeyInput {
  @Field(() => ID)
  @MaxLength(64)
  id: string;

  @Field(() => Int, {
    nullable: true,
    defaultValue: 24,
    description: 'How long the old key keeps working; 0 revokes it at once.',
  })
  @IsOptional()
  @IsInt()
  @Min(0, { message: 'The grace period cannot be negative.' })
  @Max(GRACE_HOURS_MAX, {
    message: `The grace period can be at most ${GRACE_HOURS_MAX} hours (30 days).`,
  })
  gracePeriodHours?: number | null;
}

@ObjectType()
export class CreatedApiKey {
  @Field(() => ApiKey)
  apiKey: ApiKey;

  @Field({ description: 'The whole key. Returned this once; the server keeps only a hash.' })
  secret: string;
}

@InputType()
export class ReportCompromisedKeyInput {
  @Field(() => ID)
  @MaxLength(64)
  apiKeyId: string;

  @Field(() => CompromiseAction)
  action: CompromiseAction;

  @Field(() => String, {
    nullable: true,
    description: "What happened, for the team and the provider's support.",
  })
  @IsOptional()
  @MaxLength(INCIDENT_DETAILS_MAX, {
    message: `Keep the details to ${INCIDENT_DETAILS_MAX.toLocaleString('en-US')} characters.`,
  })
  details?: string | null;
}

@ObjectType()
export class ReportCompromisedKeyPayload {
  @Field(() => KeyIncident)
  incident: KeyIncident;

  @Field(() => CreatedApiKey, {
    nullable: true,
    description:
      'The replacement key, when the action was ROTATE; its secret is shown this once. null when the key had already been replaced by a rotation (that replacement stands).',
  })
  replacement: CreatedApiKey | null;
}
