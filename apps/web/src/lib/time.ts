/** Dates as people read them: "3 hours ago", "in 6 days", with the absolute date on hover. */
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const absoluteFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});
const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** [unit, its length in seconds, the smallest distance shown in that unit] */
const UNITS: [Intl.RelativeTimeFormatUnit, number, number][] = [
  ['year', 365 * 86400, 365 * 86400],
  ['month', 30 * 86400, 45 * 86400],
  ['week', 7 * 86400, 14 * 86400],
  ['day', 86400, 22 * 3600],
  ['hour', 3600, 45 * 60],
  ['minute', 60, 45],
];

function toDate(value: string | Date): Date | null {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function formatRelative(value: string | Date, now: Date = new Date()): string {
  const date = toDate(value);
  if (!date) return '';
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return seconds <= 0 ? 'just now' : 'in a few seconds';
  for (const [unit, size, from] of UNITS) {
    if (abs >= from) return relativeFormat.format(Math.round(seconds / size), unit);
  }
  return relativeFormat.format(Math.round(seconds / 60), 'minute');
}

export function formatAbsolute(value: string | Date): string {
  const date = toDate(value);
  return date ? absoluteFormat.format(date) : '';
}

export function formatDay(value: string | Date): string {
  const date = toDate(value);
  return date ? dayFormat.format(date) : '';
}
