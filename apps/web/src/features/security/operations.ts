import { graphql } from '../../gql';

/** A key as the access review shows it: its fields plus the incidents' key summary. */
export const AccessReviewFieldsFragment = graphql(`
  fragment AccessReviewFields on AccessReview {
    inactiveMembers {
      ...MemberFields
    }
    staleKeys {
      ...ApiKeyFields
    }
    expiringKeys {
      ...ApiKeyFields
    }
    neverExpiringProductionKeys {
      ...ApiKeyFields
    }
    lastCompletedAt
    lastCompletedBy {
      id
      name
    }
  }
`);

export const KeyIncidentFieldsFragment = graphql(`
  fragment KeyIncidentFields on KeyIncident {
    id
    source
    action
    details
    foundAt
    createdAt
    rejectedAttempts
    lastRejectedAt
    rejectedAddresses {
      address
      attempts
      lastSeenAt
    }
    reportedBy {
      id
      name
    }
    apiKey {
      id
      name
      start
      environment
      status
      revokedAt
      replacedBy {
        id
        name
        start
      }
    }
  }
`);

export const UsageAlertFieldsFragment = graphql(`
  fragment UsageAlertFields on UsageAlert {
    id
    kind
    threshold
    createdAt
    lastTriggeredAt
    apiKey {
      id
      name
      start
      status
    }
  }
`);

/** The Security page: the review, the incidents and the usage alerts in one request. */
export const TeamSecurityQuery = graphql(`
  query TeamSecurity($teamId: ID!) {
    team(id: $teamId) {
      id
      name
      viewerRole
      accessReview {
        ...AccessReviewFields
      }
      incidents {
        ...KeyIncidentFields
      }
      usageAlerts {
        ...UsageAlertFields
      }
    }
  }
`);

/** The team's incidents (polled by an incident's page for refused attempts). */
export const TeamIncidentsQuery = graphql(`
  query TeamIncidents($teamId: ID!) {
    team(id: $teamId) {
      id
      viewerRole
      members {
        id
        role
        user {
          id
          name
          email
        }
      }
      incidents {
        ...KeyIncidentFields
      }
    }
  }
`);

/** Incidents of one key, for its page. */
export const KeyIncidentsQuery = graphql(`
  query KeyIncidents($keyId: ID!) {
    apiKey(id: $keyId) {
      id
      incidents {
        ...KeyIncidentFields
      }
    }
  }
`);

/** Active keys to choose from when an alert watches one key. */
export const AlertableKeysQuery = graphql(`
  query AlertableKeys($teamId: ID!) {
    team(id: $teamId) {
      id
      apiKeys(status: ACTIVE) {
        id
        name
        start
        environment
        monthlyRequestLimit
      }
    }
  }
`);

export const CompleteAccessReviewMutation = graphql(`
  mutation CompleteAccessReview($teamId: ID!, $note: String) {
    completeAccessReview(teamId: $teamId, note: $note) {
      ...AccessReviewFields
    }
  }
`);

export const ReportCompromisedKeyMutation = graphql(`
  mutation ReportCompromisedKey($input: ReportCompromisedKeyInput!) {
    reportCompromisedKey(input: $input) {
      incident {
        ...KeyIncidentFields
        apiKey {
          ...ApiKeyFields
        }
      }
      replacement {
        secret
        apiKey {
          ...ApiKeyFields
        }
      }
    }
  }
`);

export const CreateUsageAlertMutation = graphql(`
  mutation CreateUsageAlert($input: CreateUsageAlertInput!) {
    createUsageAlert(input: $input) {
      ...UsageAlertFields
    }
  }
`);

export const DeleteUsageAlertMutation = graphql(`
  mutation DeleteUsageAlert($id: ID!) {
    deleteUsageAlert(id: $id)
  }
`);

/** Writes a review answer (it has no id of its own) into its team's default-argument field. */
export const TeamAccessReviewFragment = graphql(`
  fragment TeamAccessReview on Team {
    id
    accessReview {
      ...AccessReviewFields
    }
  }
`);
