/**
 * The server's limits, mirrored so the form says what is wrong before sending (the server
 * checks again and its message is shown if it refuses).
 */
export const REVIEW_NOTE_MAX = 1000;
export const INCIDENT_DETAILS_MAX = 2000;

/**
 * A threshold as the form takes it, in percent; the api takes a share above 0 and at most 1.
 * Returns the server's own message for what it would refuse, or null.
 */
export function thresholdError(percent: number | string | null): string | null {
  if (typeof percent !== 'number' || Number.isNaN(percent)) {
    return 'Enter the threshold as a percentage (80 for 80 %).';
  }
  if (percent <= 0) return 'The threshold must be more than 0 %.';
  if (percent > 100) return 'The threshold can be at most 100 %.';
  return null;
}

/** What the api says of a monthly-quota alert on a key without a monthly limit. */
export const NO_MONTHLY_LIMIT =
  'This key has no monthly limit: set one on the key first, or watch its error rate.';

/** 80 (percent) → 0.8 (the share the api stores), without floating-point noise. */
export const toShare = (percent: number): number => Math.round(percent * 100) / 10_000;

/** 0.8 → "80 %"; 0.055 → "5.5 %". */
export function formatShare(share: number): string {
  const percent = Math.round(share * 10_000) / 100;
  return `${percent} %`;
}
