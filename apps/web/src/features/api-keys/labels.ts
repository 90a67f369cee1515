import type { Environment, KeyExpiration, KeyStatus } from '../../gql/graphql';

/** Words and colours for the api's key enums, shared by the table, the dialogs and the activity. */
export const ENVIRONMENT_LABELS: Record<Environment, string> = {
  DEVELOPMENT: 'Development',
  PRODUCTION: 'Production',
};

export const ENVIRONMENT_COLORS: Record<Environment, string> = {
  DEVELOPMENT: 'cyan',
  PRODUCTION: 'violet',
};

export const ENVIRONMENT_HINTS: Record<Environment, string> = {
  DEVELOPMENT: 'For local work, staging and CI. Starts with ppk_test_.',
  PRODUCTION: 'For your live integration. Starts with ppk_live_.',
};

export const STATUS_LABELS: Record<KeyStatus, string> = {
  ACTIVE: 'Active',
  EXPIRED: 'Expired',
  REVOKED: 'Revoked',
};

export const STATUS_COLORS: Record<KeyStatus, string> = {
  ACTIVE: 'teal',
  EXPIRED: 'orange',
  REVOKED: 'red',
};

export const EXPIRATION_OPTIONS: { value: KeyExpiration; label: string; days: number | null }[] = [
  { value: 'NEVER', label: 'Never', days: null },
  { value: 'DAYS_30', label: '30 days', days: 30 },
  { value: 'DAYS_90', label: '90 days', days: 90 },
  { value: 'DAYS_180', label: '180 days', days: 180 },
];

export function expirationDays(value: KeyExpiration): number | null {
  return EXPIRATION_OPTIONS.find((o) => o.value === value)?.days ?? null;
}

/** Grace periods offered when rotating; 0 revokes the old key at once. */
export const GRACE_OPTIONS: { hours: number; label: string }[] = [
  { hours: 0, label: 'Revoke the old key now' },
  { hours: 1, label: '1 hour' },
  { hours: 24, label: '24 hours' },
  { hours: 24 * 7, label: '7 days' },
];

export const DEFAULT_GRACE_HOURS = 24;

/** Keys that expire within this many days are shown in a warning colour. */
export const EXPIRY_WARNING_DAYS = 14;

/** `ppk_live_AbC1…`: the displayable beginning of a key, never the secret. */
export function displayStart(start: string): string {
  return `${start}…`;
}

export function isEnvironment(value: unknown): value is Environment {
  return value === 'DEVELOPMENT' || value === 'PRODUCTION';
}

export function isKeyStatus(value: unknown): value is KeyStatus {
  return value === 'ACTIVE' || value === 'EXPIRED' || value === 'REVOKED';
}
