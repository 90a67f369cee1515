import type { Database } from '../../core/db/database';
import { User } from '../accounts/user.entity';
import { Membership } from '../teams/membership.entity';
import { Role } from '../teams/role';

export interface TeamPerson {
  userId: string;
  email: string;
  name: string;
  role: Role;
}

/** The members of these teams with their addresses, by team (one query per 500 teams). */
export async function peopleOfTeams(
  db: Database,
  teamIds: string[],
): Promise<Map<string, TeamPerson[]>> {
  const byTeam = new Map<string, TeamPerson[]>();
  const unique = [...new Set(teamIds)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db
      .repository(Membership)
      .createQueryBuilder('m')
      .innerJoin(User, 'u', 'u.id = m.userId')
      .select(['m.teamId AS teamId', 'm.userId AS userId', 'm.role AS role'])
      .addSelect(['u.email AS email', 'u.name AS name'])
      .where('m.teamId IN (:...teamIds)', { teamIds: unique.slice(i, i + 500) })
      .orderBy('m.joinedAt', 'ASC')
      .getRawMany<{ teamId: string; userId: string; role: Role; email: string; name: string }>();
    for (const row of rows) {
      const list = byTeam.get(row.teamId) ?? [];
      list.push({ userId: row.userId, email: row.email, name: row.name, role: row.role });
      byTeam.set(row.teamId, list);
    }
  }
  return byTeam;
}

/** Owners and admins: the team's "admins" in the partner guide's sense (they manage keys and people). */
export const isManager = (person: TeamPerson): boolean =>
  person.role === Role.OWNER || person.role === Role.ADMIN;

/** "an owner", "an admin", "a member", for the line that says why a mail came. */
export const roleWithArticle = (role: Role): string =>
  role === Role.OWNER ? 'an owner' : role === Role.ADMIN ? 'an admin' : 'a member';

/** A date as people read it in a mail: "28 November 2026, 10:37 UTC". */
export function mailDate(date: Date, withTime = true): string {
  const day = date.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  if (!withTime) return day;
  const time = date.toISOString().slice(11, 16);
  return `${day}, ${time} UTC`;
}

/** The ISO 8601 week of a date in UTC, e.g. "2026-W48" (weeks start on Monday; week 1 holds 4 January). */
export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - weekday); // the Thursday of this week decides the year
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
