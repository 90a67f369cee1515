/** Derived, never stored: REVOKED once revoked, EXPIRED from the instant `expiresAt` passes, else ACTIVE. */
export type KeyStatus = 'ACTIVE' | 'EXPIRED' | 'REVOKED';

export function keyStatus(
  key: { revokedAt: Date | null; expiresAt: Date | null },
  now: Date,
): KeyStatus {
  if (key.revokedAt && key.revokedAt.getTime() <= now.getTime()) return 'REVOKED';
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return 'EXPIRED';
  return 'ACTIVE';
}
