import type { Logger } from 'pino';
import { IsNull, type EntityManager } from 'typeorm';
import type { Principal } from '../../core/auth/principal';
import type { Loaders } from '../../core/context';
import type { Clock } from '../../core/clock';
import type { Database } from '../../core/db/database';
import { RowsBy } from '../../core/db/rows-by';
import { AppError, ErrorCode } from '../../core/errors';
import { Membership } from './membership.entity';
import type { Role } from './role';
import { Team } from './team.entity';
import { TeamErrors } from './teams.errors';

/** What a service needs to know about the caller of one request. */
export interface Caller {
  principal: Principal | null;
  memo: Map<string, Promise<unknown>>;
  /** A request's loaders: teams and the caller's memberships read together (absent: read one by one). */
  loaders?: Pick<Loaders, 'team' | 'membership'>;
  /** Aborted when the caller's operation ends early: live streams stop. */
  signal?: AbortSignal;
}

const ACTIVITY_WRITE_EVERY_MS = 60_000;

/**
 * Team-scoped authorization: the caller's membership, loaded from the database once per request
 * (roles are never read from a token), NOT_FOUND for anyone outside the team.
 */
export class TeamAccess {
  /** Live teams, and a person's memberships, by id: the reads nearly every request makes (core/db/rows-by.ts). */
  private readonly liveTeams: RowsBy<Team>;
  private readonly membershipsOf: RowsBy<Membership>;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    // The caller's team and membership: read by nearly every request, so concurrent requests'
    // reads share statements (coalesce).
    this.liveTeams = new RowsBy(db.dataSource, Team, 'id', {
      where: (c) => `${c('deletedAt')} IS NULL`,
      coalesce: true,
    });
    // With their live team (an inner join: a deleted team's memberships are as good as gone).
    this.membershipsOf = new RowsBy(db.dataSource, Membership, 'teamId', {
      coalesce: true,
      where: (c) => `${c('userId')} = ?`,
      join: {
        property: 'team',
        entity: Team,
        on: 'teamId',
        where: (c) => `${c('deletedAt')} IS NULL`,
      },
    });
  }

  userId(caller: Caller): string {
    const principal = caller.principal;
    if (principal?.kind === 'apiKey')
      throw new AppError(ErrorCode.FORBIDDEN, 'API keys cannot do this: sign in as a person.');
    if (principal?.kind !== 'user')
      throw new AppError(ErrorCode.UNAUTHENTICATED, 'Sign in to do this.');
    return principal.userId;
  }

  /** A team the caller may read: a member's team, or an API key's own team. NOT_FOUND for any other. */
  async read(caller: Caller, teamId: string): Promise<Team> {
    const principal = caller.principal;
    if (principal?.kind !== 'apiKey') return (await this.membership(caller, teamId)).team!;
    if (principal.teamId !== teamId) throw TeamErrors.teamNotFound();
    const key = `team:${teamId}`;
    let team = caller.memo.get(key) as Promise<Team | null> | undefined;
    if (!team) {
      team = caller.loaders
        ? caller.loaders.team.load(teamId)
        : this.db.repository(Team).findOneBy({ id: teamId, deletedAt: IsNull() });
      caller.memo.set(key, team);
    }
    const found = await team;
    if (!found) throw TeamErrors.teamNotFound();
    return found;
  }

  /** The caller's membership of a live team, or NOT_FOUND. */
  membership(caller: Caller, teamId: string): Promise<Membership> {
    const key = `membership:${teamId}`;
    let found = caller.memo.get(key) as Promise<Membership> | undefined;
    if (!found) {
      const userId = this.userId(caller);
      found = (
        caller.loaders
          ? caller.loaders.membership.load(teamId)
          : this.membershipsIn(userId, [teamId]).then(([one]) => one ?? null)
      ).then((membership) => {
        if (!membership) throw TeamErrors.teamNotFound();
        this.touch(membership);
        return membership;
      });
      caller.memo.set(key, found);
    }
    return found;
  }

  /**
   * Memberships the request already read (e.g. `viewer.memberships`, which joins their teams):
   * checks of those teams later in the same request read nothing more.
   */
  remember(caller: Caller, memberships: readonly Membership[]): void {
    const principal = caller.principal;
    if (!caller.loaders || principal?.kind !== 'user') return;
    for (const membership of memberships) {
      if (membership.userId !== principal.userId || !membership.team) continue;
      caller.loaders.membership.prime(membership.teamId, membership);
      caller.loaders.team.prime(membership.teamId, membership.team);
    }
  }

  /** Live teams by id, in the order asked, null for unknown or deleted ones (DataLoader's contract). */
  async teamsByIds(ids: readonly string[]): Promise<Array<Team | null>> {
    const teams = await this.liveTeams.read(ids);
    const byId = new Map(teams.map((t) => [t.id, t]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** A person's memberships of these live teams (with the team), in the order asked, null where none. */
  async membershipsIn(
    userId: string,
    teamIds: readonly string[],
  ): Promise<Array<Membership | null>> {
    const memberships = await this.membershipsOf.read(teamIds, [userId]);
    const byTeam = new Map(memberships.map((m) => [m.teamId, m]));
    return teamIds.map((id) => byTeam.get(id) ?? null);
  }

  /** The caller's membership, provided their role passes `allowed`; FORBIDDEN otherwise. */
  async require(
    caller: Caller,
    teamId: string,
    allowed: (role: Role) => boolean,
    what: string,
  ): Promise<Membership> {
    const membership = await this.membership(caller, teamId);
    if (!allowed(membership.role)) throw TeamErrors.notAllowed(what);
    return membership;
  }

  /** Serializes every membership change of one team: `SELECT … FOR UPDATE` on MySQL, the write turn on SQLite. */
  async lockTeam(m: EntityManager, teamId: string): Promise<Team> {
    const team = await this.db
      .forUpdate(
        m.createQueryBuilder(Team, 't').where('t.id = :teamId AND t.deletedAt IS NULL', { teamId }),
      )
      .getOne();
    if (!team) throw TeamErrors.teamNotFound();
    return team;
  }

  /** Records activity at most about once a minute per member, never on every request. */
  private touch(membership: Membership): void {
    const now = this.clock.now();
    if (
      membership.lastActiveAt &&
      now.getTime() - membership.lastActiveAt.getTime() < ACTIVITY_WRITE_EVERY_MS
    )
      return;
    membership.lastActiveAt = now;
    this.db
      .transaction((m) => m.update(Membership, { id: membership.id }, { lastActiveAt: now }))
      .catch((error: unknown) =>
        this.logger.warn({ err: error }, 'could not record member activity'),
      );
  }
}
