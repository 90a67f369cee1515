import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A partner company: its people and (later) its API keys.' })
@Entity('teams')
export class Team {
  @Field(() => ID)
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Field()
  @Column({ type: 'varchar', length: 80 })
  name: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 500, nullable: true })
  description: string | null;

  @Field()
  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Field(() => String, {
    nullable: true,
    description:
      "The team's own rules for its members (Markdown, at most 10,000 characters), shown to each new member.",
  })
  @Column({ type: 'text', nullable: true })
  guidelines: string | null;

  @Field(() => Date, {
    nullable: true,
    description:
      'When the guidelines last changed (null: never written): a member whose guidelinesAcknowledgedAt is older has not seen this version.',
  })
  @Column({ type: 'datetime', precision: 3, nullable: true })
  guidelinesUpdatedAt: Date | null;

  /** Deleted teams are kept (with their audit log) but are invisible to everyone. */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  deletedAt: Date | null;
}
