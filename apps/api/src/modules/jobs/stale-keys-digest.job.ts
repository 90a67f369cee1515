import { Brackets } from 'typeorm';
import { addDays } from '../../core/clock';
import type { Database } from '../../core/db/database';
import { composeMail, type Mailer } from '../../core/mail';
import { ApiKey } from '../api-keys/api-key.entity';
import { Team } from '../teams/team.entity';
import { emptyTally, type JobClaims, type Tally } from './job-claims';
import {
  isManager,
  isoWeek,
  mailDate,
  peopleOfTeams,
  roleWithArticle,
  type TeamPerson,
} from './recipients';
import { count, type Job } from './scheduler';

/** A key unused for this long is stale … */
export const STALE_AFTER_DAYS = 30;
/** … and so is one never used this long after it was created. */
export const NEVER_USED_AFTER_DAYS = 7;
/** Keys listed by name in one digest; the rest are counted. */
const LISTED = 50;

/**
 * The weekly digest of stale keys: active keys (neither revoked nor expired) not used for 30 days,
 * or never used 7 days after creation. Each owner and admin of a team with at least one such key
 * gets one digest per ISO week (UTC), on the first tick of the week that finds stale keys; a team
 * without stale keys gets nothing.
 */
export class StaleKeysDigestJob implements Job {
  readonly name = 'stale-keys-digest';

  constructor(private readonly deps: { db: Database; mailer: Mailer; publicUrl: string }) {}

  async run(now: Date, claims: JobClaims): Promise<Tally> {
    const tally = emptyTally();
    const stale = await this.deps.db
      .repository(ApiKey)
      .createQueryBuilder('k')
      .innerJoin(Team, 't', 't.id = k.teamId AND t.deletedAt IS NULL')
      .where('k.revokedAt IS NULL')
      .andWhere('(k.expiresAt IS NULL OR k.expiresAt > :now)', { now })
      .andWhere(
        new Brackets((q) =>
          q
            .where('k.lastUsedAt IS NULL AND k.createdAt <= :neverUsedBefore', {
              neverUsedBefore: addDays(now, -NEVER_USED_AFTER_DAYS),
            })
            .orWhere('k.lastUsedAt <= :unusedSince', {
              unusedSince: addDays(now, -STALE_AFTER_DAYS),
            }),
        ),
      )
      .orderBy('k.createdAt', 'ASC')
      .getMany();
    if (stale.length === 0) return tally;
    const byTeam = new Map<string, ApiKey[]>();
    for (const key of stale) byTeam.set(key.teamId, [...(byTeam.get(key.teamId) ?? []), key]);

    const week = isoWeek(now);
    const people = await peopleOfTeams(this.deps.db, [...byTeam.keys()]);
    const units: Array<{ claimKey: string; teamId: string; person: TeamPerson }> = [];
    for (const teamId of byTeam.keys())
      for (const person of (people.get(teamId) ?? []).filter(isManager))
        units.push({ claimKey: `stale-digest:${teamId}:${week}:${person.userId}`, teamId, person });

    const open = new Set(await claims.open(units.map((u) => u.claimKey)));
    for (const unit of units) {
      if (!open.has(unit.claimKey)) continue;
      const outcome = await claims.run(unit.claimKey, async () => {
        const team = await this.deps.db.repository(Team).findOneBy({ id: unit.teamId });
        await this.deps.mailer.send(
          this.mail(
            team?.name ?? 'your team',
            unit.teamId,
            byTeam.get(unit.teamId)!,
            unit.person,
            week,
          ),
        );
      });
      count(tally, outcome);
    }
    return tally;
  }

  private mail(teamName: string, teamId: string, keys: ApiKey[], person: TeamPerson, week: string) {
    const n = keys.length;
    const lines = keys.slice(0, LISTED).map((k) => {
      const use = k.lastUsedAt
        ? `last used ${mailDate(k.lastUsedAt, false)}`
        : `never used since it was created on ${mailDate(k.createdAt, false)}`;
      return `• ${k.name} (${k.start}…, ${k.environment.toLowerCase()}): ${use}`;
    });
    if (n > LISTED) lines.push(`… and ${n - LISTED} more.`);
    return composeMail(person.email, {
      subject: `${n} API ${n === 1 ? 'key' : 'keys'} of ${teamName} ${n === 1 ? 'looks' : 'look'} unused`,
      paragraphs: [
        `Hello ${person.name},`,
        `${n === 1 ? 'This active key' : `These ${n} active keys`} of ${teamName} ${n === 1 ? 'has' : 'have'} not been used for ${STALE_AFTER_DAYS} days, or ${n === 1 ? 'was' : 'were'} never used in the ${NEVER_USED_AFTER_DAYS} days after ${n === 1 ? 'its' : 'their'} creation:`,
        lines.join('\n'),
        'A key nobody uses can still be leaked and used by someone else. Revoke the keys you no longer need.',
      ],
      action: { label: 'Review the keys', url: `${this.deps.publicUrl}/teams/${teamId}/keys` },
      footer: `You receive this as ${roleWithArticle(person.role)} of ${teamName}: at most one digest a week (this one is for ${week}), and only when the team has unused keys.`,
    });
  }
}
