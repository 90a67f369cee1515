import { graphql } from '../../gql';

export const InvitationPreviewQuery = graphql(`
  query InvitationPreview($token: String!) {
    invitationPreview(token: $token) {
      teamName
      email
      role
      message
      invitedByName
      status
      expiresAt
      guidelines
    }
  }
`);

export const AcceptInvitationMutation = graphql(`
  mutation AcceptInvitation($token: String!) {
    acceptInvitation(token: $token) {
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
`);
