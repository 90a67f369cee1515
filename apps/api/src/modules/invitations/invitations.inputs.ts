import { IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { IsEmailAddress } from '../../core/validation';
import { Role } from '../teams/role';
import { InvitationStatus } from './invitation.entity';

export const MESSAGE_MAX = 1000;

@InputType()
export class InviteMemberInput {
  @Field(() => ID)
  @MaxLength(64)
  teamId: string;

  @Field()
  @IsEmailAddress()
  email: string;

  @Field(() => Role, { nullable: true, defaultValue: Role.MEMBER })
  role: Role;

  @Field(() => String, {
    nullable: true,
    description:
      'Plain text, up to 1,000 characters, shown in the mail and on the acceptance page.',
  })
  @IsOptional()
  @MaxLength(MESSAGE_MAX, { message: `Keep the message to ${MESSAGE_MAX} characters.` })
  message?: string | null;
}

@ObjectType({ description: 'What the acceptance page may show before the invitee signs in.' })
export class InvitationPreview {
  @Field()
  teamName: string;

  @Field()
  email: string;

  @Field(() => Role)
  role: Role;

  @Field(() => String, { nullable: true })
  message: string | null;

  @Field(() => String, { nullable: true })
  invitedByName: string | null;

  @Field(() => InvitationStatus)
  status: InvitationStatus;

  @Field()
  expiresAt: Date;

  @Field(() => String, {
    nullable: true,
    description:
      "The team's guidelines (Markdown), for the invitee to read before joining; null unless the invitation is pending.",
  })
  guidelines: string | null;
}
