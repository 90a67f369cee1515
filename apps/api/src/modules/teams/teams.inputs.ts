import { IsOptional, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { IsTrimmedLength } from '../../core/validation';

export const TEAM_NAME_RULE = 'Enter a team name of 1 to 80 characters.';
export const DESCRIPTION_RULE = 'Keep the description to 500 characters.';

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
}
