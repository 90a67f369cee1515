import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Role } from '../teams/role';

export enum InvitationStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  REVOKED = 'REVOKED',
  EXPIRED = 'EXPIRED',
}
registerEnumType(InvitationStatus, { name: 'InvitationStatus' });

@ObjectType()
@Entity('invitations')
@Index('IDX_invitations_team_email', ['teamId', 'email'])
export class Invitation {
  @Field(() => ID)
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  teamId: string;

  @Field()
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Field(() => Role)
  @Column({ type: 'varchar', length: 10 })
  role: Role;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 1000, nullable: true })
  message: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  invitedById: string | null;

  /** SHA-256 of the mailed token; a resend replaces it, so the old link dies. */
  @Column({ type: 'varchar', length: 64, unique: true })
  tokenHash: string;

  @Field()
  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Field()
  @Column({ type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  acceptedAt: Date | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  acceptedById: string | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  revokedAt: Date | null;
}

/** Status is derived, never stored, so it cannot drift from the facts. */
export function invitationStatus(invitation: Invitation, now: Date): InvitationStatus {
  if (invitation.acceptedAt) return InvitationStatus.ACCEPTED;
  if (invitation.revokedAt) return InvitationStatus.REVOKED;
  if (invitation.expiresAt.getTime() <= now.getTime()) return InvitationStatus.EXPIRED;
  return InvitationStatus.PENDING;
}
