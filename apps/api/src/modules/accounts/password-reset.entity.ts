import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A mailed reset link. Only the SHA-256 of its token is stored; it works once, within an hour. */
@Entity('password_resets')
export class PasswordReset {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index()
  @Column({ type: 'varchar', length: 36 })
  userId: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  tokenHash: string;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  usedAt: Date | null;
}
