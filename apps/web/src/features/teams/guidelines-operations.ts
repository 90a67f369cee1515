import { graphql } from '../../gql';

/**
 * The team's guidelines and whether the viewer has read this version of them (their
 * membership's acknowledgement is newer than the last change).
 */
export const TeamGuidelinesQuery = graphql(`
  query TeamGuidelines($teamId: ID!) {
    team(id: $teamId) {
      id
      viewerRole
      guidelines
      guidelinesUpdatedAt
    }
    viewer {
      memberships {
        id
        guidelinesAcknowledgedAt
        team {
          id
        }
      }
    }
  }
`);

export const UpdateTeamGuidelinesMutation = graphql(`
  mutation UpdateTeamGuidelines($id: ID!, $guidelines: String!) {
    updateTeam(id: $id, input: { guidelines: $guidelines }) {
      id
      guidelines
      guidelinesUpdatedAt
    }
  }
`);

export const AcknowledgeTeamGuidelinesMutation = graphql(`
  mutation AcknowledgeTeamGuidelines($teamId: ID!) {
    acknowledgeTeamGuidelines(teamId: $teamId) {
      id
      guidelinesAcknowledgedAt
    }
  }
`);
