import type { UsageInterval } from '../../gql/graphql';
import type { UsageRange } from './ranges';

const numberFormat = new Intl.NumberFormat();
const percentFormat = new Intl.NumberFormat(undefined, {
  style: 'percent',
  maximumFractionDigits: 1,
});

export const formatCount = (n: number) => numberFormat.format(n);
export const formatPercent = (ratio: number) => percentFormat.format(ratio);

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const weekdayDay = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric' });
const monthDayUtc = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});
const dayTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const longDayUtc = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

/** X axis labels, short enough for the range: times for an hour or a day, days beyond. */
export function formatAxisTick(ms: number, range: UsageRange): string {
  switch (range) {
    case '1h':
    case '24h':
      return time.format(ms);
    case '7d':
      return weekdayDay.format(ms);
    case '30d':
      return monthDayUtc.format(ms);
  }
}

/** Which buckets get an axis label: round times (every 10 minutes, 3 hours, midnight). */
export function axisTicks(points: readonly number[], range: UsageRange): number[] | undefined {
  const every = (test: (d: Date) => boolean) => points.filter((ms) => test(new Date(ms)));
  switch (range) {
    case '1h':
      return every((d) => d.getMinutes() % 10 === 0);
    case '24h':
      return every((d) => d.getHours() % 3 === 0);
    case '7d':
      return every((d) => d.getHours() === 0);
    case '30d':
      return points.filter((_, i) => (points.length - 1 - i) % 5 === 0);
  }
}

/** A bucket in a tooltip: its whole span. */
export function formatBucket(ms: number, interval: UsageInterval): string {
  switch (interval) {
    case 'MINUTE':
      return dayTime.format(ms);
    case 'HOUR':
      return `${dayTime.format(ms)} – ${time.format(ms + 3_600_000)}`;
    case 'DAY':
      return `${longDayUtc.format(ms)} (UTC)`;
  }
}

/** 2xx green, 3xx blue, 429 yellow, other 4xx orange, 5xx red. */
export function statusColor(status: number): string {
  if (status === 429) return 'yellow';
  if (status >= 500) return 'red';
  if (status >= 400) return 'orange';
  if (status >= 300) return 'blue';
  if (status >= 200) return 'teal';
  return 'gray';
}

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad request',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'Not found',
  413: 'Too large',
  429: 'Rate limited',
  500: 'Server error',
  502: 'Bad gateway',
  503: 'Unavailable',
  504: 'Timeout',
};

export function statusReason(status: number): string {
  return REASONS[status] ?? '';
}
