import type { Environment, Role } from '../../gql/graphql';

/** The data the getting-started checklists are computed from. */
export interface ChecklistTeam {
  /** The team's guidelines (Markdown); null or blank: none written. */
  guidelines: string | null;
  members: readonly { role: Role }[];
  invitations: readonly unknown[];
  /** Usage alerts that mail the team when usage crosses a threshold. */
  usageAlerts: readonly unknown[];
  apiKeys: readonly {
    environment: Environment;
    lastUsedAt: string | null;
    /** When someone confirmed storing the key's secret securely; null: not yet. */
    secretStoredAt: string | null;
    /** Requests in the last 30 days. */
    usage: { totalRequests: number };
  }[];
}

export interface ChecklistState {
  team: { created: boolean; invited: boolean; rolesAssigned: boolean; guidelines: boolean };
  keys: {
    development: boolean;
    production: boolean;
    firstUse: boolean;
    storedSecurely: boolean;
    monitoring: boolean;
  };
}

/**
 * The partner guide's two quick-reference checklists (team setup, API keys), every item from
 * real data (null team: none created yet).
 */
export function checklistState(team: ChecklistTeam | null): ChecklistState {
  if (!team) {
    return {
      team: { created: false, invited: false, rolesAssigned: false, guidelines: false },
      keys: {
        development: false,
        production: false,
        firstUse: false,
        storedSecurely: false,
        monitoring: false,
      },
    };
  }
  const recentTraffic = team.apiKeys.some((k) => k.usage.totalRequests > 0);
  const owners = team.members.filter((m) => m.role === 'OWNER').length;
  return {
    team: {
      created: true,
      invited: team.members.length > 1 || team.invitations.length > 0,
      rolesAssigned: team.members.some((m) => m.role === 'ADMIN') || owners > 1,
      guidelines: Boolean(team.guidelines?.trim()),
    },
    keys: {
      development: team.apiKeys.some((k) => k.environment === 'DEVELOPMENT'),
      production: team.apiKeys.some((k) => k.environment === 'PRODUCTION'),
      firstUse: recentTraffic || team.apiKeys.some((k) => k.lastUsedAt !== null),
      storedSecurely: team.apiKeys.some((k) => k.secretStoredAt !== null),
      monitoring: team.usageAlerts.length > 0,
    },
  };
}
