import type { UsageInterval } from '../../gql/graphql';
import { INTERVAL_MS } from './ranges';

/** The parts of a `Usage` the live view folds ticks into (what the usage pages select). */
export interface FoldableUsage {
  from: string;
  to: string;
  interval: UsageInterval;
  totalRequests: number;
  errorRequests: number;
  errorRate: number;
  series: readonly { __typename: 'UsagePoint'; at: string; requests: number; errors: number }[];
  statusCodes: readonly { __typename: 'StatusCodeCount'; status: number; count: number }[];
}

/** What `Subscription.usageTicks` pushes: counts added since the key's previous tick. */
export interface UsageDelta {
  apiKeyId: string;
  at: string;
  requests: number;
  errors: number;
  statusCodes: readonly { status: number; count: number }[];
}

function rate(errors: number, total: number): number {
  return total === 0 ? 0 : errors / total;
}

/**
 * Moves a fixed-length window on so that its last bucket holds `nowMs`: new (empty) buckets are
 * appended and as many of the oldest dropped, with their counts taken off the totals (status codes
 * have no per-bucket split and stay as they are). The same object when nothing moves.
 */
export function slideWindow<U extends FoldableUsage>(usage: U, nowMs: number): U {
  const step = INTERVAL_MS[usage.interval];
  const n = usage.series.length;
  const last = usage.series[n - 1];
  if (!last) return usage;
  const end = Date.parse(last.at) + step;
  if (!(nowMs >= end)) return usage;
  const added = Math.floor((nowMs - end) / step) + 1;
  const fresh = Array.from({ length: Math.min(added, n) }, (_, i) => ({
    __typename: 'UsagePoint' as const,
    at: new Date(end + (added - Math.min(added, n) + i) * step).toISOString(),
    requests: 0,
    errors: 0,
  }));
  const dropped = usage.series.slice(0, Math.min(added, n));
  const kept = usage.series.slice(Math.min(added, n));
  const totalRequests = Math.max(
    0,
    usage.totalRequests - dropped.reduce((sum, p) => sum + p.requests, 0),
  );
  const errorRequests = Math.max(
    0,
    usage.errorRequests - dropped.reduce((sum, p) => sum + p.errors, 0),
  );
  return {
    ...usage,
    from: new Date(Date.parse(usage.from) + added * step).toISOString(),
    to: new Date(Date.parse(usage.to) + added * step).toISOString(),
    series: [...kept, ...fresh],
    totalRequests,
    errorRequests,
    errorRate: rate(errorRequests, totalRequests),
  };
}

function mergeStatusCodes(
  existing: FoldableUsage['statusCodes'],
  added: UsageDelta['statusCodes'],
): FoldableUsage['statusCodes'] {
  const counts = new Map(existing.map((s) => [s.status, s.count]));
  for (const { status, count } of added) counts.set(status, (counts.get(status) ?? 0) + count);
  return [...counts]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => ({ __typename: 'StatusCodeCount' as const, status, count }));
}

/**
 * Adds a tick to a range's usage: the window first slides on to the tick's time (or `nowMs`,
 * whichever is later), then the counts go into the totals, the bucket holding `tick.at` and the
 * status codes. A tick older than the window is ignored.
 */
export function foldTick<U extends FoldableUsage>(usage: U, tick: UsageDelta, nowMs: number): U {
  const at = Date.parse(tick.at);
  const slid = slideWindow(usage, Math.max(nowMs, Number.isNaN(at) ? 0 : at));
  const first = slid.series[0];
  if (!first || Number.isNaN(at) || (tick.requests === 0 && tick.errors === 0)) return slid;
  const index = Math.floor((at - Date.parse(first.at)) / INTERVAL_MS[slid.interval]);
  if (index < 0 || index >= slid.series.length) return slid;
  const totalRequests = slid.totalRequests + tick.requests;
  const errorRequests = slid.errorRequests + tick.errors;
  return {
    ...slid,
    series: slid.series.map((point, i) =>
      i === index
        ? {
            ...point,
            requests: point.requests + tick.requests,
            errors: point.errors + tick.errors,
          }
        : point,
    ),
    totalRequests,
    errorRequests,
    errorRate: rate(errorRequests, totalRequests),
    statusCodes: mergeStatusCodes(slid.statusCodes, tick.statusCodes),
  };
}

/** Adds a tick to a month-to-date count when the tick falls in the same UTC month. */
export function foldTickIntoMonth<U extends { from: string; totalRequests: number }>(
  usage: U,
  tick: UsageDelta,
): U {
  const from = new Date(usage.from);
  const at = new Date(tick.at);
  if (
    tick.requests === 0 ||
    at.getUTCFullYear() !== from.getUTCFullYear() ||
    at.getUTCMonth() !== from.getUTCMonth()
  ) {
    return usage;
  }
  return { ...usage, totalRequests: usage.totalRequests + tick.requests };
}
