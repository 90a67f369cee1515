import type { UsageInterval } from '../../gql/graphql';

/** The ranges a usage page offers, each with the interval its chart is drawn at. */
export const RANGES = {
  '1h': { label: 'Last hour', interval: 'MINUTE', buckets: 60 },
  '24h': { label: '24 hours', interval: 'HOUR', buckets: 24 },
  '7d': { label: '7 days', interval: 'HOUR', buckets: 168 },
  '30d': { label: '30 days', interval: 'DAY', buckets: 30 },
} as const satisfies Record<string, { label: string; interval: UsageInterval; buckets: number }>;

export type UsageRange = keyof typeof RANGES;

export const RANGE_KEYS = Object.keys(RANGES) as UsageRange[];
export const DEFAULT_RANGE: UsageRange = '24h';

export function isUsageRange(value: unknown): value is UsageRange {
  return typeof value === 'string' && Object.hasOwn(RANGES, value);
}

/** Live updates are on by default for the short ranges, where a minute of traffic shows. */
export function liveByDefault(range: UsageRange): boolean {
  return range === '1h' || range === '24h';
}

export const INTERVAL_MS: Record<UsageInterval, number> = {
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
};

export interface UsageWindow {
  from: string;
  to: string;
  interval: UsageInterval;
}

/**
 * The last `buckets` buckets up to the end of the current one. Rounding to bucket boundaries makes
 * the variables the same for a route loader and its page (one request, one cache entry) and gives
 * the chart exactly `buckets` points, the last one filling up as time goes by.
 */
export function windowOf(interval: UsageInterval, buckets: number, now = Date.now()): UsageWindow {
  const step = INTERVAL_MS[interval];
  const to = Math.floor(now / step) * step + step;
  return {
    from: new Date(to - buckets * step).toISOString(),
    to: new Date(to).toISOString(),
    interval,
  };
}

export function usageWindow(range: UsageRange, now = Date.now()): UsageWindow {
  const { interval, buckets } = RANGES[range];
  return windowOf(interval, buckets, now);
}

/** From the first of the current UTC month to the end of today, by day: what a monthly limit counts. */
export function monthWindow(now = Date.now()): { monthFrom: string; monthTo: string } {
  const date = new Date(now);
  const from = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  const day = INTERVAL_MS.DAY;
  return {
    monthFrom: new Date(from).toISOString(),
    monthTo: new Date(Math.floor(now / day) * day + day).toISOString(),
  };
}

/** The keys table's sparklines: the last 24 hours, by hour. */
export function sparklineWindow(now = Date.now()): { usageFrom: string; usageTo: string } {
  const { from, to } = windowOf('HOUR', 24, now);
  return { usageFrom: from, usageTo: to };
}

/** The dashboard's "has this team's traffic started" window: the last 30 days, by day. */
export function recentWindow(now = Date.now()): { since: string; until: string } {
  const { from, to } = windowOf('DAY', 30, now);
  return { since: from, until: to };
}
