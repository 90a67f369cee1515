import { graphql } from '../../gql';

export const TeamFieldsFragment = graphql(`
  fragment TeamFields on Team {
    id
    name
    description
    createdAt
    viewerRole
  }
`);

export const MyTeamsQuery = graphql(`
  query MyTeams {
    viewer {
      memberships {
        id
        role
        joinedAt
        team {
          id
          name
          description
        }
      }
    }
  }
`);

export const TeamQuery = graphql(`
  query Team($id: ID!) {
    team(id: $id) {
      ...TeamFields
    }
  }
`);

export const CreateTeamMutation = graphql(`
  mutation CreateTeam($input: CreateTeamInput!) {
    createTeam(input: $input) {
      ...TeamFields
    }
  }
`);

export const UpdateTeamMutation = graphql(`
  mutation UpdateTeam($id: ID!, $input: UpdateTeamInput!) {
    updateTeam(id: $id, input: $input) {
      ...TeamFields
    }
  }
`);

export const DeleteTeamMutation = graphql(`
  mutation DeleteTeam($id: ID!) {
    deleteTeam(id: $id)
  }
`);

export const LeaveTeamMutation = graphql(`
  mutation LeaveTeam($teamId: ID!) {
    leaveTeam(teamId: $teamId)
  }
`);

/** What the dashboard's getting-started checklists are computed from. */
export const GettingStartedQuery = graphql(`
  query GettingStarted($teamId: ID!, $since: DateTime!, $until: DateTime!) {
    team(id: $teamId) {
      id
      name
      viewerRole
      guidelines
      members {
        id
        role
      }
      invitations {
        id
      }
      usageAlerts {
        id
      }
      apiKeys {
        id
        environment
        lastUsedAt
        secretStoredAt
        usage(from: $since, to: $until, interval: DAY) {
          totalRequests
        }
      }
    }
  }
`);
