import type { Role } from '../../gql/graphql';

/** The team rules of the api, mirrored so the UI offers only what the server allows. */
export const ROLES: readonly Role[] = ['OWNER', 'ADMIN', 'MEMBER'];

export const ROLE_LABELS: Record<Role, string> = {
  OWNER: 'Owner',
  ADMIN: 'Admin',
  MEMBER: 'Member',
};

export const ROLE_COLORS: Record<Role, string> = {
  OWNER: 'grape',
  ADMIN: 'indigo',
  MEMBER: 'gray',
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  OWNER: 'Everything, including renaming and deleting the team',
  ADMIN: 'Invites and removes members and admins; manages API keys',
  MEMBER: 'Reads the team, its members and its keys’ details',
};

export function roleLabel(role: string | null | undefined): string {
  return role && role in ROLE_LABELS ? ROLE_LABELS[role as Role] : (role ?? '');
}

export function canManageMembers(viewerRole: Role | null | undefined): boolean {
  return viewerRole === 'OWNER' || viewerRole === 'ADMIN';
}

export function canManageTeam(viewerRole: Role | null | undefined): boolean {
  return viewerRole === 'OWNER';
}

/** Roles the viewer may give in an invitation. */
export function invitableRoles(viewerRole: Role | null | undefined): Role[] {
  if (viewerRole === 'OWNER') return ['MEMBER', 'ADMIN', 'OWNER'];
  if (viewerRole === 'ADMIN') return ['MEMBER', 'ADMIN'];
  return [];
}

/**
 * Roles a member may be given by the viewer (including the current one), or an empty list
 * when the viewer may not change it.
 */
export function assignableRoles(viewerRole: Role | null | undefined, targetRole: Role): Role[] {
  if (viewerRole === 'OWNER') return ['OWNER', 'ADMIN', 'MEMBER'];
  if (viewerRole === 'ADMIN' && targetRole !== 'OWNER') return ['ADMIN', 'MEMBER'];
  return [];
}

export function canRemoveMember(viewerRole: Role | null | undefined, targetRole: Role): boolean {
  if (viewerRole === 'OWNER') return true;
  return viewerRole === 'ADMIN' && targetRole !== 'OWNER';
}

/** OWNER and ADMIN create, rotate and revoke API keys; a MEMBER sees their metadata. */
export function canManageKeys(viewerRole: Role | null | undefined): boolean {
  return viewerRole === 'OWNER' || viewerRole === 'ADMIN';
}
