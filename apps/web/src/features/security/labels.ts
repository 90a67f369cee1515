import type { CompromiseAction, UsageAlertKind } from '../../gql/graphql';

export const ACTION_LABELS: Record<CompromiseAction, string> = {
  REVOKE: 'Revoked',
  ROTATE: 'Revoked and replaced',
};

export const ALERT_KIND_LABELS: Record<UsageAlertKind, string> = {
  MONTHLY_QUOTA: 'Monthly quota used',
  ERROR_RATE: 'Error rate (last 5 minutes)',
};

export const ALERT_KIND_HINTS: Record<UsageAlertKind, string> = {
  MONTHLY_QUOTA:
    'Mails when a key has used this share of its monthly request limit (keys without a limit never trigger it). Resets on the 1st (UTC).',
  ERROR_RATE:
    'Mails when this share of requests failed over the last 5 minutes (counted from 20 requests), a sign of a broken deployment or of someone trying a revoked key.',
};

export function isAlertKind(value: unknown): value is UsageAlertKind {
  return value === 'MONTHLY_QUOTA' || value === 'ERROR_RATE';
}

/** PERSON or SECRET_SCANNING (a string in the schema, so other sources may come). */
export function sourceLabel(source: string): string {
  if (source === 'SECRET_SCANNING') return 'Found by a secret scanner';
  if (source === 'PERSON') return 'Reported by a person';
  return source;
}
