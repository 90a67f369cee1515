import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum UsageAlertKind {
  MONTHLY_QUOTA = 'MONTHLY_QUOTA',
  ERROR_RATE = 'ERROR_RATE',
}
registerEnumType(UsageAlertKind, {
  name: 'UsageAlertKind',
  valuesConfig: {
    MONTHLY_QUOTA: {
      description: "threshold: share of the key's monthly limit used (0.8 = 80 %).",
    },
    ERROR_RATE: {
      description:
        'threshold: share of failed requests over the last 5 minutes, with at least 20 requests.',
    },
  },
});

const double = {
  type: 'double',
  transformer: {
    to: (v: number | null) => v,
    from: (v: string | number | null) => (v === null ? null : Number(v)),
  },
} as const;

@ObjectType({
  description:
    "Mails the team's owners and admins once when usage crosses the threshold; re-arms when it falls back.",
})
@Entity('usage_alerts')
@Index('IDX_usage_alerts_team', ['teamId', 'createdAt'])
export class UsageAlert {
  @Field(() => ID)
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  teamId: string;

  /** null: every key of the team (MONTHLY_QUOTA: each key on its own; ERROR_RATE: the team's traffic together). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  apiKeyId: string | null;

  @Field(() => UsageAlertKind)
  @Column({ type: 'varchar', length: 20 })
  kind: UsageAlertKind;

  @Field(() => Float)
  @Column({ ...double })
  threshold: number;

  @Field()
  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'varchar', length: 36, nullable: true })
  createdById: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'datetime', precision: 3, nullable: true })
  lastTriggeredAt: Date | null;
}

/** The whole team's traffic, as the subject of a team-wide ERROR_RATE alert. */
export const TEAM_SUBJECT = 'team';

/**
 * An alert's state for one watched subject: a key (a key's alert, or each key of a team-wide
 * MONTHLY_QUOTA alert) or the whole team (a team-wide ERROR_RATE alert).
 */
@Entity('usage_alert_states')
export class UsageAlertState {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  alertId: string;

  /** A key id, or TEAM_SUBJECT. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  subject: string;

  /** 1: the next crossing mails; 0: it has mailed and waits for usage to fall back below. */
  @Column({ type: 'integer', default: 1 })
  armed: number;

  /** Crossings so far; the one being mailed is `crossings`. */
  @Column({ type: 'integer', default: 0 })
  crossings: number;

  /** The last crossing whose mails are all done (or given up). */
  @Column({ type: 'integer', default: 0 })
  notifiedCrossings: number;

  /** The share measured at the last crossing. */
  @Column({ ...double, nullable: true })
  lastValue: number | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  lastTriggeredAt: Date | null;
}
