import type { Environment, Role } from '../../gql/graphql';

/** The data the getting-started checklists are computed from. */
export interface ChecklistTeam {
  members: readonly { role: Role }[];
  invitations: readonly unknown[];
  apiKeys: readonly {
    environment: Environment;
    lastUsedAt: string | null;
    /** Requests in the last 30 days. */
    usage: { totalRequests: number };
  }[];
}

export interface ChecklistState {
  team: { created: boolean; invited: boolean; rolesAssigned: boolean };
  keys: { development: boolean; production: boolean; firstUse: boolean; monitoring: boolean };
}

/**
 * The partner guide's two checklists, from real data (null team: none created yet).
 * `usageVisited`: the viewer has opened one of the team's usage pages (kept in this browser).
 */
export function checklistState(team: ChecklistTeam | null, usageVisited = false): ChecklistState {
  if (!team) {
    return {
      team: { created: false, invited: false, rolesAssigned: false },
      keys: { development: false, production: false, firstUse: false, monitoring: false },
    };
  }
  const recentTraffic = team.apiKeys.some((k) => k.usage.totalRequests > 0);
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
      firstUse: recentTraffic || team.apiKeys.some((k) => k.lastUsedAt !== null),
      monitoring: usageVisited || recentTraffic,
    },
  };
}
