import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';

/** One change in a team, written in the same transaction as the change itself. */
@ObjectType()
@Entity('audit_events')
@Index('IDX_audit_events_team_seq', ['teamId', 'seq'])
@Index('IDX_audit_events_team_actor_seq', ['teamId', 'actorUserId', 'seq'])
export class AuditEvent {
  /** Insertion order, for stable newest-first paging; never shown. */
  @PrimaryGeneratedColumn('increment')
  seq: number;

  @Field(() => ID)
  @Column({ type: 'varchar', length: 36, unique: true })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  teamId: string;

  @Field({ description: 'e.g. team.created, member.invited, member.role_changed, member.removed' })
  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  actorUserId: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  actorApiKeyId: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 32, nullable: true })
  targetType: string | null;

  @Field(() => ID, { nullable: true })
  @Column({ type: 'varchar', length: 36, nullable: true })
  targetId: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'JSON-encoded details (old and new role, names, …).',
  })
  @Column({ type: 'text', nullable: true })
  details: string | null;

  @Field()
  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}
