import { addDays } from '../../core/clock';
import type { Database } from '../../core/db/database';
import { composeMail, type Mailer } from '../../core/mail';
import { AuditEvent } from '../audit/audit-event.entity';
import { Role } from '../teams/role';
import { Team } from '../teams/team.entity';
import { emptyTally, type JobClaims, type Tally } from './job-claims';
import { mailDate, peopleOfTeams, type TeamPerson } from './recipients';
import { count, type Job } from './scheduler';

/** How long after the last completed access review (or the team's creation) owners are reminded. */
export const REVIEW_EVERY_DAYS = 90;
/** The audit event `completeAccessReview` writes; its latest one is the last completed review. */
export const ACCESS_REVIEWED = 'team.access_reviewed';

const DAY_MS = 86_400_000;

/**
 * The access review reminder. Let L be the moment of the team's latest `team.access_reviewed`
 * audit event, or the team's creation when it has none. From L + 90 days on, owners are reminded
 * once per 90-day period: period n (n ≥ 1) runs from L + 90·n days to L + 90·(n+1) days, and each
 * owner gets at most one mail per period (claim `review-reminder:<team>:<L>:<n>:<owner>`). A
 * portal that was down over several periods sends the current one only. Completing a review
 * moves L, so the next reminder comes 90 days after it.
 */
export function reviewPeriod(lastReview: Date, now: Date): number {
  return Math.floor((now.getTime() - lastReview.getTime()) / (REVIEW_EVERY_DAYS * DAY_MS));
}

export class ReviewReminderJob implements Job {
  readonly name = 'review-reminder';

  constructor(private readonly deps: { db: Database; mailer: Mailer; publicUrl: string }) {}

  async run(now: Date, claims: JobClaims): Promise<Tally> {
    const tally = emptyTally();
    const teams = await this.deps.db
      .repository(Team)
      .createQueryBuilder('t')
      .where('t.deletedAt IS NULL AND t.createdAt <= :since', {
        since: addDays(now, -REVIEW_EVERY_DAYS),
      })
      .getMany();
    if (teams.length === 0) return tally;
    const reviewed = await this.lastReviews(teams.map((t) => t.id));
    const people = await peopleOfTeams(
      this.deps.db,
      teams.map((t) => t.id),
    );

    const units: Array<{
      claimKey: string;
      team: Team;
      last: Date;
      wasReviewed: boolean;
      person: TeamPerson;
    }> = [];
    for (const team of teams) {
      const last = reviewed.get(team.id) ?? team.createdAt;
      const period = reviewPeriod(last, now);
      if (period < 1) continue;
      for (const person of (people.get(team.id) ?? []).filter((p) => p.role === Role.OWNER))
        units.push({
          claimKey: `review-reminder:${team.id}:${last.getTime()}:${period}:${person.userId}`,
          team,
          last,
          wasReviewed: reviewed.has(team.id),
          person,
        });
    }
    const open = new Set(await claims.open(units.map((u) => u.claimKey)));
    for (const unit of units) {
      if (!open.has(unit.claimKey)) continue;
      const outcome = await claims.run(unit.claimKey, () =>
        this.deps.mailer.send(this.mail(unit.team, unit.last, unit.wasReviewed, unit.person, now)),
      );
      count(tally, outcome);
    }
    return tally;
  }

  /** The latest completed review of each team that has one (an index range per team). */
  private async lastReviews(teamIds: string[]): Promise<Map<string, Date>> {
    const found = new Map<string, Date>();
    for (let i = 0; i < teamIds.length; i += 500) {
      const rows = await this.deps.db
        .repository(AuditEvent)
        .createQueryBuilder('e')
        .select('e.teamId', 'teamId')
        .addSelect('MAX(e.createdAt)', 'at')
        .where('e.teamId IN (:...ids) AND e.action = :action', {
          ids: teamIds.slice(i, i + 500),
          action: ACCESS_REVIEWED,
        })
        .groupBy('e.teamId')
        .getRawMany<{ teamId: string; at: Date | string }>();
      for (const row of rows) found.set(row.teamId, parseDbDate(row.at));
    }
    return found;
  }

  private mail(team: Team, last: Date, wasReviewed: boolean, person: TeamPerson, now: Date) {
    const days = Math.floor((now.getTime() - last.getTime()) / DAY_MS);
    return composeMail(person.email, {
      subject: `Time for an access review of ${team.name}`,
      paragraphs: [
        `Hello ${person.name},`,
        wasReviewed
          ? `The last access review of ${team.name} was completed on ${mailDate(last, false)}, ${days} days ago.`
          : `No access review of ${team.name} has been completed since the team was created on ${mailDate(last, false)}, ${days} days ago.`,
        'A review lists members who have not been active for a while, keys that look unused or expire soon, and production keys that never expire. Remove and revoke what is no longer needed, then mark the review complete.',
      ],
      action: {
        label: 'Start the review',
        url: `${this.deps.publicUrl}/teams/${team.id}/security`,
      },
      footer: `You receive this as an owner of ${team.name}: at most once every ${REVIEW_EVERY_DAYS} days until a review is completed.`,
    });
  }
}

/** A raw DATETIME from either driver: a Date (mysql2) or "YYYY-MM-DD HH:MM:SS.mmm" in UTC (SQLite). */
export function parseDbDate(value: Date | string): Date {
  if (value instanceof Date) return value;
  return new Date(`${value.replace(' ', 'T')}${/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? '' : 'Z'}`);
}
