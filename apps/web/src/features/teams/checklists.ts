import type { Environment, Role } from '../../gql/graphql';

/** The data the getting-started checklists are computed from. */
export interface ChecklistTeam {
  members: readonly { role: Role }[];
  invitations: readonly unknown[];
  apiKeys: readonly { environment: Environment; lastUsedAt: string | null }[];
}

export interface ChecklistState {
  team: { created: boolean; invited: boolean; rolesAssigned: boolean };
  keys: { development: boolean; production: boolean; firstUse: boolean };
}

/** The partner guide's two checklists, from real data (null team: none created yet). */
export function checklistState(team: ChecklistTeam | null): ChecklistState {
  if (!team) {
    return {
      team: { created: false, invited: false, rolesAssigned: false },
      keys: { development: false, production: false, firstUse: false },
    };
  }
  const owners = team.members.filter((m) => m.role === 'OWNER').length;
  return {
    team: {
      created: true,
      invited: team.members.length > 1 || team.invitations.length > 0,
      rolesAssigned: team.members.some((m) => m.role === 'ADMIN') || owners > 1,
    },
    keys: {
      development: team.apiKeys.some((k) => k.environment === 'DEVELOPMENT'),
      production: team.apiKeys.some((k) => k.environment === 'PRODUCTION'),
      firstUse: team.apiKeys.some((k) => k.lastUsedAt !== null),
    },
  };
}
