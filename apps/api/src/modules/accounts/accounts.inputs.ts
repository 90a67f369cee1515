import { Length } from 'class-validator';
import { ArgsType, Field, InputType, ObjectType } from 'type-graphql';
import { IsEmailAddress, IsTrimmedLength } from '../../core/validation';
import { PASSWORD_MAX, PASSWORD_MIN } from './password';
import { User } from './user.entity';

const PASSWORD_RULE = `Use ${PASSWORD_MIN} to ${PASSWORD_MAX} characters.`;

@InputType()
export class SignUpInput {
  @Field()
  @IsEmailAddress()
  email: string;

  @Field()
  @IsTrimmedLength(1, 100, 'Enter your name (up to 100 characters).')
  name: string;

  @Field()
  @Length(PASSWORD_MIN, PASSWORD_MAX, { message: PASSWORD_RULE })
  password: string;
}

@InputType()
export class LogInInput {
  @Field()
  @IsEmailAddress()
  email: string;

  /** Any length is accepted here: a wrong password is just wrong, whatever its length (up to the maximum). */
  @Field()
  @Length(1, PASSWORD_MAX, { message: 'Enter your password.' })
  password: string;
}

@ArgsType()
export class RequestPasswordResetArgs {
  @Field()
  @IsEmailAddress()
  email: string;
}

@ArgsType()
export class ResetPasswordArgs {
  @Field()
  @Length(1, 200, { message: 'This reset link is not valid.' })
  token: string;

  @Field()
  @Length(PASSWORD_MIN, PASSWORD_MAX, { message: PASSWORD_RULE })
  password: string;
}

@ObjectType()
export class AuthPayload {
  @Field({ description: 'A session token: send it as `Authorization: Bearer <token>`.' })
  token: string;

  @Field(() => User)
  user: User;
}

@ObjectType()
export class Viewer {
  @Field(() => User)
  user: User;
}
