import { IsOptional, Max, MaxLength, Min } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { IsTrimmedLength } from '../../core/validation';

export const TEAM_NAME_RULE = 'Enter a team name of 1 to 80 characters.';
export const DESCRIPTION_RULE = 'Keep the description to 500 characters.';
export const GUIDELINES_MAX = 10_000;
export const GUIDELINES_RULE = 'Keep the guidelines to 10,000 characters.';
export const REVIEW_NOTE_MAX = 1_000;
export const INACTIVE_DAYS = { min: 1, max: 3650, default: 90 };

@InputType()
export class CreateTeamInput {
  @Field()
  @IsTrimmedLength(1, 80, TEAM_NAME_RULE)
  name: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500, { message: DESCRIPTION_RULE })
  description?: string | null;
}

@ArgsType()
export class AccessReviewArgs {
  @Field(() => Int, { nullable: true, defaultValue: INACTIVE_DAYS.default })
  @Min(INACTIVE_DAYS.min, { message: 'Ask for 1 to 3650 days of inactivity.' })
  @Max(INACTIVE_DAYS.max, { message: 'Ask for 1 to 3650 days of inactivity.' })
  inactiveDays: number;
}

@ArgsType()
export class CompleteAccessReviewArgs {
  @Field(() => ID)
  @MaxLength(64)
  teamId: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(REVIEW_NOTE_MAX, { message: 'Keep the note to 1,000 characters.' })
  note?: string | null;
}

/** What happens to the API keys a departing member created. */
export enum DepartingMemberKeys {
  KEEP = 'KEEP',
  REVOKE = 'REVOKE',
}
registerEnumType(DepartingMemberKeys, {
  name: 'DepartingMemberKeys',
  description: 'What happens to the API keys a departing member created.',
});

@InputType()
export class UpdateTeamInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsTrimmedLength(1, 80, TEAM_NAME_RULE)
  name?: string | null;

  /** An empty string clears the description. */
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500, { message: DESCRIPTION_RULE })
  description?: string | null;

  /** Markdown, stored as written (the web app renders it without HTML); empty clears them. */
  @Field(() => String, {
    nullable: true,
    description: 'OWNER or ADMIN; audited as team.guidelines_updated.',
  })
  @IsOptional()
  @MaxLength(GUIDELINES_MAX, { message: GUIDELINES_RULE })
  guidelines?: string | null;
}
