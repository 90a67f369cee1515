import { policy, Role } from './role';

const { OWNER, ADMIN, MEMBER } = Role;

describe('role policy', () => {
  it.each([
    // actor, target's role from → to, allowed
    [OWNER, OWNER, ADMIN, true],
    [OWNER, MEMBER, OWNER, true],
    [ADMIN, MEMBER, ADMIN, true],
    [ADMIN, ADMIN, MEMBER, true],
    [ADMIN, ADMIN, OWNER, false],
    [ADMIN, OWNER, ADMIN, false],
    [MEMBER, MEMBER, ADMIN, false],
  ])('%s changing %s → %s: %s', (actor, from, to, allowed) => {
    expect(policy.changeRole(actor, from, to)).toBe(allowed);
  });

  it.each([
    [OWNER, OWNER, true],
    [ADMIN, OWNER, false],
    [ADMIN, ADMIN, true],
    [ADMIN, MEMBER, true],
    [MEMBER, MEMBER, false],
  ])('%s inviting or removing %s: %s', (actor, target, allowed) => {
    expect(policy.invite(actor, target)).toBe(allowed);
    expect(policy.remove(actor, target)).toBe(allowed);
  });

  it.each([
    [OWNER, OWNER, true],
    [OWNER, MEMBER, true],
    [ADMIN, ADMIN, true],
    [ADMIN, MEMBER, true],
    [ADMIN, OWNER, false],
    [MEMBER, MEMBER, false],
  ])('%s offboarding %s: %s', (actor, target, allowed) => {
    expect(policy.offboard(actor, target)).toBe(allowed);
  });

  it('lets owners and admins write guidelines and complete access reviews, members only read', () => {
    expect(
      [OWNER, ADMIN, MEMBER].map((r) => [policy.editGuidelines(r), policy.reviewAccess(r)]),
    ).toEqual([
      [true, true],
      [true, true],
      [false, false],
    ]);
  });

  it('lets only owners rename or delete, and owners and admins manage keys', () => {
    expect(
      [OWNER, ADMIN, MEMBER].map((r) => [
        policy.updateTeam(r),
        policy.deleteTeam(r),
        policy.manageKeys(r),
      ]),
    ).toEqual([
      [true, true, true],
      [false, false, true],
      [false, false, false],
    ]);
  });
});
