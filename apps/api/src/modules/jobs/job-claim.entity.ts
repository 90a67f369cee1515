import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ClaimStatus = 'running' | 'done' | 'failed';

/**
 * One unit of scheduled work, named by its key (`expiry-reminder:14:<keyId>:<userId>`, …). The
 * key is the primary key: of several processes inserting it, exactly one succeeds and does the
 * work. Never exposed through the API.
 */
@Entity('job_claims')
export class JobClaim {
  @PrimaryColumn({ type: 'varchar', length: 160 })
  claimKey: string;

  @Column({ type: 'varchar', length: 10 })
  status: ClaimStatus;

  /** Who holds it now: a fresh id per claim, so a late finish of a retaken claim changes nothing. */
  @Column({ type: 'varchar', length: 36 })
  token: string;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'datetime', precision: 3 })
  claimedAt: Date;

  /** While running: after this, the holder is presumed dead and another process may retake it. */
  @Column({ type: 'datetime', precision: 3 })
  leaseUntil: Date;

  /** When failed: the earliest retry (null: given up after the last attempt). */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  nextAttemptAt: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  finishedAt: Date | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  lastError: string | null;
}
