import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLSafeInt } from 'graphql-scalars';
import { keyStatus as coreKeyStatus } from '@partner-portal/keys';

export enum Environment {
  DEVELOPMENT = 'DEVELOPMENT',
  PRODUCTION = 'PRODUCTION',
}
registerEnumType(Environment, { name: 'Environment' });

export enum KeyExpiration {
  NEVER = 'NEVER',
  DAYS_30 = 'DAYS_30',
  DAYS_90 = 'DAYS_90',
  DAYS_180 = 'DAYS_180',
}
registerEnumType(KeyExpiration, { name: 'KeyExpiration' });

export const EXPIRATION_DAYS: Record<KeyExpiration, number | null> = {
  NEVER: null,
  DAYS_30: 30,
  DAYS_90: 90,
  DAYS_180: 180,
};

export enum KeyStatus {
  ACTIVE = 'ACTIVE',
  EXPIRED = 'EXPIRED',
  REVOKED = 'REVOKED',
}
registerEnumType(KeyStatus, { name: 'KeyStatus' });

/** An API key's metadata. The secret itself is never stored: only its SHA-256. */
@ObjectType()
@Entity('api_keys')
@Index('IDX_api_keys_team', ['teamId', 'createdAt'])
export class ApiKey {
  @Field(() => ID)
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  teamId: string;

  @Field()
  @Column({ type: 'varchar', length: 80 })
  name: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 500, nullable: true })
  description: string | null;

  @Field(() => Environment)
  @Column({ type: 'varchar', length: 12 })
  environment: Environment;

  @Field({ description: "The key's first characters, safe to display (never the whole secret)." })
  @Column({ type: 'varchar', length: 20 })
  start: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  keyHash: string;

  @Field()
  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'varchar', length: 36, nullable: true })
  createdById: string | null;

  /** The chosen lifetime in days (null: never expires); a rotation gives the new key the same. */
  @Column({ type: 'integer', nullable: true })
  expirationDays: number | null;

  @Field(() => Date, { nullable: true, description: 'null: never expires.' })
  @Column({ type: 'datetime', precision: 3, nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'datetime', precision: 3, nullable: true })
  lastUsedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'datetime', precision: 3, nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  revokedById: string | null;

  @Field(() => GraphQLSafeInt, {
    nullable: true,
    description: 'Requests allowed per calendar month (UTC); null: no limit.',
  })
  @Column({
    type: 'bigint',
    nullable: true,
    transformer: {
      to: (v: number | null) => v,
      from: (v: string | number | null) => (v === null ? null : Number(v)),
    },
  })
  monthlyRequestLimit: number | null;

  @Field(() => Int, { nullable: true, description: 'Requests allowed per minute; null: no limit.' })
  @Column({ type: 'integer', nullable: true })
  rateLimitPerMinute: number | null;

  /** The key this one replaced when it was made by a rotation. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  replacesId: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  replacedById: string | null;

  @Field(() => Date, {
    nullable: true,
    description:
      'When an OWNER or ADMIN acknowledged that the secret was stored securely (the "Store keys securely" checklist item); null: not yet.',
  })
  @Column({ type: 'datetime', precision: 3, nullable: true })
  secretStoredAt: Date | null;
}

/** Derived, never stored: REVOKED once revoked, EXPIRED from the instant `expiresAt` passes, else ACTIVE. */
/** The key's status at `now`: the one rule of @partner-portal/keys, as the GraphQL enum. */
export function keyStatus(key: Pick<ApiKey, 'revokedAt' | 'expiresAt'>, now: Date): KeyStatus {
  return KeyStatus[coreKeyStatus(key, now)];
}
