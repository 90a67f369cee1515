import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../accounts/user.entity';
import { Role } from './role';
import { Team } from './team.entity';

@ObjectType({ description: "A person's place in a team." })
@Entity('memberships')
@Index('UQ_memberships_team_user', ['teamId', 'userId'], { unique: true })
export class Membership {
  @Field(() => ID)
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  teamId: string;

  @Index('IDX_memberships_userId')
  @Column({ type: 'varchar', length: 36 })
  userId: string;

  @Field(() => Role)
  @Column({ type: 'varchar', length: 10 })
  role: Role;

  @Field()
  @Column({ type: 'datetime', precision: 3 })
  joinedAt: Date;

  @Field(() => Date, {
    nullable: true,
    description: 'Last time this member did anything in this team.',
  })
  @Column({ type: 'datetime', precision: 3, nullable: true })
  lastActiveAt: Date | null;

  @Field(() => Date, {
    nullable: true,
    description:
      "When this member last confirmed reading the team's guidelines (acknowledgeTeamGuidelines); null: never.",
  })
  @Column({ type: 'datetime', precision: 3, nullable: true })
  guidelinesAcknowledgedAt?: Date | null;

  @ManyToOne(() => Team, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'teamId' })
  team?: Team;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: User;
}
