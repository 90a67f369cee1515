import { graphql } from '../../gql';

export const MemberFieldsFragment = graphql(`
  fragment MemberFields on Membership {
    id
    role
    joinedAt
    lastActiveAt
    user {
      id
      name
      email
    }
  }
`);

export const InvitationFieldsFragment = graphql(`
  fragment InvitationFields on Invitation {
    id
    email
    role
    message
    status
    createdAt
    expiresAt
    invitedBy {
      id
      name
    }
  }
`);

export const TeamMembersQuery = graphql(`
  query TeamMembers($teamId: ID!) {
    team(id: $teamId) {
      id
      viewerRole
      members {
        ...MemberFields
      }
      invitations(status: PENDING) {
        ...InvitationFields
      }
    }
  }
`);

export const InviteMemberMutation = graphql(`
  mutation InviteMember($input: InviteMemberInput!) {
    inviteMember(input: $input) {
      ...InvitationFields
    }
  }
`);

export const ResendInvitationMutation = graphql(`
  mutation ResendInvitation($id: ID!) {
    resendInvitation(id: $id) {
      ...InvitationFields
    }
  }
`);

export const RevokeInvitationMutation = graphql(`
  mutation RevokeInvitation($id: ID!) {
    revokeInvitation(id: $id) {
      id
      status
    }
  }
`);

export const ChangeMemberRoleMutation = graphql(`
  mutation ChangeMemberRole($membershipId: ID!, $role: Role!) {
    changeMemberRole(membershipId: $membershipId, role: $role) {
      id
      role
      team {
        id
        viewerRole
      }
    }
  }
`);

/** The keys each member created in the team, for the offboarding dialog. */
export const MemberCreatedKeysQuery = graphql(`
  query MemberCreatedKeys($teamId: ID!) {
    team(id: $teamId) {
      id
      name
      members {
        id
        createdApiKeys {
          id
          name
          start
          environment
          status
          lastUsedAt
        }
      }
    }
  }
`);

export const OffboardMemberMutation = graphql(`
  mutation OffboardMember($membershipId: ID!, $keys: DepartingMemberKeys!) {
    offboardMember(membershipId: $membershipId, keys: $keys)
  }
`);
