import { addDays } from '../../core/clock';
import type { Database } from '../../core/db/database';
import { composeMail, type Mailer } from '../../core/mail';
import { ApiKey } from '../api-keys/api-key.entity';
import { Team } from '../teams/team.entity';
import { emptyTally, type JobClaims, type Tally } from './job-claims';
import { isManager, mailDate, peopleOfTeams, roleWithArticle, type TeamPerson } from './recipients';
import { count, type Job } from './scheduler';

/** Days before expiry at which a reminder is due, most urgent first. */
export const EXPIRY_REMINDER_DAYS = [1, 7, 14] as const;

const DAY_MS = 86_400_000;

/**
 * The reminder stage due for a key expiring at `expiresAt`: the most urgent of 14, 7 and 1 day(s)
 * whose moment has come (null before 14 days, or once expired). A portal that was down over
 * several moments sends only the most urgent one, never three at once.
 */
export function dueStage(expiresAt: Date, now: Date): number | null {
  const left = expiresAt.getTime() - now.getTime();
  if (left <= 0) return null;
  return EXPIRY_REMINDER_DAYS.find((days) => left <= days * DAY_MS) ?? null;
}

/**
 * Expiry reminders: 14, 7 and 1 day before an active key expires, a mail to each of the team's
 * owners and admins and to the key's creator (while still a member of the team), each exactly
 * once (one claim per stage, key and person). Revoked keys get none, and neither do keys already
 * replaced by a rotation (their end is planned: the grace period).
 */
export class ExpiryRemindersJob implements Job {
  readonly name = 'expiry-reminders';

  constructor(private readonly deps: { db: Database; mailer: Mailer; publicUrl: string }) {}

  async run(now: Date, claims: JobClaims): Promise<Tally> {
    const tally = emptyTally();
    const keys = await this.deps.db
      .repository(ApiKey)
      .createQueryBuilder('k')
      .innerJoin(Team, 't', 't.id = k.teamId AND t.deletedAt IS NULL')
      .where('k.revokedAt IS NULL AND k.replacedById IS NULL')
      .andWhere('k.expiresAt > :now AND k.expiresAt <= :horizon', {
        now,
        horizon: addDays(now, Math.max(...EXPIRY_REMINDER_DAYS)),
      })
      .getMany();
    if (keys.length === 0) return tally;

    const units: Array<{ claimKey: string; key: ApiKey; stage: number; person: TeamPerson }> = [];
    const people = await peopleOfTeams(
      this.deps.db,
      keys.map((k) => k.teamId),
    );
    for (const key of keys) {
      const stage = dueStage(key.expiresAt!, now);
      if (stage === null) continue;
      for (const person of recipients(people.get(key.teamId) ?? [], key)) {
        units.push({
          claimKey: `expiry-reminder:${stage}:${key.id}:${person.userId}`,
          key,
          stage,
          person,
        });
      }
    }
    const open = new Set(await claims.open(units.map((u) => u.claimKey)));
    const teams = new Map<string, Team | null>();
    for (const unit of units) {
      if (!open.has(unit.claimKey)) continue;
      const outcome = await claims.run(unit.claimKey, async () => {
        if (!teams.has(unit.key.teamId))
          teams.set(
            unit.key.teamId,
            await this.deps.db.repository(Team).findOneBy({ id: unit.key.teamId }),
          );
        await this.deps.mailer.send(
          this.mail(unit.key, unit.person, teams.get(unit.key.teamId)!, now),
        );
      });
      count(tally, outcome);
    }
    return tally;
  }

  private mail(key: ApiKey, person: TeamPerson, team: Team | null, now: Date) {
    const teamName = team?.name ?? 'your team';
    const daysLeft = Math.ceil((key.expiresAt!.getTime() - now.getTime()) / DAY_MS);
    const when = daysLeft <= 1 ? 'within a day' : `in ${daysLeft} days`;
    const why = [
      ...(isManager(person) ? [`${roleWithArticle(person.role)} of ${teamName}`] : []),
      ...(key.createdById === person.userId ? ['the creator of this key'] : []),
    ].join(' and ');
    return composeMail(person.email, {
      subject: `API key "${key.name}" expires ${when}`,
      paragraphs: [
        `Hello ${person.name},`,
        `The ${key.environment.toLowerCase()} API key "${key.name}" (${key.start}…) of ${teamName} expires on ${mailDate(key.expiresAt!)}. After that, every request made with it is refused.`,
        'To keep your applications working, rotate the key (a new key with the same settings; the old one keeps working for a grace period) and put the new secret in your applications before then. If nobody needs the key any more, revoke it.',
      ],
      action: {
        label: 'Open the key',
        url: `${this.deps.publicUrl}/teams/${key.teamId}/keys/${key.id}`,
      },
      footer: `You receive this as ${why}. Reminders are sent 14, 7 and 1 day before a key expires.`,
    });
  }
}

/** The team's owners and admins, and the key's creator while a member of the team; each once. */
function recipients(people: TeamPerson[], key: ApiKey): TeamPerson[] {
  return people.filter((p) => isManager(p) || p.userId === key.createdById);
}
