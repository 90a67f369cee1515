import { TurnBatch } from '../../core/db/turn-batch';
import type { Clock } from '../../core/clock';
import { AppError } from '../../core/errors';
import type { Live } from '../../core/live';
import type { ApiKeysService } from '../api-keys/api-keys.service';
import type { Caller, TeamAccess } from '../teams/team-access';
import type { UsageDelta } from './usage.recorder';
import type { Loaders } from '../../core/context';
import type { ApiKey } from '../api-keys/api-key.entity';
import type { Grain, KeyRowsRequest, UsageRow, UsageStore } from './usage-store';
import { INTERVAL_MS, UsageInterval, type Usage, type UsageTick } from './usage.types';

export const MAX_POINTS = 1500;
const GRAIN_MS: Record<Grain, number> = { minute: 60_000, hour: 3_600_000 };
const topic = (teamId: string) => `usage:${teamId}`;

/** Usage reads (series, totals, status codes) and live ticks, scoped to what the caller may read. */
export class UsageService {
  constructor(
    private readonly deps: {
      store: UsageStore;
      access: TeamAccess;
      apiKeys: ApiKeysService;
      live: Live;
      clock: Clock;
      /** Whether requests of one turn share their usage reads (turn-batch.ts sharesTurns). */
      shareReads: boolean;
    },
  ) {
    this.keyRowsOfTurn = new TurnBatch<KeyRowsRequest, UsageRow[]>((reads) => {
      const rows = this.keyRowsNow(reads);
      return reads.map((_, i) => rows.then((all) => all[i]!));
    }, deps.shareReads);
  }

  async forTeam(
    caller: Caller,
    teamId: string,
    from: Date,
    to: Date,
    interval: UsageInterval,
  ): Promise<Usage> {
    await this.deps.access.read(caller, teamId);
    return this.compute(from, to, interval, (grain, start, end) =>
      this.deps.store.rows({ teamId }, grain, start, end),
    );
  }

  /**
   * The usage of a key the request already read and returned (a field of an ApiKey): the caller's
   * right to its team is checked again (memoized per request), the key is not read again, and the
   * rows of every key asked for in the same tick come from one statement (the request's loader).
   */
  async forLoadedKey(
    caller: Caller & { loaders: Pick<Loaders, 'keyUsageRows'> },
    key: Pick<ApiKey, 'id' | 'teamId'>,
    from: Date,
    to: Date,
    interval: UsageInterval,
  ): Promise<Usage> {
    await this.deps.access.read(caller, key.teamId);
    return this.compute(from, to, interval, (grain, start, end) =>
      caller.loaders.keyUsageRows.load({
        teamId: key.teamId,
        apiKeyId: key.id,
        grain,
        from: start,
        to: end,
      }),
    );
  }

  /**
   * A request loader's batch, read together with the other requests' of this turn of the event
   * loop (TurnBatch): the dashboard's usage was the one statement each request still made alone.
   */
  keyRows(requests: readonly KeyRowsRequest[]): Promise<UsageRow[][]> {
    return this.keyRowsOfTurn.loadAll(requests);
  }

  private readonly keyRowsOfTurn: TurnBatch<KeyRowsRequest, UsageRow[]>;

  /** One read per team, grain and range, whatever the number of keys. */
  private async keyRowsNow(requests: readonly KeyRowsRequest[]): Promise<UsageRow[][]> {
    const groups = new Map<string, KeyRowsRequest[]>();
    for (const r of requests) {
      const group = `${r.teamId}|${r.grain}|${r.from}|${r.to}`;
      const list = groups.get(group);
      if (list) list.push(r);
      else groups.set(group, [r]);
    }
    const found = new Map<KeyRowsRequest, UsageRow[]>();
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const { teamId, grain, from, to } = group[0]!;
        const ids = [...new Set(group.map((r) => r.apiKeyId))];
        const byKey = await this.deps.store.rowsOfKeys({ teamId, apiKeyIds: ids }, grain, from, to);
        for (const r of group) found.set(r, byKey.get(r.apiKeyId) ?? []);
      }),
    );
    return requests.map((r) => found.get(r) ?? []);
  }

  /** Sends a flush's per-key deltas to the team's subscribers (in every process, with Redis). */
  publish(delta: UsageDelta): void {
    this.deps.live.publish(topic(delta.teamId), { ...delta, at: delta.at.toISOString() });
  }

  /** The caller's ticks for a team (or one of its keys), after checking they may read them. */
  async subscribe(
    caller: Caller,
    teamId: string,
    apiKeyId?: string | null,
  ): Promise<AsyncIterable<UsageTick>> {
    await this.deps.access.read(caller, teamId);
    if (apiKeyId) {
      const key = await this.deps.apiKeys.get(caller, apiKeyId);
      if (key.teamId !== teamId)
        throw AppError.badInput('apiKeyId', 'This key belongs to another team.');
    }
    const source = this.deps.live.subscribe<Omit<UsageTick, 'at'> & { at: string }>(topic(teamId), {
      buffer: 120,
      signal: caller.signal,
    });
    return (async function* ticks() {
      try {
        for await (const tick of source) {
          if (apiKeyId && tick.apiKeyId !== apiKeyId) continue;
          yield { ...tick, at: new Date(tick.at) };
        }
      } finally {
        await source.return?.();
      }
    })();
  }

  private async compute(
    from: Date,
    to: Date,
    interval: UsageInterval,
    read: (grain: Grain, from: number, to: number) => Promise<UsageRow[]>,
  ): Promise<Usage> {
    const step = INTERVAL_MS[interval];
    if (!(from.getTime() < to.getTime()))
      throw AppError.badInput('from', '`from` must be before `to`.');
    const start = Math.floor(from.getTime() / step) * step;
    const points = Math.ceil((to.getTime() - start) / step);
    if (points > MAX_POINTS) {
      throw AppError.badInput(
        'interval',
        `That range has ${points} ${interval.toLowerCase()}s: ask for at most ${MAX_POINTS} points (a longer interval or a shorter range).`,
      );
    }
    const grain: Grain = interval === UsageInterval.MINUTE ? 'minute' : 'hour';
    const g = GRAIN_MS[grain];
    const rows = await read(grain, start / g, Math.ceil((start + points * step) / g));
    const series = Array.from({ length: points }, (_, i) => ({
      at: new Date(start + i * step),
      requests: 0,
      errors: 0,
    }));
    const codes = new Map<number, number>();
    let totalRequests = 0;
    let errorRequests = 0;
    for (const row of rows) {
      const point = series[Math.floor((row.bucket * g - start) / step)];
      if (!point) continue;
      point.requests += row.requests;
      point.errors += row.errors;
      totalRequests += row.requests;
      errorRequests += row.errors;
      codes.set(row.status, (codes.get(row.status) ?? 0) + row.requests);
    }
    return {
      from,
      to,
      interval,
      totalRequests,
      errorRequests,
      errorRate: totalRequests === 0 ? 0 : errorRequests / totalRequests,
      series,
      statusCodes: [...codes.entries()]
        .sort(([a], [b]) => a - b)
        .map(([status, count]) => ({ status, count })),
    };
  }
}
