import { IsNumber, IsOptional, IsPositive, Max, MaxLength } from 'class-validator';
import { Field, Float, ID, InputType } from 'type-graphql';
import { UsageAlertKind } from './usage-alert.entity';

@InputType()
export class CreateUsageAlertInput {
  @Field(() => ID)
  @MaxLength(64)
  teamId: string;

  @Field(() => ID, { nullable: true, description: 'null: every key of the team.' })
  @IsOptional()
  @MaxLength(64)
  apiKeyId?: string | null;

  @Field(() => UsageAlertKind)
  kind: UsageAlertKind;

  @Field(() => Float)
  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    { message: 'The threshold is a share between 0 and 1 (0.8 = 80 %).' },
  )
  @IsPositive({ message: 'The threshold must be more than 0 (0.8 = 80 %).' })
  @Max(1, { message: 'The threshold can be at most 1 (100 %).' })
  threshold: number;
}
