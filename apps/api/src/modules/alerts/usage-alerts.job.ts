import type { Logger } from 'pino';
import { In, IsNull, type EntityManager } from 'typeorm';
import type { Database } from '../../core/db/database';
import { composeMail, type Mailer } from '../../core/mail';
import { ApiKey, KeyStatus, keyStatus } from '../api-keys/api-key.entity';
import { emptyTally, type JobClaims, type Tally } from '../jobs/job-claims';
import { isManager, mailDate, peopleOfTeams, roleWithArticle } from '../jobs/recipients';
import { count, type Job } from '../jobs/scheduler';
import { Team } from '../teams/team.entity';
import { TEAM_SUBJECT, UsageAlert, UsageAlertKind, UsageAlertState } from './usage-alert.entity';

/** ERROR_RATE looks at the last 5 minutes (the current minute and the four before it) … */
export const ERROR_WINDOW_MINUTES = 5;
/** … and judges only with at least this many requests in them. */
export const ERROR_MIN_REQUESTS = 20;

/** One measured subject of an alert: its share now, or null when there is too little to judge. */
interface Measure {
  subject: string;
  value: number | null;
}

type Sums = { requests: number; errors: number };

const percent = (share: number): string => `${Math.round(share * 1000) / 10}`.replace(/\.0$/, '');

/**
 * Checks every usage alert on each tick and mails owners and admins once per crossing.
 *
 * - MONTHLY_QUOTA: the share of a key's monthly limit used this calendar month (UTC), read from
 *   the hourly rollups as the limit itself counts. A team-wide alert watches each active key with
 *   a monthly limit on its own (each key crosses, mails and re-arms separately).
 * - ERROR_RATE: failed requests (HTTP status 400 and above, or a GraphQL answer with errors, as the
 *   rollups count them) over all requests in the last 5 minutes, judged only with at least 20
 *   requests; with fewer, nothing changes. A team-wide alert watches the team's traffic together.
 *
 * A crossing (share ≥ threshold while armed) disarms the alert's state with one conditional
 * UPDATE `armed = 1 → 0`: of several processes, exactly one succeeds, counts the crossing and sets
 * `lastTriggeredAt`. Its mails are claimed per person and crossing, so a failed mail is retried on
 * a later tick and none is sent twice. A share below the threshold re-arms it.
 */
export class UsageAlertsJob implements Job {
  readonly name = 'usage-alerts';

  constructor(
    private readonly deps: { db: Database; mailer: Mailer; publicUrl: string; logger: Logger },
  ) {}

  async run(now: Date, claims: JobClaims): Promise<Tally> {
    const tally = emptyTally();
    const { db } = this.deps;
    const alerts = await db
      .repository(UsageAlert)
      .createQueryBuilder('a')
      .innerJoin(Team, 't', 't.id = a.teamId AND t.deletedAt IS NULL')
      .getMany();
    if (alerts.length === 0) return tally;
    const teamIds = [...new Set(alerts.map((a) => a.teamId))];

    const keys = (
      await db.repository(ApiKey).find({ where: { teamId: In(teamIds), revokedAt: IsNull() } })
    ).filter((k) => keyStatus(k, now) === KeyStatus.ACTIVE);
    const keysByTeam = new Map<string, ApiKey[]>();
    for (const key of keys)
      keysByTeam.set(key.teamId, [...(keysByTeam.get(key.teamId) ?? []), key]);

    const monthly = await this.monthlyUsage(
      keys.filter((k) => k.monthlyRequestLimit !== null).map((k) => k.id),
      now,
    );
    const window = await this.errorWindow(teamIds, now);
    const states = new Map(
      (await db.repository(UsageAlertState).findBy({ alertId: In(alerts.map((a) => a.id)) })).map(
        (s) => [`${s.alertId}|${s.subject}`, s],
      ),
    );

    for (const alert of alerts) {
      for (const { subject, value } of this.measure(alert, keysByTeam, monthly, window)) {
        if (value === null) continue;
        const state = states.get(`${alert.id}|${subject}`);
        try {
          if (value >= alert.threshold) {
            if (!state || state.armed === 1)
              await this.trigger(alert, subject, value, now, state !== undefined);
          } else if (state && state.armed === 0) {
            await this.rearm(alert.id, subject);
          }
        } catch (error) {
          this.deps.logger.error({ err: error, alertId: alert.id }, 'usage alert check failed');
        }
      }
    }

    // Mails of every crossing not yet fully mailed: the ones just found, and failed ones to retry.
    const pending = await db
      .repository(UsageAlertState)
      .createQueryBuilder('s')
      .where('s.alertId IN (:...ids) AND s.crossings > s.notifiedCrossings', {
        ids: alerts.map((a) => a.id),
      })
      .getMany();
    if (pending.length === 0) return tally;
    const alertsById = new Map(alerts.map((a) => [a.id, a]));
    const people = await peopleOfTeams(
      db,
      pending.map((s) => alertsById.get(s.alertId)!.teamId),
    );
    const teams = new Map(
      (await db.repository(Team).findBy({ id: In(teamIds) })).map((t) => [t.id, t]),
    );
    const keysById = new Map(keys.map((k) => [k.id, k]));
    for (const state of pending) {
      const alert = alertsById.get(state.alertId)!;
      const managers = (people.get(alert.teamId) ?? []).filter(isManager);
      const key =
        state.subject === TEAM_SUBJECT
          ? null
          : (keysById.get(state.subject) ??
            (await db.repository(ApiKey).findOneBy({ id: state.subject })));
      const claimKeys = managers.map(
        (p) => `usage-alert:${alert.id}:${state.subject}:${state.crossings}:${p.userId}`,
      );
      const open = new Set(await claims.open(claimKeys));
      for (const [i, person] of managers.entries()) {
        if (!open.has(claimKeys[i]!)) continue;
        const outcome = await claims.run(claimKeys[i]!, () =>
          this.deps.mailer.send(
            composeMail(person.email, {
              ...this.content(alert, state, key, teams.get(alert.teamId)?.name ?? 'your team'),
              footer: `You receive this as ${roleWithArticle(person.role)} of ${teams.get(alert.teamId)?.name ?? 'your team'}. This alert mails once when usage crosses ${percent(alert.threshold)} %, and again only after it has fallen back below.`,
            }),
          ),
        );
        count(tally, outcome);
      }
      if (await claims.allEnded(claimKeys))
        await this.write((m) =>
          m
            .createQueryBuilder()
            .update(UsageAlertState)
            .set({ notifiedCrossings: state.crossings })
            .where('alertId = :alertId AND subject = :subject AND notifiedCrossings < :n', {
              alertId: state.alertId,
              subject: state.subject,
              n: state.crossings,
            })
            .execute(),
        );
    }
    return tally;
  }

  private measure(
    alert: UsageAlert,
    keysByTeam: Map<string, ApiKey[]>,
    monthly: Map<string, number>,
    window: Map<string, Sums & { teamId: string }>,
  ): Measure[] {
    const teamKeys = keysByTeam.get(alert.teamId) ?? [];
    const watched = alert.apiKeyId ? teamKeys.filter((k) => k.id === alert.apiKeyId) : teamKeys;
    if (alert.kind === UsageAlertKind.MONTHLY_QUOTA) {
      return watched
        .filter((k) => k.monthlyRequestLimit !== null && k.monthlyRequestLimit > 0)
        .map((k) => ({ subject: k.id, value: (monthly.get(k.id) ?? 0) / k.monthlyRequestLimit! }));
    }
    const rate = (sums: Sums): number | null =>
      sums.requests >= ERROR_MIN_REQUESTS ? sums.errors / sums.requests : null;
    if (alert.apiKeyId) {
      if (watched.length === 0) return [];
      return [
        {
          subject: alert.apiKeyId,
          value: rate(window.get(alert.apiKeyId) ?? { requests: 0, errors: 0 }),
        },
      ];
    }
    const team: Sums = { requests: 0, errors: 0 };
    for (const sums of window.values())
      if (sums.teamId === alert.teamId) {
        team.requests += sums.requests;
        team.errors += sums.errors;
      }
    return [{ subject: TEAM_SUBJECT, value: rate(team) }];
  }

  /** Requests of each key this calendar month (UTC), from the hourly rollups: one query. */
  private async monthlyUsage(keyIds: string[], now: Date): Promise<Map<string, number>> {
    const used = new Map<string, number>();
    const monthStartHour = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) / 3_600_000;
    for (let i = 0; i < keyIds.length; i += 500) {
      const chunk = keyIds.slice(i, i + 500);
      const rows: Array<{ apiKeyId: string; n: number | string | null }> =
        await this.deps.db.manager.query(
          `SELECT apiKeyId, SUM(requests) AS n FROM usage_hours WHERE apiKeyId IN (${chunk.map(() => '?').join(', ')}) AND hour >= ? GROUP BY apiKeyId`,
          [...chunk, monthStartHour],
        );
      for (const row of rows) used.set(row.apiKeyId, Number(row.n ?? 0));
    }
    return used;
  }

  /** Requests and failures of each key of these teams in the last 5 minutes: one query. */
  private async errorWindow(
    teamIds: string[],
    now: Date,
  ): Promise<Map<string, Sums & { teamId: string }>> {
    const sums = new Map<string, Sums & { teamId: string }>();
    const from = Math.floor(now.getTime() / 60_000) - (ERROR_WINDOW_MINUTES - 1);
    for (let i = 0; i < teamIds.length; i += 500) {
      const chunk = teamIds.slice(i, i + 500);
      const rows: Array<{
        apiKeyId: string;
        teamId: string;
        requests: number | string;
        errors: number | string;
      }> = await this.deps.db.manager.query(
        `SELECT apiKeyId, teamId, SUM(requests) AS requests, SUM(errors) AS errors FROM usage_minutes WHERE teamId IN (${chunk.map(() => '?').join(', ')}) AND minute >= ? GROUP BY apiKeyId, teamId`,
        [...chunk, from],
      );
      for (const row of rows)
        sums.set(row.apiKeyId, {
          teamId: row.teamId,
          requests: Number(row.requests),
          errors: Number(row.errors),
        });
    }
    return sums;
  }

  /** The crossing: exactly one process turns armed 1 → 0 and counts it. */
  /**
   * The crossing: exactly one process turns armed 1 → 0 and counts it. Each step is one statement
   * of its own (no transaction holding locks across them, which two processes could deadlock on).
   */
  private async trigger(
    alert: UsageAlert,
    subject: string,
    value: number,
    now: Date,
    stateExists: boolean,
  ) {
    if (!stateExists)
      await this.write((m) =>
        m
          .createQueryBuilder()
          .insert()
          .into(UsageAlertState)
          .values({
            alertId: alert.id,
            subject,
            armed: 1,
            crossings: 0,
            notifiedCrossings: 0,
            lastValue: null,
            lastTriggeredAt: null,
          })
          .orIgnore()
          .execute(),
      );
    const result = await this.write((m) =>
      m
        .createQueryBuilder()
        .update(UsageAlertState)
        .set({ armed: 0, crossings: () => 'crossings + 1', lastValue: value, lastTriggeredAt: now })
        .where('alertId = :alertId AND subject = :subject AND armed = 1', {
          alertId: alert.id,
          subject,
        })
        .execute(),
    );
    if (result.affected === 1)
      await this.write((m) => m.update(UsageAlert, { id: alert.id }, { lastTriggeredAt: now }));
  }

  /** One write statement; a deadlock victim (MySQL/MariaDB) is tried again, twice at most. */
  private async write<T>(statement: (m: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.db.transaction(statement);
      } catch (error) {
        const code = (error as { driverError?: { code?: unknown } }).driverError?.code;
        if (attempt >= 3 || code !== 'ER_LOCK_DEADLOCK') throw error;
      }
    }
  }

  private async rearm(alertId: string, subject: string) {
    await this.write((m) =>
      m
        .createQueryBuilder()
        .update(UsageAlertState)
        .set({ armed: 1 })
        .where('alertId = :alertId AND subject = :subject AND armed = 0', { alertId, subject })
        .execute(),
    );
  }

  private content(alert: UsageAlert, state: UsageAlertState, key: ApiKey | null, teamName: string) {
    const share = percent(state.lastValue ?? 0);
    const at = state.lastTriggeredAt ? mailDate(state.lastTriggeredAt) : 'just now';
    const base = this.deps.publicUrl;
    const keyName = key ? `"${key.name}" (${key.start}…)` : '';
    const usageUrl = key
      ? `${base}/teams/${alert.teamId}/keys/${key.id}/usage`
      : `${base}/teams/${alert.teamId}/usage`;
    if (alert.kind === UsageAlertKind.MONTHLY_QUOTA) {
      const limit = key?.monthlyRequestLimit ?? null;
      return {
        subject: `API key ${key ? `"${key.name}"` : ''} has used ${share} % of its monthly limit`,
        paragraphs: [
          `The API key ${keyName} of ${teamName} had used ${share} % of its monthly limit${limit ? ` (about ${Math.round((state.lastValue ?? 0) * limit).toLocaleString('en-US')} of ${limit.toLocaleString('en-US')} requests)` : ''} at ${at}, past your alert at ${percent(alert.threshold)} %.`,
          'When it reaches the limit, its requests are refused until the month ends (UTC). Raise the limit, or find out where the requests come from.',
        ],
        action: { label: 'See the usage', url: usageUrl },
      };
    }
    const what = key ? `the API key ${keyName}` : `the API keys of ${teamName}`;
    return {
      subject: `${share} % of requests failing for ${key ? `API key "${key.name}"` : teamName}`,
      paragraphs: [
        `Over the ${ERROR_WINDOW_MINUTES} minutes before ${at}, ${share} % of the requests made with ${what} failed, past your alert at ${percent(alert.threshold)} %.`,
        'Look at the status codes on the usage page: many 401 or 403 answers can mean a revoked key still in use, or someone trying a key that is not theirs.',
      ],
      action: { label: 'See the usage', url: usageUrl },
    };
  }
}
