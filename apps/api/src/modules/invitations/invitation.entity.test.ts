import { InvitationStatus, invitationStatus, type Invitation } from './invitation.entity';

describe('invitationStatus', () => {
  const now = new Date('2026-11-27T12:00:00.000Z');
  const base = {
    expiresAt: new Date(now.getTime() + 1000),
    acceptedAt: null,
    revokedAt: null,
  } as Invitation;

  it.each([
    ['pending', {}, InvitationStatus.PENDING],
    ['expired at the instant', { expiresAt: now }, InvitationStatus.EXPIRED],
    ['revoked', { revokedAt: now }, InvitationStatus.REVOKED],
    [
      'accepted (even if later expired)',
      { acceptedAt: now, expiresAt: new Date(0) },
      InvitationStatus.ACCEPTED,
    ],
  ])('%s', (_label, changes, expected) => {
    expect(invitationStatus({ ...base, ...changes }, now)).toBe(expected);
  });
});
