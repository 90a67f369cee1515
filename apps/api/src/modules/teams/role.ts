import { registerEnumType } from 'type-graphql';

export enum Role {
  OWNER = 'OWNER',
  ADMIN = 'ADMIN',
  MEMBER = 'MEMBER',
}
registerEnumType(Role, {
  name: 'Role',
  description: 'OWNER: everything. ADMIN: members and API keys. MEMBER: reads.',
});

const RANK: Record<Role, number> = { [Role.MEMBER]: 1, [Role.ADMIN]: 2, [Role.OWNER]: 3 };

export const atLeast = (role: Role, minimum: Role): boolean => RANK[role] >= RANK[minimum];

/**
 * Who may do what to whom, in one place (the table-driven test walks it):
 * OWNER may do everything; ADMIN manages MEMBERs and ADMINs but never touches an OWNER or
 * makes one; MEMBER only reads.
 */
export const policy = {
  readTeam: (_actor: Role) => true,
  updateTeam: (actor: Role) => actor === Role.OWNER,
  deleteTeam: (actor: Role) => actor === Role.OWNER,
  invite: (actor: Role, role: Role) =>
    actor === Role.OWNER || (actor === Role.ADMIN && role !== Role.OWNER),
  manageInvitation: (actor: Role, invitedRole: Role) => policy.invite(actor, invitedRole),
  changeRole: (actor: Role, from: Role, to: Role) =>
    actor === Role.OWNER || (actor === Role.ADMIN && from !== Role.OWNER && to !== Role.OWNER),
  remove: (actor: Role, target: Role) =>
    actor === Role.OWNER || (actor === Role.ADMIN && target !== Role.OWNER),
  manageKeys: (actor: Role) => actor === Role.OWNER || actor === Role.ADMIN,
  /** The team's guidelines: its owners and admins write them (renaming stays the owners'). */
  editGuidelines: (actor: Role) => actor === Role.OWNER || actor === Role.ADMIN,
  /** Marks an access review complete (reading one is for every member). */
  reviewAccess: (actor: Role) => actor === Role.OWNER || actor === Role.ADMIN,
  /** Removing a member and deciding about the keys they created: removal rules, and key rights. */
  offboard: (actor: Role, target: Role) => policy.remove(actor, target) && policy.manageKeys(actor),
};
