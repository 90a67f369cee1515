import { KeyStatus, keyStatus } from './api-key.entity';

describe('keyStatus', () => {
  const now = new Date('2026-11-27T12:00:00.000Z');
  const ms = (delta: number) => new Date(now.getTime() + delta);

  it.each([
    ['never expires, not revoked', { revokedAt: null, expiresAt: null }, KeyStatus.ACTIVE],
    ['expires in a millisecond', { revokedAt: null, expiresAt: ms(1) }, KeyStatus.ACTIVE],
    ['expires this very instant', { revokedAt: null, expiresAt: ms(0) }, KeyStatus.EXPIRED],
    ['expired a while ago', { revokedAt: null, expiresAt: ms(-86_400_000) }, KeyStatus.EXPIRED],
    ['revoked', { revokedAt: ms(-1), expiresAt: null }, KeyStatus.REVOKED],
    [
      'revoked and expired: revoked wins',
      { revokedAt: ms(-1), expiresAt: ms(-1) },
      KeyStatus.REVOKED,
    ],
    ['revoked and not yet expired', { revokedAt: ms(0), expiresAt: ms(1000) }, KeyStatus.REVOKED],
  ])('%s → %s', (_label, key, expected) => {
    expect(keyStatus(key, now)).toBe(expected);
  });
});
