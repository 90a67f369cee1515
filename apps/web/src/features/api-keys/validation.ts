/** Client-side checks mirroring the api's key rules (the server stays the authority). */
export const KEY_NAME_MAX = 80;
export const KEY_DESCRIPTION_MAX = 500;
export const RATE_LIMIT_MAX = 1_000_000;

export function validateKeyName(value: string): string | null {
  const name = value.trim();
  if (!name) return 'Enter a name for the key.';
  if (name.length > KEY_NAME_MAX) return `Use at most ${KEY_NAME_MAX} characters.`;
  return null;
}

export function validateKeyDescription(value: string): string | null {
  return value.trim().length > KEY_DESCRIPTION_MAX
    ? `Keep the description to ${KEY_DESCRIPTION_MAX} characters.`
    : null;
}

/** An optional whole number of requests ('' is "no limit"). */
export function validateLimit(
  value: number | string,
  max: number = Number.MAX_SAFE_INTEGER,
): string | null {
  if (value === '') return null;
  const n = Number(value);
  if (!Number.isInteger(n)) return 'Enter a whole number of requests.';
  if (n < 1) return 'Enter at least 1, or leave it empty for no limit.';
  if (n > max) return `Enter at most ${max.toLocaleString()}.`;
  return null;
}

export function toLimit(value: number | string): number | undefined {
  return value === '' ? undefined : Number(value);
}
