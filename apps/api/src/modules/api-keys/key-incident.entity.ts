import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLSafeInt } from 'graphql-scalars';

export enum CompromiseAction {
  REVOKE = 'REVOKE',
  ROTATE = 'ROTATE',
}
registerEnumType(CompromiseAction, {
  name: 'CompromiseAction',
  valuesConfig: {
    REVOKE: { description: 'Revoke the key at once.' },
    ROTATE: {
      description:
        'Revoke the key at once and create a replacement with the same settings (its secret is returned once).',
    },
  },
});

/** Who reported an incident: a person of the team, or a code host's secret scanner. */
export type IncidentSource = 'PERSON' | 'SECRET_SCANNING';

/** At most this many characters of `details`. */
export const INCIDENT_DETAILS_MAX = 2000;
/** At most this many characters of `foundAt` (a scanner's URL). */
export const FOUND_AT_MAX = 2048;

const bigint = {
  to: (v: number) => v,
  from: (v: string | number | null) => (v === null ? 0 : Number(v)),
};

/** A key reported as compromised, by a person or by a secret scanner. */
@ObjectType({ description: 'A key reported as compromised, by a person or by a secret scanner.' })
@Entity('key_incidents')
@Index('IDX_key_incidents_team', ['teamId', 'createdAt'])
@Index('IDX_key_incidents_key', ['apiKeyId', 'createdAt'])
export class KeyIncident {
  @Field(() => ID)
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  teamId: string;

  @Column({ type: 'varchar', length: 36 })
  apiKeyId: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  reportedById: string | null;

  @Field(() => String, { description: 'PERSON or SECRET_SCANNING' })
  @Column({ type: 'varchar', length: 20 })
  source: IncidentSource;

  @Field(() => CompromiseAction)
  @Column({ type: 'varchar', length: 10 })
  action: CompromiseAction;

  @Field(() => String, {
    nullable: true,
    description: "What happened, for the team and the provider's support.",
  })
  @Column({ type: 'varchar', length: INCIDENT_DETAILS_MAX, nullable: true })
  details: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Where a scanner found it (e.g. a public commit URL).',
  })
  @Column({ type: 'varchar', length: FOUND_AT_MAX, nullable: true })
  foundAt: string | null;

  @Field()
  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Field(() => GraphQLSafeInt, {
    description:
      'Requests made with this key and refused since it was reported: someone still trying it. Written about once a second by each process that refuses it.',
  })
  @Column({ type: 'bigint', default: 0, transformer: bigint })
  rejectedAttempts: number;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'datetime', precision: 3, nullable: true })
  lastRejectedAt: Date | null;
}

/** A client address the refused attempts of an incident's key came from. */
@ObjectType({
  description: 'A client address that refused attempts with a reported key came from.',
})
@Entity('key_incident_addresses')
export class RejectedAddress {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  incidentId: string;

  @Field({ description: 'The client address (IPv4 or IPv6) as the refusing service saw it.' })
  @PrimaryColumn({ type: 'varchar', length: 64 })
  address: string;

  @Field(() => GraphQLSafeInt)
  @Column({ type: 'bigint', default: 0, transformer: bigint })
  attempts: number;

  @Field()
  @Column({ type: 'datetime', precision: 3 })
  lastSeenAt: Date;
}
